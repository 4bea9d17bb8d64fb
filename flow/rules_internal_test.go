package flow

import (
	"reflect"
	"testing"
)

// Every rule the engine applies is set: a missing one is a nil func the
// engine would call on a rare path (a drain sweep, a timeout) and crash.
func TestRulesAreComplete(t *testing.T) {
	v := reflect.ValueOf(rules).Elem()
	for i := range v.NumField() {
		if v.Field(i).IsNil() {
			t.Errorf("rules.%s is not set", v.Type().Field(i).Name)
		}
	}
}
