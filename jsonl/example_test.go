package jsonl_test

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/serviceflow/serviceflow/jsonl"
)

func ExampleReader() {
	input := `{"user":"ann","n":3.0}
{"user":"bob",
{"user":"cy","user":"dee"}

["not","an","object"]
{"user":"eve","n":0.5}`

	r := jsonl.NewReader(strings.NewReader(input))
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		var lineErr *jsonl.LineError
		if errors.As(err, &lineErr) {
			fmt.Println("skip:", err)
			continue
		}
		if err != nil {
			fmt.Println("stop:", err)
			return
		}
		fmt.Printf("line %d: %v %T\n", rec.Line, rec.Values["user"], rec.Values["n"])
	}
	fmt.Printf("%+v\n", r.Stats())
	// Output:
	// line 1: ann int
	// skip: line 2: invalid JSON: unexpected end of input (preview: "{\"user\":\"bob\",")
	// skip: line 3: duplicate key: "user" (preview: "{\"user\":\"cy\",\"user\":\"dee\"}")
	// skip: line 5: not a JSON object: got array (preview: "[\"not\",\"an\",\"object\"]")
	// line 6: eve float64
	// {Lines:6 Records:2 Malformed:3 Blank:1}
}

func ExampleWriter() {
	w := jsonl.NewWriter(os.Stdout)
	w.Write(map[string]any{"msg": "<ok> & done", "n": 1})
	w.Write(struct {
		ID int `json:"id"`
	}{7})
	if err := w.Write([]int{1, 2}); errors.Is(err, jsonl.ErrNotObject) {
		fmt.Fprintln(os.Stderr, err)
	}
	w.Flush()
	// Output:
	// {"msg":"<ok> & done","n":1}
	// {"id":7}
}

func ExampleDecode() {
	m, err := jsonl.Decode([]byte(`{"big":123456789012345678901234567890,"int":1e3}`))
	fmt.Println(m, err)
	_, err = jsonl.Decode([]byte(`{"a":1} trailing`))
	fmt.Println(errors.Is(err, jsonl.ErrTrailingData))
	// Output:
	// map[big:1.2345678901234568e+29 int:1000] <nil>
	// true
}
