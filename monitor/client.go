package monitor

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/serviceflow/serviceflow/snapshot"
)

// Client watches a flow served by Listen in another process. It is a
// snapshot.Source, so the terminal UI shows a remote flow as it
// shows a local one. It is safe for concurrent use.
type Client struct {
	base  string
	token string
	http  *http.Client

	mu   sync.Mutex
	last snapshot.Snapshot
}

// Dial returns a client of the endpoint at addr ("127.0.0.1:7070" or a
// full http:// URL); give it the endpoint's Token if it has one. It does not
// connect until the first call.
func Dial(addr string, opts ...Option) *Client {
	base := addr
	if !strings.Contains(base, "://") {
		base = "http://" + base
	}
	cfg := configure(opts)
	return &Client{base: strings.TrimRight(base, "/"), token: cfg.token, http: &http.Client{Timeout: 5 * time.Second}}
}

// Check fetches one snapshot and reports whether the endpoint answered.
func (c *Client) Check(ctx context.Context) error {
	_, err := c.fetch(ctx)
	return err
}

// Snapshot returns the remote flow's snapshot. When the endpoint cannot be
// reached it returns the last one it got, in state FAILED with the reason in
// Err, so the monitor says so rather than freezing.
func (c *Client) Snapshot() snapshot.Snapshot {
	s, err := c.fetch(context.Background())
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		lost := c.last
		lost.State, lost.Err = snapshot.Failed, err.Error()
		return lost
	}
	c.last = s
	return s
}

func (c *Client) fetch(ctx context.Context) (snapshot.Snapshot, error) {
	var s snapshot.Snapshot
	err := c.do(ctx, http.MethodGet, "/snapshot", nil, &s)
	return s, err
}

// Pause pauses the remote flow's intake. It fails when ctx ends first, the
// endpoint cannot be reached or the flow refuses.
func (c *Client) Pause(ctx context.Context) error {
	return c.do(ctx, http.MethodPost, "/pause", nil, nil)
}

// Resume resumes the remote flow's intake; it fails as Pause does.
func (c *Client) Resume(ctx context.Context) error {
	return c.do(ctx, http.MethodPost, "/resume", nil, nil)
}

// Replay replays the remote flow's dead letters (all when ids is empty) and
// returns how many the flow took to replay.
func (c *Client) Replay(ctx context.Context, ids ...uint64) (int, error) {
	if ids == nil {
		ids = []uint64{}
	}
	var out struct {
		Replayed int `json:"replayed"`
	}
	err := c.do(ctx, http.MethodPost, "/replay", ids, &out)
	return out.Replayed, err
}

// Drain does not drain the remote flow, whose owner decides when it ends: it
// does nothing and returns an error matching snapshot.ErrNotOwner, so a
// monitor quitting just detaches and the flow keeps running.
func (c *Client) Drain(context.Context) error {
	return fmt.Errorf("monitor: %s: %w", c.base, snapshot.ErrNotOwner)
}

func (c *Client) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return fmt.Errorf("monitor: %w", err)
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(ClientHeader, "1")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("monitor: cannot reach %s: %w", c.base, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
		return fmt.Errorf("monitor: %s %s: %s: %s", method, path, resp.Status, strings.TrimSpace(string(msg)))
	}
	if out == nil {
		return nil
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(out); err != nil {
		return fmt.Errorf("monitor: %s %s: %w", method, path, err)
	}
	return nil
}
