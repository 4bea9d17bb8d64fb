package supervisor

import (
	"fmt"
	"strings"
)

// Strategy chooses which children restart when one of them fails. The zero
// Strategy is OneForOne.
type Strategy int

const (
	// OneForOne restarts only the child that failed. Use it when children
	// are independent.
	OneForOne Strategy = iota
	// AllForOne restarts every child. Use it when the children only work
	// as a whole.
	AllForOne
	// RestForOne restarts the failed child and every child started after
	// it. Use it when later children depend on earlier ones, as the stages
	// of a pipeline do.
	RestForOne
)

var strategyNames = [...]string{
	OneForOne:  "one-for-one",
	AllForOne:  "all-for-one",
	RestForOne: "rest-for-one",
}

// String returns "one-for-one", "all-for-one" or "rest-for-one", or
// "Strategy(n)" for a value that is none of them.
func (s Strategy) String() string {
	if s >= 0 && int(s) < len(strategyNames) {
		return strategyNames[s]
	}
	return fmt.Sprintf("Strategy(%d)", int(s))
}

// ParseStrategy is the inverse of String. It ignores case and accepts '_'
// in place of '-', so "one_for_one" and "One-For-One" both give OneForOne.
func ParseStrategy(text string) (Strategy, error) {
	name := strings.ReplaceAll(strings.ToLower(strings.TrimSpace(text)), "_", "-")
	for s, n := range strategyNames {
		if n == name {
			return Strategy(s), nil
		}
	}
	return 0, fmt.Errorf("supervisor: unknown strategy %q (want one-for-one, all-for-one or rest-for-one)", text)
}

// MarshalText implements encoding.TextMarshaler, so a Strategy reads and
// writes as its name in JSON and YAML.
func (s Strategy) MarshalText() ([]byte, error) {
	if s < 0 || int(s) >= len(strategyNames) {
		return nil, fmt.Errorf("supervisor: invalid strategy %d", int(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler with ParseStrategy.
func (s *Strategy) UnmarshalText(text []byte) error {
	v, err := ParseStrategy(string(text))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Affected returns the indices, in start order, of the children that restart
// when child failed of n children fails: [failed] for OneForOne, 0..n-1 for
// AllForOne, failed..n-1 for RestForOne. It returns nil when failed is not
// in [0, n). An unknown Strategy behaves as OneForOne.
func (s Strategy) Affected(failed, n int) []int {
	if failed < 0 || failed >= n {
		return nil
	}
	from, to := failed, failed+1
	switch s {
	case AllForOne:
		from, to = 0, n
	case RestForOne:
		to = n
	}
	idx := make([]int, 0, to-from)
	for i := from; i < to; i++ {
		idx = append(idx, i)
	}
	return idx
}
