package monitor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/serviceflow/serviceflow/snapshot"
)

var _ snapshot.Tapper = (*Client)(nil)

// tapHandler serves GET /tap?stage=S&since=N: the samples of a tap on stage
// S newer than N, as a JSON array, opening the tap (see snapshot.TapLease).
// A source that cannot tap answers 501, an unknown stage 422.
func tapHandler(src snapshot.Source) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		t, ok := src.(snapshot.Tapper)
		if !ok {
			http.Error(w, snapshot.ErrNoTap.Error(), http.StatusNotImplemented)
			return
		}
		q := r.URL.Query()
		since, err := strconv.ParseUint(q.Get("since"), 10, 64)
		if q.Get("since") == "" {
			since, err = 0, nil
		}
		if err != nil || q.Get("stage") == "" {
			http.Error(w, "tap: want ?stage=NAME&since=N", http.StatusBadRequest)
			return
		}
		samples, err := t.Tap(r.Context(), q.Get("stage"), since)
		switch {
		case errors.Is(err, snapshot.ErrNoTap):
			http.Error(w, err.Error(), http.StatusNotImplemented)
			return
		case err != nil:
			http.Error(w, err.Error(), http.StatusUnprocessableEntity)
			return
		}
		if samples == nil {
			samples = []snapshot.Sample{}
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(samples)
	}
}

// Tap implements snapshot.Tapper against the remote flow: the samples of
// a tap on stage newer than since. An endpoint without taps (an older
// flowrun) gives an error matching snapshot.ErrNoTap; an unknown stage one
// matching snapshot.ErrNoStage.
func (c *Client) Tap(ctx context.Context, stage string, since uint64) ([]snapshot.Sample, error) {
	u := c.base + "/tap?" + url.Values{"stage": {stage}, "since": {strconv.FormatUint(since, 10)}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("monitor: %w", err)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("monitor: cannot reach %s: %w", c.base, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
		text := strings.TrimSpace(string(msg))
		switch resp.StatusCode {
		case http.StatusNotFound, http.StatusNotImplemented:
			return nil, fmt.Errorf("monitor: %s: %w", c.base, snapshot.ErrNoTap)
		case http.StatusUnprocessableEntity:
			return nil, fmt.Errorf("monitor: %s: %w (%s)", c.base, snapshot.ErrNoStage, text)
		}
		return nil, fmt.Errorf("monitor: GET /tap: %s: %s", resp.Status, text)
	}
	var out []snapshot.Sample
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(&out); err != nil {
		return nil, fmt.Errorf("monitor: GET /tap: %w", err)
	}
	return out, nil
}
