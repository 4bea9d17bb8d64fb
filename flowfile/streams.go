package flowfile

import (
	"errors"
	"net/url"
	"path/filepath"
	"strings"
	"unicode"
)

// Streams is where a flow's inputs come from and its results go: the flow
// file's in:, out:, dead_letters:, checkpoint: and out_format: fields,
// which say what flowrun run's flags of the same names (--in, --out,
// --dead-letters, --checkpoint, --out-format) say; a flag given on the
// command line wins. A field not written is "".
//
// In, Out and DeadLetters are "-" (stdin, stdout), a path, or a URL:
// kafka://, nats://, and for In also http:// or https:// (the ingress).
// Checkpoint is a path, for an In that is a file. Relative paths are
// resolved against the directory of the flow file (of the name given to
// Load), so a file means the same wherever it is run from; "-" and URLs
// are kept as written. A URL that carries credentials (user:password@) is
// refused: credentials come from the environment, never from a file that
// is shown, shared and committed.
type Streams struct {
	In, Out, DeadLetters string
	Checkpoint           string
	OutFormat            string // "result" (the result envelope) or "values" (its values alone)
}

// The URL schemes a stream may name, as flowrun's flags take them.
var (
	sourceSchemes = []string{"kafka", "nats", "http", "https"}
	sinkSchemes   = []string{"kafka", "nats"}
	outFormats    = []string{"result", "values"}
)

// streams reads the stream fields of byKey into l.f.Streams.
func (l *loader) streams(byKey map[string]kv) {
	s := &l.f.Streams
	in, inOK := byKey["in"]
	if inOK {
		s.In, _ = l.address(in, sourceSchemes)
	}
	if e, ok := byKey["out"]; ok {
		s.Out, _ = l.address(e, sinkSchemes)
	}
	if e, ok := byKey["dead_letters"]; ok {
		s.DeadLetters, _ = l.address(e, sinkSchemes)
	}
	if e, ok := byKey["checkpoint"]; ok {
		at := posOf(e.val, e.at)
		switch cp, ok := l.address(e, nil); {
		case !ok:
		case cp == "-":
			l.errorf(at, "checkpoint: want the path of a file, not -")
		case !inOK:
			l.errorf(at, "checkpoint: needs in: (the file whose position it records)")
		case isURL(s.In):
			l.errorf(at, "checkpoint: is for a file input; a broker keeps its consumers' positions itself")
		default:
			s.Checkpoint = cp
		}
	}
	if e, ok := byKey["out_format"]; ok {
		if v, ok := l.str(e, "result or values"); ok {
			if !contains(outFormats, v) {
				l.errorf(posOf(e.val, e.at), "out_format: %q: want result (the result envelope) or values (its values object alone)%s", v, suggest(v, outFormats))
			} else {
				s.OutFormat = v
			}
		}
	}
	for _, k := range []string{"out", "dead_letters", "checkpoint"} {
		e, ok := byKey[k]
		v := map[string]string{"out": s.Out, "dead_letters": s.DeadLetters, "checkpoint": s.Checkpoint}[k]
		if ok && v != "" && v != "-" && !isURL(v) && v == s.In {
			l.errorf(posOf(e.val, e.at), "%s: the same file as in:, which writing it would destroy", k)
		}
	}
}

// address reads a stream field: "-", a path (resolved against the flow
// file's directory) or a URL of one of schemes (none allowed when nil).
func (l *loader) address(e kv, schemes []string) (string, bool) {
	v, ok := l.str(e, `"-", a path or a URL`)
	if !ok {
		return "", false
	}
	at := posOf(e.val, e.at)
	switch {
	case strings.TrimSpace(v) == "":
		l.errorf(at, "%s: empty: want -, a path or a URL", e.key)
		return "", false
	case len(v) > MaxAddressSize:
		l.errorf(at, "%s: %d bytes long, more than %d", e.key, len(v), MaxAddressSize)
		return "", false
	case strings.ContainsFunc(v, unicode.IsControl):
		l.errorf(at, "%s: holds a control character", e.key)
		return "", false
	case v == "-":
		return v, true
	case !isURL(v):
		if !filepath.IsAbs(v) {
			v = filepath.Join(filepath.Dir(l.file), v)
		}
		return v, true
	}
	u, err := url.Parse(v)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // not ue.Error(): it quotes the URL, which may hold a password
		}
		l.errorf(at, "%s: not a URL: %v", e.key, err)
		return "", false
	}
	if u.User != nil {
		l.errorf(at, "%s: a URL with credentials (user:password@): they come from the environment (FLOWRUN_KAFKA_USER, FLOWRUN_NATS_PASSWORD, ...), never from the flow file", e.key)
		return "", false
	}
	scheme := strings.ToLower(u.Scheme)
	if !contains(schemes, scheme) {
		if len(schemes) == 0 {
			l.errorf(at, "%s: want the path of a file, not a URL", e.key)
		} else {
			l.errorf(at, "%s: URL scheme %q: want %s://", e.key, u.Scheme, strings.Join(schemes, "://, "))
		}
		return "", false
	}
	if l.checkStream != nil {
		if err := l.checkStream(e.key, v); err != nil {
			l.errorf(at, "%s: %v", e.key, err)
			return "", false
		}
	}
	return v, true
}

func isURL(s string) bool { return strings.Contains(s, "://") }
