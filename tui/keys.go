package tui

import "charm.land/bubbles/v2/key"

// keyMap is every binding of the monitor; the help overlay and the footer
// are generated from it.
type keyMap struct {
	Graph, Services, Events, Dead, Tree key.Binding
	Next, Prev, Open, Back              key.Binding
	Up, Down, Left, Right               key.Binding
	Move                                key.Binding // j/k, for the footer only
	Top, Bottom, HalfDown, HalfUp       key.Binding
	Sort, Reverse, Filter, Follow       key.Binding
	Replay, Export                      key.Binding
	Freeze, Intake, Help, Quit          key.Binding
	StepBack, StepFwd                   key.Binding // time travel
	MinuteBack, MinuteFwd               key.Binding
	Faster, Slower                      key.Binding // replay speed
	Tap                                 key.Binding
}

func newKeys() keyMap {
	b := func(keys []string, k, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
	}
	k := keyMap{
		Graph:      b([]string{"1"}, "1", "graph"),
		Services:   b([]string{"2"}, "2", "services"),
		Events:     b([]string{"3"}, "3", "events"),
		Dead:       b([]string{"4"}, "4", "dead letters"),
		Tree:       b([]string{"5"}, "5", "supervision"),
		Next:       b([]string{"tab"}, "tab", "next pane"),
		Prev:       b([]string{"shift+tab"}, "shift+tab", "previous pane"),
		Open:       b([]string{"enter"}, "enter", "details"),
		Back:       b([]string{"esc"}, "esc", "back"),
		Up:         b([]string{"k", "up"}, "k/↑", "up"),
		Down:       b([]string{"j", "down"}, "j/↓", "down"),
		Move:       b([]string{"j", "k"}, "j/k", "move"),
		Left:       b([]string{"h", "left"}, "h/←", "scroll left"),
		Right:      b([]string{"l", "right"}, "l/→", "scroll right"),
		Top:        b([]string{"g", "home"}, "g", "top"),
		Bottom:     b([]string{"G", "end"}, "G", "bottom"),
		HalfDown:   b([]string{"ctrl+d", "pgdown"}, "ctrl+d", "half page down"),
		HalfUp:     b([]string{"ctrl+u", "pgup"}, "ctrl+u", "half page up"),
		Sort:       b([]string{"s"}, "s", "sort column"),
		Reverse:    b([]string{"r"}, "r", "reverse sort"),
		Filter:     b([]string{"/"}, "/", "filter"),
		Follow:     b([]string{"f"}, "f", "follow events"),
		Replay:     b([]string{"R"}, "R", "replay dead letters"),
		Export:     b([]string{"e"}, "e", "export dead letters"),
		Freeze:     b([]string{"space"}, "space", "pause display"),
		StepBack:   b([]string{"["}, "[", "step back (pauses)"),
		StepFwd:    b([]string{"]"}, "]", "step forward"),
		MinuteBack: b([]string{"{"}, "{", "a minute back"),
		MinuteFwd:  b([]string{"}"}, "}", "a minute forward"),
		Tap:        b([]string{"t"}, "t", "tap the stage"),
		Faster:     b([]string{"+", "="}, "+", "replay faster"),
		Slower:     b([]string{"-"}, "-", "replay slower"),
		Intake:     b([]string{"p"}, "p", "pause/resume intake"),
		Help:       b([]string{"?"}, "?", "help"),
		Quit:       b([]string{"q", "ctrl+c"}, "q", "drain & quit"),
	}
	k.Faster.SetEnabled(false) // a replay's
	k.Slower.SetEnabled(false)
	return k
}

// forReplay enables the replay keys and disables those a recording has no
// use for.
func (k keyMap) forReplay() keyMap {
	k.Faster.SetEnabled(true)
	k.Slower.SetEnabled(true)
	k.Intake.SetEnabled(false)
	k.Replay.SetEnabled(false)
	k.Tap.SetEnabled(false)
	k.Quit.SetHelp("q", "quit")
	k.Freeze.SetHelp("space", "play/pause")
	return k
}

// ShortHelp is the global part of the footer.
func (k keyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Help, k.Quit, k.Freeze, k.Intake, k.Next}
}

// FullHelp is the help overlay, one column per group.
func (k keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Graph, k.Services, k.Events, k.Dead, k.Tree, k.Next, k.Prev, k.Open, k.Tap, k.Back},
		{k.Up, k.Down, k.Left, k.Right, k.Top, k.Bottom, k.HalfDown, k.HalfUp},
		{k.Sort, k.Reverse, k.Filter, k.Follow, k.Replay, k.Export},
		{k.Freeze, k.StepBack, k.StepFwd, k.MinuteBack, k.MinuteFwd, k.Faster, k.Slower},
		{k.Intake, k.Help, k.Quit},
	}
}
