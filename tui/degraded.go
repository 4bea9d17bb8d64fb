package tui

import (
	"strings"

	"github.com/serviceflow/serviceflow/snapshot"
)

// degradedField adds the plain renderer's degraded="in: broker lost: ..."
// field while a broker connection is lost.
func degradedField(b *strings.Builder, s snapshot.Snapshot) {
	if s.Degraded != "" {
		kv(b, "degraded", s.Degraded)
	}
}

// lostHeader starts the header's second line while a broker connection is
// lost, so it is seen first: "BROKER LOST in, out (retrying)   " (the state
// on the first line says DEGRADED; the reason ends the line, see
// degradedReason).
func (m model) lostHeader() string {
	var names []string
	for _, c := range m.snap.Connections {
		if !c.Up {
			names = append(names, clean(c.Name, maxName))
		}
	}
	if len(names) == 0 {
		return ""
	}
	return m.st.r(m.st.bad, "BROKER LOST "+strings.Join(names, ", ")+" (retrying)") + "   "
}

// degradedReason ends the header's second line with why the connections
// are lost.
func (m model) degradedReason() string {
	if m.snap.Degraded == "" {
		return ""
	}
	return "   " + m.st.r(m.st.bad, clean(m.snap.Degraded, maxLine))
}
