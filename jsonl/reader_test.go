package jsonl

import (
	"errors"
	"io"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
)

// next is the good line that follows every case; it must always be decoded.
const next = `{"next":true}`

func TestReaderLines(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		input string // followed by "\n" + next + "\n"
		opts  []Option
		want  map[string]any // nil: none expected (blank) unless err
		err   error          // sentinel expected for the first line
	}{
		{"object", `{"a":1,"b":"x","c":[true,null,{"d":1.5}]}`, nil,
			map[string]any{"a": 1, "b": "x", "c": []any{true, nil, map[string]any{"d": 1.5}}}, nil},
		{"empty object", `{}`, nil, map[string]any{}, nil},
		{"invalid JSON", `{"a":}`, nil, nil, ErrSyntax},
		{"not JSON at all", `hello`, nil, nil, ErrSyntax},
		{"truncated object", `{"a": 1`, nil, nil, ErrSyntax},
		{"truncated string", `{"a": "x`, nil, nil, ErrSyntax},
		{"BOM", "\xef\xbb\xbf{\"bom\":1}", nil, map[string]any{"bom": 1}, nil},
		{"invalid UTF-8", "{\"a\":\"\xff\xfe\"}", nil, nil, ErrInvalidUTF8},
		{"invalid UTF-8 outside string", "{\"a\":1}\xc3", nil, nil, ErrInvalidUTF8},
		{"NUL in string", "{\"a\":\"x\x00y\"}", nil, nil, ErrInvalidUTF8},
		{"NUL alone", "\x00", nil, nil, ErrInvalidUTF8},
		{"escaped NUL is data", `{"a":"x\u0000y"}`, nil, map[string]any{"a": "x\x00y"}, nil},
		{"empty line", ``, nil, nil, nil},
		{"whitespace line", " \t \t", nil, nil, nil},
		{"CRLF", "{\"crlf\":1}\r", nil, map[string]any{"crlf": 1}, nil},
		{"CR only line", "\r", nil, nil, nil},
		{"deep nesting", strings.Repeat("[", 100000), nil, nil, ErrTooDeep},
		{"deep nesting inside object", `{"a":` + strings.Repeat(`{"a":`, 100) + `1` + strings.Repeat(`}`, 101), nil, nil, ErrTooDeep},
		{"depth at limit", strings.Repeat(`{"a":`, 3) + `1` + strings.Repeat(`}`, 3), []Option{MaxDepth(3)},
			map[string]any{"a": map[string]any{"a": map[string]any{"a": 1}}}, nil},
		{"depth over limit", strings.Repeat(`{"a":`, 3) + `[]` + strings.Repeat(`}`, 3), []Option{MaxDepth(3)}, nil, ErrTooDeep},
		{"brackets in strings don't count", `{"a":"[[[[{{{{"}`, []Option{MaxDepth(1)}, map[string]any{"a": "[[[[{{{{"}, nil},
		{"huge exponent", `{"n":1e999}`, nil, nil, ErrNumberRange},
		{"huge negative", `{"n":[-1e999]}`, nil, nil, ErrNumberRange},
		{"big integer", `{"n":123456789012345678901234567890}`, nil, map[string]any{"n": 1.2345678901234568e29}, nil},
		{"max int64", `{"n":9223372036854775807}`, nil, map[string]any{"n": 9223372036854775807}, nil},
		{"max int64 plus one", `{"n":9223372036854775808}`, nil, map[string]any{"n": 9223372036854775808.0}, nil},
		{"exact big int", `{"n":9007199254740993}`, nil, map[string]any{"n": 9007199254740993}, nil},
		{"integral float", `{"n":3.0}`, nil, map[string]any{"n": 3}, nil},
		{"integral exponent", `{"n":-1e2}`, nil, map[string]any{"n": -100}, nil},
		{"fraction", `{"n":0.5}`, nil, map[string]any{"n": 0.5}, nil},
		{"underflow", `{"n":1e-400}`, nil, map[string]any{"n": 0.0}, nil}, // not an integer literal: a float
		{"integral from the text", `{"n":9007199254740993.0}`, nil, map[string]any{"n": 1<<53 + 1}, nil},
		{"beyond int", `{"n":9223372036854775808}`, nil, map[string]any{"n": 9223372036854775808.0}, nil},
		{"duplicate keys", `{"a":1,"a":2}`, nil, nil, ErrDuplicateKey},
		{"duplicate escaped key", `{"a":1,"\u0061":2}`, nil, nil, ErrDuplicateKey},
		{"duplicate nested key", `{"x":[{"b":1,"c":2,"b":3}]}`, nil, nil, ErrDuplicateKey},
		{"same key in sibling objects", `{"x":{"a":1},"y":{"a":2}}`, nil,
			map[string]any{"x": map[string]any{"a": 1}, "y": map[string]any{"a": 2}}, nil},
		{"value equal to key", `{"a":"a","b":"a"}`, nil, map[string]any{"a": "a", "b": "a"}, nil},
		{"duplicate among many keys", manyKeys(1000) + "", nil, nil, ErrDuplicateKey},
		{"too many keys", `{"a":1,"b":2,"c":3}`, []Option{MaxKeys(2)}, nil, ErrTooManyKeys},
		{"keys at limit", `{"a":1,"b":2}`, []Option{MaxKeys(2)}, map[string]any{"a": 1, "b": 2}, nil},
		{"top-level array", `[1,2]`, nil, nil, ErrNotObject},
		{"top-level string", `"s"`, nil, nil, ErrNotObject},
		{"top-level number", `42`, nil, nil, ErrNotObject},
		{"top-level null", `null`, nil, nil, ErrNotObject},
		{"top-level bool", `true`, nil, nil, ErrNotObject},
		{"trailing garbage", `{"a":1} x`, nil, nil, ErrTrailingData},
		{"two objects", `{"a":1}{"b":2}`, nil, nil, ErrTrailingData},
		{"trailing whitespace", "{\"a\":1} \t ", nil, map[string]any{"a": 1}, nil},
		{"HTML is data", `{"h":"<b>&amp;</b>"}`, nil, map[string]any{"h": "<b>&amp;</b>"}, nil},
		// next is 13 bytes long, so it fits too.
		{"line at size limit", `{"a":"xyzab"}`, []Option{MaxLineSize(13)}, map[string]any{"a": "xyzab"}, nil},
		{"line over size limit", `{"a":"xyzab"} `, []Option{MaxLineSize(13)}, nil, ErrTooLong},
		{"CRLF at size limit", "{\"a\":\"xyzab\"}\r", []Option{MaxLineSize(13)}, map[string]any{"a": "xyzab"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := NewReader(strings.NewReader(tt.input+"\n"+next+"\n"), tt.opts...)
			rec, err := r.Next()
			switch {
			case tt.err != nil:
				if !errors.Is(err, tt.err) {
					t.Fatalf("Next() = %v, %v; want %v", rec.Values, err, tt.err)
				}
				var le *LineError
				if !errors.As(err, &le) || le.Line != 1 {
					t.Fatalf("error %#v is not a *LineError for line 1", err)
				}
				rec, err = r.Next()
			case tt.want != nil:
				if err != nil || !reflect.DeepEqual(rec.Values, tt.want) || rec.Line != 1 {
					t.Fatalf("Next() = %d %#v, %v; want 1 %#v", rec.Line, rec.Values, err, tt.want)
				}
				rec, err = r.Next()
			}
			// Blank lines are skipped, so this reads the good line in every case.
			if err != nil || rec.Line != 2 || !reflect.DeepEqual(rec.Values, map[string]any{"next": true}) {
				t.Fatalf("line after: Next() = %d %#v, %v; want line 2 %s", rec.Line, rec.Values, err, next)
			}
			if _, err := r.Next(); err != io.EOF {
				t.Fatalf("at end: Next() error = %v, want io.EOF", err)
			}
			if _, err := r.Next(); err != io.EOF {
				t.Fatalf("after end: Next() error = %v, want io.EOF again", err)
			}
		})
	}
}

func manyKeys(n int) string {
	var b strings.Builder
	b.WriteString(`{`)
	for i := range n {
		b.WriteString(`"k` + strconv.Itoa(i) + `":0,`)
	}
	b.WriteString(`"k7":1}`)
	return b.String()
}

func TestReaderOversizedLine(t *testing.T) {
	t.Parallel()
	big := `{"big":"` + strings.Repeat("x", 2<<20) + `"}`
	input := `{"n":1}` + "\n" + big + "\n" + `{"n":2}` + "\n" + big // last line unterminated
	r := NewReader(strings.NewReader(input), MaxLineSize(1<<20))

	want := []struct {
		line int
		err  error
	}{{1, nil}, {2, ErrTooLong}, {3, nil}, {4, ErrTooLong}}
	for _, w := range want {
		rec, err := r.Next()
		if w.err == nil {
			if err != nil || rec.Line != w.line {
				t.Fatalf("Next() = line %d, %v; want line %d", rec.Line, err, w.line)
			}
			continue
		}
		var le *LineError
		if !errors.As(err, &le) || !errors.Is(err, w.err) || le.Line != w.line {
			t.Fatalf("Next() error = %v; want %v on line %d", err, w.err, w.line)
		}
		if wantPrev := `"{\"big\":\"xxxx`; !strings.HasPrefix(le.Preview, wantPrev) || len(le.Preview) > previewMax {
			t.Fatalf("preview = %s (%d bytes)", le.Preview, len(le.Preview))
		}
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("Next() error = %v, want io.EOF", err)
	}
	if got, want := r.Stats(), (Stats{Lines: 4, Records: 2, Malformed: 2}); got != want {
		t.Fatalf("Stats() = %+v, want %+v", got, want)
	}
	if cap(r.buf) > 2<<20 {
		t.Fatalf("reader kept %d bytes; the limit is 1 MiB", cap(r.buf))
	}
}

func TestReaderLongLinesAcrossBuffer(t *testing.T) {
	t.Parallel()
	// Lines longer than the read buffer but within the limit are assembled.
	long := `{"s":"` + strings.Repeat("é", readBufferSize) + `"}`
	input := long + "\r\n" + long + "\n" + long
	r := NewReader(iotest.OneByteReader(strings.NewReader(input)))
	for i := 1; i <= 3; i++ {
		rec, err := r.Next()
		if err != nil || rec.Line != i || len(rec.Values["s"].(string)) != 2*readBufferSize {
			t.Fatalf("line %d: Next() = %d, %v", i, rec.Line, err)
		}
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("Next() error = %v, want io.EOF", err)
	}
}

func TestReaderNoFinalNewline(t *testing.T) {
	t.Parallel()
	r := NewReader(strings.NewReader("{\"a\":1}\n\n  \n{\"b\":2}"))
	var lines []int
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, rec.Line)
	}
	if !reflect.DeepEqual(lines, []int{1, 4}) {
		t.Fatalf("record lines = %v, want [1 4]", lines)
	}
	if got, want := r.Stats(), (Stats{Lines: 4, Records: 2, Blank: 2}); got != want {
		t.Fatalf("Stats() = %+v, want %+v", got, want)
	}
}

func TestReaderBOMOnlyOnFirstLine(t *testing.T) {
	t.Parallel()
	r := NewReader(strings.NewReader("\xef\xbb\xbf\n\xef\xbb\xbf{}\n"))
	if _, err := r.Next(); !errors.Is(err, ErrSyntax) {
		t.Fatalf("Next() error = %v, want ErrSyntax for a BOM on line 2", err)
	}
	if got := r.Stats(); got.Blank != 1 || got.Malformed != 1 {
		t.Fatalf("Stats() = %+v, want the BOM-only first line counted as blank", got)
	}
}

func TestReaderReadErrorIsFinal(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	r := NewReader(io.MultiReader(strings.NewReader("{\"a\":1}\n{\"partial\""), iotest.ErrReader(boom)))
	if _, err := r.Next(); err != nil {
		t.Fatalf("first Next() error = %v", err)
	}
	for range 2 {
		if _, err := r.Next(); err != boom {
			t.Fatalf("Next() error = %v, want the read error as is", err)
		}
	}
}

func TestLineErrorMessage(t *testing.T) {
	t.Parallel()
	r := NewReader(strings.NewReader(strings.Repeat("\n", 11) + `{"a": 1` + "\n"))
	_, err := r.Next()
	const want = `line 12: invalid JSON: unexpected end of input (preview: "{\"a\": 1")`
	if err == nil || err.Error() != want {
		t.Fatalf("Error() = %v\nwant      %s", err, want)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		t.Fatal("a truncated line must not look like a read error")
	}
}

func TestReaderCheck(t *testing.T) {
	check := func(m map[string]any) error {
		if _, ok := m["n"].(string); ok {
			return errors.New(`key "n" is a string`)
		}
		if i, ok := m["n"].(int); ok {
			m["n"] = float64(i)
		}
		return nil
	}
	r := NewReader(strings.NewReader("{\"n\":1}\n{\"n\":\"x\"}\n{\"n\":2.5}\n"), Check(check))
	rec, err := r.Next()
	if err != nil || rec.Values["n"] != 1.0 {
		t.Fatalf("line 1 = %v, %v; want n converted to 1.0", rec.Values, err)
	}
	_, err = r.Next()
	var le *LineError
	if !errors.As(err, &le) || !errors.Is(err, ErrInvalidInput) || le.Line != 2 ||
		le.Error() != `line 2: invalid input: key "n" is a string (preview: "{\"n\":\"x\"}")` {
		t.Fatalf("line 2: err = %v", err)
	}
	if rec, err = r.Next(); err != nil || rec.Values["n"] != 2.5 {
		t.Fatalf("line 3 = %v, %v", rec.Values, err)
	}
	if s := r.Stats(); s.Malformed != 1 {
		t.Errorf("Stats = %+v", s)
	}
}
