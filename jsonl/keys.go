package jsonl

// keyCache interns object keys: in a stream of JSON lines the same keys
// come line after line, so after the first line a key costs a lookup, not
// an allocation. It is bounded: it holds at most maxCachedKeys keys of at
// most maxCachedKeyLen bytes, and starts afresh when full, so a stream of
// ever new keys costs what it would without it. The zero value is ready.
type keyCache struct {
	m map[string]string
}

const (
	maxCachedKeys   = 1024
	maxCachedKeyLen = 64
)

// intern returns b as a string, the same string for the same bytes while
// they stay in the cache.
func (k *keyCache) intern(b []byte) string {
	if s, ok := k.m[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(b) <= maxCachedKeyLen {
		if k.m == nil {
			k.m = make(map[string]string)
		}
		if len(k.m) >= maxCachedKeys {
			clear(k.m)
		}
		k.m[s] = s
	}
	return s
}
