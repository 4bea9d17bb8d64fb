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

// On loopback, a page that rebinds its name to 127.0.0.1 cannot read the
// metrics: its name comes as Host.
func TestListenRefusesARebindingHost(t *testing.T) {
	s, err := Listen("127.0.0.1:0", fixed{Flow: "orders"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	for host, want := range map[string]int{"evil.example:9090": http.StatusForbidden, "localhost:1234": http.StatusOK, "": http.StatusOK} {
		req, _ := http.NewRequest("GET", "http://"+s.Addr()+"/metrics", nil)
		if host != "" {
			req.Host = host
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("Host %q: status %d, want %d", host, resp.StatusCode, want)
		}
	}
}
