package metrics

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/serviceflow/serviceflow/snapshot"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestListenServesAndCloses(t *testing.T) {
	s, err := Listen("127.0.0.1:0", fixed{Flow: "orders", State: snapshot.Running})
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Get("http://" + s.Addr() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `serviceflow_state{flow="orders",state="RUNNING"} 1`) ||
		!strings.Contains(string(body), "\ngo_goroutines ") || !strings.Contains(string(body), "\nprocess_cpu_seconds_total ") {
		t.Fatalf("status %d body:\n%s", resp.StatusCode, body)
	}
	if err := s.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := Listen("127.0.0.1:-1", fixed{}); err == nil {
		t.Fatal("a bad address was accepted")
	}
}
