package engine

import (
	"fmt"
	"reflect"
)

// Lookup finds the branch for v in m: by ==, or, for a value that is not a
// string, by its fmt.Sprint form, so the number 2 decoded from JSON takes the
// branch "2". Values that are nil or not comparable take no branch.
func Lookup[V any](m map[any]V, v any) (V, bool) {
	var zero V
	if v == nil {
		return zero, false
	}
	if !reflect.TypeOf(v).Comparable() {
		return zero, false
	}
	if b, ok := m[v]; ok {
		return b, true
	}
	if _, isString := v.(string); !isString {
		if b, ok := m[fmt.Sprint(v)]; ok {
			return b, true
		}
	}
	return zero, false
}
