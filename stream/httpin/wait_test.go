package httpin

import (
	"bufio"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestParseURLWait(t *testing.T) {
	for _, tc := range []struct {
		url  string
		want time.Duration
	}{
		{"http://127.0.0.1:8080/orders", 0},
		{"http://127.0.0.1:8080/orders?wait=2s", 2 * time.Second},
		{"https://127.0.0.1:8080/?wait=1ms", time.Millisecond},
		{"http://127.0.0.1:8080/?wait=1m", MaxWait},
	} {
		cfg, err := ParseURL(tc.url)
		if err != nil || cfg.Wait != tc.want || cfg.Addr != "127.0.0.1:8080" {
			t.Errorf("%s: %+v %v, want Wait %v", tc.url, cfg, err, tc.want)
		}
	}
	for _, tc := range []struct{ url, msg string }{
		{"http://127.0.0.1:1/x?wait=2", "want a duration from 1ms to 1m0s"},
		{"http://127.0.0.1:1/x?wait=abc", "wait=\"abc\""},
		{"http://127.0.0.1:1/x?wait=0s", "from 1ms"},
		{"http://127.0.0.1:1/x?wait=-1s", "from 1ms"},
		{"http://127.0.0.1:1/x?wait=2m", "to 1m0s"},
		{"http://127.0.0.1:1/x?wait=1s&wait=2s", "wait given 2 times"},
		{"http://127.0.0.1:1/x?token=a", `unknown query parameter "token"; known: wait`},
		{"http://127.0.0.1:1/x?wait=%zz", "query"},
	} {
		_, err := ParseURL(tc.url)
		if err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: %v, want an error with %q", tc.url, err, tc.msg)
		}
	}
	if _, err := NewSource(Config{Addr: "127.0.0.1:0", Wait: 2 * MaxWait}); err == nil {
		t.Error("NewSource took a Wait over MaxWait")
	}
}

// A later line of an NDJSON body that the flow does not take within Wait
// ends the answer with a busy line; the lines after it are not read.
func TestNDJSONLaterLineBusyEndsTheAnswer(t *testing.T) {
	refused := make(chan struct{}, 1)
	c, url := start(t, Config{Wait: 20 * time.Millisecond, onBusy: func() { refused <- struct{}{} }})
	answered := make(chan string, 1)
	go func() {
		resp, body := post(t, url, "application/x-ndjson", "{\"i\":1}\n{\"i\":2,\"hold\":true}\n{\"i\":3}\n{\"i\":4}\n")
		if resp.StatusCode != 200 {
			t.Errorf("status %d, want 200 (the first lines were taken)", resp.StatusCode)
		}
		answered <- body
	}()
	<-c.taken // the consumer holds line 2 and takes nothing else
	<-refused // line 3 waited Wait in vain
	close(c.release)
	body := <-answered
	var lines []map[string]any
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("%q: %v", sc.Text(), err)
		}
		lines = append(lines, m)
	}
	if len(lines) != 3 {
		t.Fatalf("%d answer lines, want 3 (two results, one busy):\n%s", len(lines), body)
	}
	for i, want := range []float64{1, 2} {
		if v, _ := lines[i]["values"].(map[string]any); v["i"] != want {
			t.Errorf("answer line %d: %v, want the result of i=%v", i+1, lines[i], want)
		}
	}
	if last := lines[2]; last["status"] != "busy" || !strings.Contains(last["error"].(string), "lines after it were not processed") {
		t.Errorf("last answer line %v, want status busy", last)
	}
	// Line 4 was never a record: the next one the consumer takes is this.
	resp, text := post(t, url, "application/json", `{"i":5}`)
	if resp.StatusCode != 200 || !strings.Contains(text, `"line":4`) {
		t.Errorf("next POST: %d %s, want 200 for record 4 (line 3 of the body was refused, line 4 never read)", resp.StatusCode, text)
	}
}
