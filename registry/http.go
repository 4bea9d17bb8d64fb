package registry

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"text/template"
	"text/template/parse"
	"time"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/internal/jsonnum"
)

// maxResponse bounds the response body the http service reads.
const maxResponse = 10 << 20

var httpSpec = Spec{
	Doc: "Makes an HTTP request whose URL, body and header values are Go templates over the context's " +
		"values ({{.id}}; {{urlquery .name}} escapes, {{json .order}} encodes JSON). A JSON response is decoded " +
		"into a key (other responses are kept as a string). 5xx responses, 429 and timeouts are retried " +
		"(flow.Retry, honouring Retry-After); a refused connection is Fatal (the service restarts); " +
		"other 4xx responses fail the input." + httpBatchDoc,
	Params: []Param{
		{Name: "url", Type: "template", Required: true, Doc: "the request URL"},
		{Name: "method", Type: "string", Default: "GET", Doc: "the HTTP method"},
		{Name: "body", Type: "template", Doc: "the request body"},
		{Name: "headers", Type: "map of templates", Doc: "request headers"},
		{Name: "timeout", Type: "duration", Default: "10s", Doc: "bound on the whole request"},
		{Name: "into", Type: "string", Default: "response", Doc: "the key for the decoded response"},
		{Name: "status", Type: "string", Doc: "a key for the status code; default none"},
	},
	Keys:    "reads the keys the templates use; writes into (and status)",
	Batches: true,
	Build:   buildHTTP,
}

func buildHTTP(p Params) (flow.Service, error) {
	s := &httpService{reads: map[string]bool{}}
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	var err error
	urlSrc, err := p.String("url")
	add(err)
	s.method, err = p.String("method")
	add(err)
	s.method = strings.ToUpper(strings.TrimSpace(s.method))
	body, err := p.String("body")
	add(err)
	headers, err := p.StringMap("headers")
	add(err)
	urlErrs := len(errs)
	s.timeout, err = p.Duration("timeout")
	add(err)
	s.into, err = p.String("into")
	add(err)
	s.statusKey, err = p.String("status")
	add(err)
	if len(errs) > urlErrs {
		return nil, errors.Join(errs...)
	}
	if s.method == "" || strings.ContainsAny(s.method, " \t\r\n") {
		add(&ParamError{Param: "method", Err: fmt.Errorf("want an HTTP method like GET or POST, found %q", s.method)})
	}
	if s.into == "" {
		add(&ParamError{Param: "into", Err: errors.New("want a key name")})
	}
	s.url, err = s.template("url", "", urlSrc)
	add(err)
	if p.Has("body") {
		s.body, err = s.template("body", "", body)
		add(err)
	}
	for _, k := range slices.Sorted(maps.Keys(headers)) {
		t, err := s.template("headers", k, headers[k])
		add(err)
		s.headers = append(s.headers, header{k, t})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	s.client = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	return s, nil
}

type header struct {
	name string
	t    *template.Template
}

type httpService struct {
	method    string
	url, body *template.Template
	headers   []header
	timeout   time.Duration
	into      string
	statusKey string
	reads     map[string]bool
	client    *http.Client
}

var templateFuncs = template.FuncMap{
	"json": func(v any) (string, error) {
		b, err := json.Marshal(v)
		return string(b), err
	},
}

func (s *httpService) template(param, key, src string) (*template.Template, error) {
	t, err := template.New(param).Funcs(templateFuncs).Option("missingkey=error").Parse(src)
	if err != nil {
		msg := strings.TrimPrefix(err.Error(), "template: ")
		return nil, &ParamError{Param: param, Key: key, Err: errors.New(msg)}
	}
	if t.Tree != nil {
		fields(t.Tree.Root, s.reads)
	}
	return t, nil
}

// fields adds the context keys a template reads: the first name of each
// field outside range and with blocks ({{.id}}, {{.order.total}}).
func fields(n parse.Node, keys map[string]bool) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			fields(c, keys)
		}
	case *parse.ActionNode:
		fields(n.Pipe, keys)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, c := range n.Cmds {
			fields(c, keys)
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			fields(a, keys)
		}
	case *parse.FieldNode:
		keys[n.Ident[0]] = true
	case *parse.IfNode:
		fields(n.Pipe, keys)
		fields(n.List, keys)
		fields(n.ElseList, keys)
	case *parse.RangeNode: // dot changes inside: only the pipeline reads the context
		fields(n.Pipe, keys)
		fields(n.ElseList, keys)
	case *parse.WithNode:
		fields(n.Pipe, keys)
		fields(n.ElseList, keys)
	}
}

func (s *httpService) Name() string { return "http" }
func (s *httpService) Expects() []string {
	return slices.Sorted(maps.Keys(s.reads))
}
func (s *httpService) Promises() []string {
	if s.statusKey != "" {
		return []string{s.into, s.statusKey}
	}
	return []string{s.into}
}

// Stop closes idle connections.
func (s *httpService) Stop(context.Context) error {
	s.client.CloseIdleConnections()
	return nil
}

func (s *httpService) render(t *template.Template, data map[string]any) (string, error) {
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return "", fmt.Errorf("http: %s template: %w", t.Name(), err)
	}
	return b.String(), nil
}

func (s *httpService) Call(ctx context.Context, c *flow.Context) error {
	data := make(map[string]any, len(s.reads))
	for k := range s.reads {
		if v, ok := c.Get(k); ok {
			data[k] = v
		}
	}
	url, err := s.render(s.url, data)
	if err != nil {
		return err
	}
	var body io.Reader
	if s.body != nil {
		b, err := s.render(s.body, data)
		if err != nil {
			return err
		}
		body = strings.NewReader(b)
	}
	if s.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.timeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, s.method, url, body)
	if err != nil {
		return fmt.Errorf("http: %w", err)
	}
	for _, h := range s.headers {
		v, err := s.render(h.t, data)
		if err != nil {
			return err
		}
		req.Header.Set(h.name, v)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return classify(ctx, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	if err != nil {
		return classify(ctx, err)
	}
	if len(raw) > maxResponse {
		return fmt.Errorf("http: %s %s: response larger than %d bytes", s.method, url, maxResponse)
	}
	if err := statusError(s.method, url, resp, raw); err != nil {
		return err
	}
	if s.statusKey != "" {
		c.Set(s.statusKey, resp.StatusCode)
	}
	c.Set(s.into, decodeBody(raw))
	return nil
}

// classify turns a transport error into what the flow should do with the
// input: Fatal when the connection is refused (the service restarts, which
// is where a real client would reconnect), Retry for timeouts and other
// transient failures, and the context's own error when the flow is stopping.
func classify(ctx context.Context, err error) error {
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return flow.Fatal(fmt.Errorf("http: %w", err))
	case errors.Is(err, context.Canceled):
		return err
	}
	return flow.Retry(fmt.Errorf("http: %w", err))
}

func statusError(method, url string, resp *http.Response, raw []byte) error {
	code := resp.StatusCode
	if code < 400 {
		return nil
	}
	err := fmt.Errorf("http: %s %s: %s%s", method, url, resp.Status, snippet(raw))
	switch {
	case code >= 500 || code == http.StatusTooManyRequests:
		if secs, perr := strconv.Atoi(resp.Header.Get("Retry-After")); perr == nil && secs > 0 {
			return flow.Retry(retryAfter{err, time.Duration(secs) * time.Second})
		}
		return flow.Retry(err)
	}
	return err
}

func snippet(raw []byte) string {
	s := strings.TrimSpace(string(raw))
	if s == "" {
		return ""
	}
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return ": " + strconv.Quote(s)
}

// decodeBody decodes JSON the way flow contexts hold it (integral numbers
// as int); anything else is kept as a string.
func decodeBody(raw []byte) any {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return string(raw)
	}
	if _, err := dec.Token(); err != io.EOF {
		return string(raw)
	}
	if nv, err := jsonnum.Normalize(v); err == nil {
		return nv
	}
	return string(raw)
}

// retryAfter is a response's error with the wait its Retry-After header asks
// for before the retry (see flow.Retry).
type retryAfter struct {
	error
	wait time.Duration
}

func (e retryAfter) Unwrap() error             { return e.error }
func (e retryAfter) RetryAfter() time.Duration { return e.wait }
