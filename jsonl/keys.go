package jsonl

// keyCache interns object keys: in a stream of JSON lines the same keys
// come line after line, so after the first line a key costs a lookup, not
// an allocation. Most streams even repeat them in the same order, so the
// cache first compares a key with the one at the same place in the line
// before (a byte comparison) and only then looks it up.
//
// It is bounded: it holds at most maxCachedKeys keys of at most
// maxCachedKeyLen bytes, and starts afresh when full, so a stream of ever
// new keys costs what it would without it; it remembers the order of at
// most maxKeyOrder keys of a line. The zero value is ready.
type keyCache struct {
	m     map[string]string
	order []string // the keys of the line before, in the order they came
	at    int      // how many keys of this line came so far
}

const (
	maxCachedKeys   = 1024
	maxCachedKeyLen = 64
	maxKeyOrder     = 256
)

// newLine starts a line: its keys are compared with the last line's.
func (k *keyCache) newLine() { k.at = 0 }

// intern returns b as a string, the same string for the same bytes while
// they stay in the cache.
func (k *keyCache) intern(b []byte) string {
	at := k.at
	k.at++
	if at < len(k.order) && k.order[at] == string(b) {
		return k.order[at]
	}
	s, ok := k.m[string(b)]
	if !ok {
		s = string(b)
		if len(b) > maxCachedKeyLen {
			return s
		}
		if k.m == nil {
			k.m = make(map[string]string)
		}
		if len(k.m) >= maxCachedKeys {
			clear(k.m)
		}
		k.m[s] = s
	}
	switch {
	case at < len(k.order):
		k.order[at] = s
	case at == len(k.order) && at < maxKeyOrder:
		k.order = append(k.order, s)
	}
	return s
}
