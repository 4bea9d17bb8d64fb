package flowfile

import (
	"context"
	"fmt"
	"strings"

	"github.com/serviceflow/serviceflow/flow"
)

var batchFields = []string{"size", "wait"}

// batch reads a service step's batch: {size, wait} into stage options.
func (l *loader) batch(e kv) []flow.StageOption {
	opts := []flow.StageOption{flow.MaxBatch(0)} // the default size
	es, ok := l.entries(e.val, e.at, "batch")
	if !ok {
		return opts
	}
	for _, be := range es {
		key := be.key
		be.key = "batch." + key
		switch key {
		case "size":
			if n, ok := l.integer(be, 1, InFlightLimit); ok { // a batch never holds more than are in flight
				opts = append(opts, flow.MaxBatch(n))
			}
		case "wait":
			if d, ok := l.duration(be); ok {
				opts = append(opts, flow.MaxWait(d)) // 0: send with the inputs at hand
			}
		default:
			be.key = key
			l.unknown(be, "batch", batchFields)
		}
	}
	return opts
}

// batchable reports a batch: on a service that takes no batches.
func (l *loader) batchable(e kv, name string, svc flow.Service) {
	if _, ok := svc.(interface {
		CallBatch(context.Context, []*flow.Context) error
	}); ok {
		return
	}
	var takers []string
	for _, n := range l.reg.Names() {
		if spec, _ := l.reg.Lookup(n); spec.Batches {
			takers = append(takers, n)
		}
	}
	msg := fmt.Sprintf("service %q does not take batches", name)
	if len(takers) > 0 {
		msg += "; services that do: " + strings.Join(takers, ", ")
	}
	l.errorf(e.at, "%s", msg)
}
