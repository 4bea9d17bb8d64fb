package stream

import (
	"bytes"

	"github.com/serviceflow/serviceflow/flow"
)

// A Replier is a [Record]'s Handle when the record's producer waits for
// its result (an HTTP request, say). Whoever writes the result calls Reply
// with the input's status and its encoded result, before the writes whose
// durability acknowledges the record; the source answers the producer once
// the record is acknowledged, so a reply never promises a result that a
// crash could lose.
type Replier interface {
	// Reply keeps status and result (its own slice) for the answer.
	Reply(status flow.Status, result []byte)
}

// Reply hands rec's result to its producer, if rec's Handle is a
// [Replier]; encode is called only then. The Replier gets its own copy of
// what encode returns, so encode may return a buffer it reuses.
func Reply(rec Record, status flow.Status, encode func() ([]byte, error)) {
	r, ok := rec.Handle.(Replier)
	if !ok {
		return
	}
	b, err := encode()
	if err != nil {
		b = nil
	}
	r.Reply(status, bytes.Clone(b))
}
