package tui

import "testing"

// BenchmarkView renders each view of a 200-stage flow at 200×60.
func BenchmarkView(b *testing.B) {
	for v := range numViews {
		b.Run(viewNames[v], func(b *testing.B) {
			m := press(fixtureModel(manyStages(200), 200, 60), itoa(int(v)+1))
			m.st = newStyles(true)
			b.ReportAllocs()
			for b.Loop() {
				_ = m.View()
			}
		})
	}
}

// BenchmarkUpdate applies one snapshot of a 200-stage flow.
func BenchmarkUpdate(b *testing.B) {
	m := press(fixtureModel(manyStages(200), 200, 60), "1")
	s := manyStages(200)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		m = update(m, snapMsg{moving(s, 100+i)})
	}
}
