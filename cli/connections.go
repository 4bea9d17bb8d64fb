package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/serviceflow/serviceflow/snapshot"
	"github.com/serviceflow/serviceflow/stream"
)

// end is one end of a run that may talk to a broker: the source ("in") or
// a sink ("out", "dead-letters").
type end struct {
	name string
	conn any // a stream.Source or stream.Sink; nil for none
}

// brokerConnections is what the snapshots of a run list as its
// connections (see snapshot.Intake.Connections): those of ends that report
// their health (brokers; files do not); nil when none does.
func brokerConnections(ends ...end) func() []snapshot.Connection {
	type link struct {
		name string
		h    stream.Health
	}
	var links []link
	for _, e := range ends {
		if h, ok := e.conn.(stream.Health); ok {
			links = append(links, link{e.name, h})
		}
	}
	if len(links) == 0 {
		return nil
	}
	return func() []snapshot.Connection {
		cs := make([]snapshot.Connection, 0, len(links))
		for _, l := range links {
			c := snapshot.Connection{Name: l.name, Up: true}
			if err := l.h.Health(); err != nil {
				c.Up, c.Err = false, err.Error()
			}
			c.Lost, c.Down = l.h.Outages()
			cs = append(cs, c)
		}
		return cs
	}
}

// outages is the summary's broker_lost=in:1(2.3s),out:1(2.1s): each
// connection lost during the run, how often and for how long in all; ""
// when none was.
func outages(connections func() []snapshot.Connection) string {
	if connections == nil {
		return ""
	}
	var parts []string
	for _, c := range connections() {
		if c.Lost > 0 {
			parts = append(parts, fmt.Sprintf("%s:%d(%s)", c.Name, c.Lost, c.Down.Round(time.Millisecond)))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "broker_lost=" + strings.Join(parts, ",")
}
