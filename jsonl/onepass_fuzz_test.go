package jsonl

import (
	"reflect"
	"testing"
)

var onePassCorpus = []string{
	`{"a":1,"b":[1.5,-2,3.0,1e2,"x",null,true,false,{}],"c":{"d":"\u00e9\ud83d\ude00"}}`,
	`{"n":123456789012345678901234567890,"f":1e-400,"g":9007199254740993.0,"h":-0,"i":-9223372036854775808,"j":9223372036854775807,"k":9223372036854775808}`,
	`{"s":"\ud800 lone \udfff surrogates \ud800\u0041 \ud83d\ude00\ud83d","e":"\u0000\u001f\"\\\/\b\f\n\r\t","u":"日本 😀 \u2028"}`,
	` {"a":[]} `, "{\"a\":1}\r", "\t{ \"a\" :\n[ 1 , { } ] }\n", `{"":""}`, `{"a\u0062":1,"ab":2}`,
	`[]`, `"s"`, `12`, `null`, `{"a":1} x`, `{"a":1}{}`, `{"a":01}`, `{"a":1.}`, `{"a":-}`, `{"a":.5}`,
	`{"a":1e}`, `{"a":1e+}`, `{"a":+1}`, `{"a":"\x"}`, `{"a":"\u12"}`, `{"a":"\uZZZZ"}`, `{"a" : 1 , }`,
	`{"a":[1,]}`, "{\"a\":\"\t\"}", `{"a":"unterminated}`, `{`, ``, `   `, `{"a":tru}`, `{"a":nul}`,
	`{"a":1,"a":2}`, `{"a":{"b":1,"b":2}}`, `{"a":1e999}`, `{"a":-1e400}`, `{"a":[[[[[[[[[[1]]]]]]]]]]}`,
	`{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"j":10}`, `{"a":"\\"}`, `{"a":"\\\""}`,
	`{"a":true,"b":false,"c":null}`, `{"a":truex}`, `{"a":0.0000001,"b":1E5,"c":-1.5e-3}`,
	"{\"a\":\"\xff\"}", "{\"a\":\"\x00\"}", "{\"a\":1}\x00", "{\"\xc3\xa9\":\"\xe6\x97\xa5\"}", "{\"a\":\"\xed\xa0\x80\"}",
	"{\"a\":\"\\u00e9\xc3\"}", "\xef\xbb\xbf{}", "{\"a\":[1,\xc3\xa9]}",
}

// FuzzOnePass checks the one-pass parser against the slow path, which is
// encoding/json (UseNumber, then the number rule of internal/jsonnum) and
// the flat scan: the parser accepts exactly the lines the slow path
// accepts (so a good line is never parsed twice), with the same values.
// Small limits exercise MaxDepth and MaxKeys; invalid UTF-8 and NUL bytes,
// which the slow path rejects first, the parser must reject too.
func FuzzOnePass(f *testing.F) {
	for _, s := range onePassCorpus {
		f.Add([]byte(s), uint8(0), uint8(0))
		f.Add([]byte(s), uint8(3), uint8(2))
	}
	var p parser // reused, as a Reader reuses it
	f.Fuzz(func(t *testing.T, line []byte, maxDepth, maxKeys uint8) {
		c := newConfig([]Option{MaxDepth(int(maxDepth % 8)), MaxKeys(int(maxKeys % 8))})
		got, ok := p.parse(line, &c)
		var d decoder
		want, prob := d.slow(line, &c)
		switch {
		case ok && prob != nil:
			t.Fatalf("parse(%q) = %#v, but the slow path says %s: %v", line, got, prob.kind, prob.detail)
		case !ok && prob == nil:
			t.Fatalf("parse(%q) gave up on a good line (slow path: %#v)", line, want)
		case ok && !reflect.DeepEqual(got, want):
			t.Fatalf("parse(%q)\n got %#v\nwant %#v", line, got, want)
		}
	})
}
