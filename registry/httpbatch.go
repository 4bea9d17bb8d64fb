package registry

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/serviceflow/serviceflow/flow"
)

var _ batchService = (*httpService)(nil)

// httpBatchDoc is appended to the http service's Doc.
const httpBatchDoc = " In a batched step (batch: in a flow file) it sends one request per batch: the body is a JSON " +
	"array with one element per input (the body template's output, which must then be JSON, or the input's " +
	"values without one); a JSON array response with one element per input gives each input its element, " +
	"any other response is given to every input, and a failure status applies to every input. Inputs whose " +
	"URL or headers differ go in separate requests."

// CallBatch sends one request per group of inputs with the same URL and
// headers (one group, when they do not depend on the input), with a JSON
// array body, and maps the response back to the inputs.
func (s *httpService) CallBatch(ctx context.Context, batch []*flow.Context) error {
	errs := make(flow.BatchError, len(batch))
	var groups []*httpGroup
	byKey := map[string]*httpGroup{}
	for i, c := range batch {
		req, elem, err := s.prepare(c)
		if err != nil {
			errs[i] = err
			continue
		}
		g := byKey[req.key]
		if g == nil {
			g = &httpGroup{req: req}
			byKey[req.key] = g
			groups = append(groups, g)
		}
		g.inputs = append(g.inputs, i)
		g.elems = append(g.elems, elem)
	}
	for _, g := range groups {
		if err := ctx.Err(); err != nil {
			for _, i := range g.inputs {
				errs[i] = err
			}
			continue
		}
		out, code, err := s.send(ctx, g)
		for j, i := range g.inputs {
			if err != nil {
				errs[i] = err
				continue
			}
			batch[i].Set(s.into, out[j])
			if s.statusKey != "" {
				batch[i].Set(s.statusKey, code)
			}
		}
	}
	return errs
}

// httpGroup is one request of a batch: the inputs it carries, in order.
type httpGroup struct {
	req    prepared
	inputs []int             // indices in the batch
	elems  []json.RawMessage // one body element per input
}

type prepared struct {
	url     string
	headers [][2]string
	key     string // url and headers, to group inputs by
}

// prepare renders an input's URL, headers and body element.
func (s *httpService) prepare(c *flow.Context) (prepared, json.RawMessage, error) {
	data := make(map[string]any, len(s.reads))
	for k := range s.reads {
		if v, ok := c.Get(k); ok {
			data[k] = v
		}
	}
	var p prepared
	var err error
	if p.url, err = s.render(s.url, data); err != nil {
		return p, nil, err
	}
	var key strings.Builder
	key.WriteString(p.url)
	for _, h := range s.headers {
		v, err := s.render(h.t, data)
		if err != nil {
			return p, nil, err
		}
		p.headers = append(p.headers, [2]string{h.name, v})
		key.WriteString("\x00" + h.name + "\x00" + v)
	}
	p.key = key.String()
	var elem []byte
	if s.body == nil {
		if elem, err = json.Marshal(c); err != nil {
			return p, nil, fmt.Errorf("http: encode the input's values: %w", err)
		}
		return p, elem, nil
	}
	b, err := s.render(s.body, data)
	if err != nil {
		return p, nil, err
	}
	if !json.Valid([]byte(b)) {
		return p, nil, fmt.Errorf("http: in a batch the body template must give JSON (one array element per input); got %s", snippet([]byte(b))[2:])
	}
	return p, json.RawMessage(b), nil
}

// send makes g's request and returns one value per input: the elements of a
// JSON array response of that many elements, else the whole response for each
// (decoded for each, so inputs do not share values); or the error for all.
func (s *httpService) send(ctx context.Context, g *httpGroup) ([]any, int, error) {
	body, err := json.Marshal(g.elems)
	if err != nil {
		return nil, 0, fmt.Errorf("http: encode the batch: %w", err)
	}
	if s.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.timeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, s.method, g.req.url, bytes.NewReader(body))
	if err != nil {
		return nil, 0, fmt.Errorf("http: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	for _, h := range g.req.headers {
		req.Header.Set(h[0], h[1])
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, 0, classify(ctx, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	if err != nil {
		return nil, 0, classify(ctx, err)
	}
	if len(raw) > maxResponse {
		return nil, 0, fmt.Errorf("http: %s %s: response larger than %d bytes", s.method, g.req.url, maxResponse)
	}
	if err := statusError(s.method, g.req.url, resp, raw); err != nil {
		return nil, 0, err
	}
	v := decodeBody(raw)
	arr, isArray := v.([]any)
	switch {
	case !isArray:
		out := make([]any, len(g.inputs))
		out[0] = v
		for i := 1; i < len(out); i++ {
			out[i] = decodeBody(raw)
		}
		return out, resp.StatusCode, nil
	case len(arr) != len(g.inputs):
		return nil, 0, fmt.Errorf("http: %s %s: the response array has %d elements for %d inputs",
			s.method, g.req.url, len(arr), len(g.inputs))
	}
	return arr, resp.StatusCode, nil
}
