package snapshot

import (
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

// fill sets every field reachable from v to a non-zero value: every
// duration to marker, lists to one element, maps to one entry, pointers to a
// filled value. A field added to the snapshot later is covered by the tests
// below without anyone remembering to add it.
func fill(v reflect.Value, marker time.Duration) {
	switch {
	case v.Type() == reflect.TypeFor[time.Duration]():
		v.SetInt(int64(marker))
		return
	case v.Type() == reflect.TypeFor[time.Time]():
		v.Set(reflect.ValueOf(time.Date(2026, 12, 1, 8, 0, 0, 5, time.UTC)))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(3)
	case reflect.Uint, reflect.Uint64, reflect.Uint32:
		v.SetUint(3)
	case reflect.Float64:
		v.SetFloat(2.5)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), marker)
			}
		}
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(v.Index(0), marker)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), marker)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		m.SetMapIndex(reflect.ValueOf("k"), reflect.ValueOf("v"))
		v.Set(m)
	case reflect.Interface:
		v.Set(reflect.ValueOf("v"))
	}
}

// Every field of the snapshot, present and future, survives the schema and
// follows its rules: no duration is written as a number, no key is upper
// case, nothing is null, and empty lists are [].
func TestSchemaCoversEveryField(t *testing.T) {
	const marker = 1500 * time.Microsecond
	var s Snapshot
	fill(reflect.ValueOf(&s).Elem(), marker)
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var back Snapshot
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, s) {
		t.Fatalf("a field does not survive the round trip:\n got %+v\nwant %+v", back, s)
	}
	if strings.Contains(string(b), "1500000") {
		t.Errorf("a duration is written as a number of nanoseconds:\n%s", b)
	}
	if !strings.Contains(string(b), `"1.5ms"`) {
		t.Errorf("no duration string in:\n%s", b)
	}
	var tree any
	if err := json.Unmarshal(b, &tree); err != nil {
		t.Fatal(err)
	}
	key := regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case nil:
			t.Errorf("%s is null", path)
		case map[string]any:
			for k, e := range v {
				if !key.MatchString(k) {
					t.Errorf("%s: key %q is not lower snake case", path, k)
				}
				walk(path+"."+k, e)
			}
		case []any:
			for _, e := range v {
				walk(path+"[]", e)
			}
		}
	}
	walk("", tree)

	// and the zero value of every list and pointer is [] or absent, never null
	empty := Snapshot{Stages: []Stage{{}}, Supervisors: []Supervisor{{}}, DeadLetters: []DeadLetter{{}}}
	b, err = json.Marshal(empty)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "null") {
		t.Errorf("null in the JSON of empty values:\n%s", b)
	}
}
