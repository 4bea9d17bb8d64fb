package tui

// Accessors of the panes' state, for tests.

func (m model) graph() graphPane       { return m.panes[viewGraph].(graphPane) }
func (m model) services() servicesPane { return m.panes[viewServices].(servicesPane) }
func (m model) events() eventsPane     { return m.panes[viewEvents].(eventsPane) }
func (m model) dead() deadPane         { return m.panes[viewDead].(deadPane) }

// detail is the stage whose detail pane is open, "" for none.
func (m model) detail() string {
	if d, ok := m.overlay.(detailPane); ok {
		return d.stage
	}
	return ""
}

func (m model) showHelp() bool { _, ok := m.overlay.(helpPane); return ok }

// rows are the services table's rows; groups the events pane's groups.
func (m model) rows() []string {
	f := m.frame()
	var out []string
	for _, s := range m.services().rows(f) {
		out = append(out, s.Name)
	}
	return out
}

func (m model) groups() []evGroup { f := m.frame(); return m.events().groups(f) }
