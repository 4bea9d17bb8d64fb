package flowfile

// Limits on what a flow file may ask for. A file beyond one is rejected by
// Load with an *Error at the place concerned, before anything is built in
// proportion to it: size, encoding and shape are checked on the raw bytes
// and tokens, before the YAML parser builds its tree.
const (
	// MaxFileSize is the largest flow file, in bytes (256 KiB).
	MaxFileSize = 256 << 10
	// MaxDepth bounds the nesting of mappings and lists, block and flow
	// style together, and the number of nested block indicators (- ? :) on
	// one line.
	MaxDepth = 64
	// MaxEntries bounds the keys of one mapping and the items of one
	// flow-style [list]: the YAML parser's cost grows with their square.
	MaxEntries = 1000
	// MaxValues bounds the values a file produces, aliases expanded.
	MaxValues = 100_000
	// MaxExpandedSize bounds the bytes of the strings and keys a file
	// produces, aliases expanded (1 MiB): one long string aliased many
	// times is as costly as many strings.
	MaxExpandedSize = 1 << 20

	// InFlightLimit bounds max_in_flight (and flowrun's --max-in-flight):
	// the actor runtime allocates its ledger for that many inputs at start.
	InFlightLimit = 100_000
	// ConcurrencyLimit bounds a step's concurrency: each instance is an
	// actor with its own service.
	ConcurrencyLimit = 1000
	// RestartsLimit bounds supervision.max_restarts.
	RestartsLimit = 1_000_000
	// RedeliveriesLimit bounds supervision.max_redeliveries.
	RedeliveriesLimit = 1000
	// AttemptsLimit bounds retry.attempts.
	AttemptsLimit = 1000
	// MaxAddressSize bounds in:, out:, dead_letters: and checkpoint: (a
	// path or a URL), in bytes.
	MaxAddressSize = 4096
)
