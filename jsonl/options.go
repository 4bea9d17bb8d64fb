package jsonl

// Defaults used when an option is not given (or given a value ≤ 0).
const (
	DefaultMaxLineSize = 1 << 20 // bytes per line, excluding the line terminator
	DefaultMaxDepth    = 64      // nested objects and arrays, counting the top-level object
)

// maxDepthLimit is encoding/json's own nesting limit; deeper caps are clamped
// to it so that the limit this package reports is the one that applies.
const maxDepthLimit = 10000

// An Option configures a [Reader] or a call to [Decode].
type Option interface{ apply(*config) }

type optionFunc func(*config)

func (o optionFunc) apply(c *config) { o(c) }

type config struct {
	maxLineSize int
	maxDepth    int
	maxKeys     int // 0: unlimited
	check       func(map[string]any) error
}

func newConfig(opts []Option) config {
	var c config
	for _, o := range opts {
		o.apply(&c)
	}
	if c.maxLineSize <= 0 {
		c.maxLineSize = DefaultMaxLineSize
	}
	if c.maxDepth <= 0 {
		c.maxDepth = DefaultMaxDepth
	}
	c.maxDepth = min(c.maxDepth, maxDepthLimit)
	if c.maxKeys < 0 {
		c.maxKeys = 0
	}
	return c
}

// MaxLineSize limits the length of a line in bytes, not counting its "\n" or
// "\r\n" terminator. A longer line yields [ErrTooLong]; the rest of it is
// read and discarded without being stored. The default is
// [DefaultMaxLineSize]; n ≤ 0 means the default.
func MaxLineSize(n int) Option {
	return optionFunc(func(c *config) { c.maxLineSize = n })
}

// MaxDepth limits how deeply objects and arrays may nest; the top-level
// object is depth 1. A deeper line yields [ErrTooDeep], detected by a flat
// scan before any recursive decoding. The default is [DefaultMaxDepth];
// n ≤ 0 means the default, and values above 10000 (encoding/json's own
// limit) are treated as 10000.
func MaxDepth(n int) Option {
	return optionFunc(func(c *config) { c.maxDepth = n })
}

// MaxKeys limits the number of keys in any one object of a line. An object
// with more keys yields [ErrTooManyKeys]. By default, or with n ≤ 0, there is
// no limit other than the line size.
func MaxKeys(n int) Option {
	return optionFunc(func(c *config) { c.maxKeys = n })
}

// Check has every decoded object pass through check, which may convert
// values in place; an error makes the line malformed, with [ErrInvalidInput]
// and the error as its detail. The error's text must be safe to print: it
// is shown as is (a flow file's declared input types give such a check:
// flowfile.File.CheckInput).
func Check(check func(map[string]any) error) Option {
	return optionFunc(func(c *config) { c.check = check })
}
