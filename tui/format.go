package tui

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// count formats a counter compactly: exact below 10 000, then k, M, G.
func count[T ~int | ~uint64](n T) string {
	v := float64(n)
	switch {
	case v < 10_000:
		return strconv.FormatInt(int64(n), 10)
	case v < 1e6:
		return strconv.FormatFloat(v/1e3, 'f', 1, 64) + "k"
	case v < 1e9:
		return strconv.FormatFloat(v/1e6, 'f', 1, 64) + "M"
	default:
		return strconv.FormatFloat(v/1e9, 'f', 1, 64) + "G"
	}
}

// rate formats a per-second rate in at most 5 cells.
func rate(r float64) string {
	switch {
	case math.IsNaN(r) || r <= 0:
		return "0"
	case math.IsInf(r, 0):
		return "∞"
	case r < 10:
		return strconv.FormatFloat(r, 'f', 1, 64)
	case r < 1000:
		return strconv.FormatFloat(r, 'f', 0, 64)
	case r < 1e6:
		return strconv.FormatFloat(r/1e3, 'f', 1, 64) + "k"
	default:
		return strconv.FormatFloat(r/1e6, 'f', 1, 64) + "M"
	}
}

// latency formats a duration in at most 5 cells: 850µs, 12ms, 1.2s, 3m.
func latency(d time.Duration) string {
	switch {
	case d <= 0:
		return "-"
	case d < time.Microsecond:
		return "<1µs"
	case d < time.Millisecond:
		return strconv.FormatInt(int64(d/time.Microsecond), 10) + "µs"
	case d < 10*time.Millisecond:
		return strconv.FormatFloat(float64(d)/1e6, 'f', 1, 64) + "ms"
	case d < time.Second:
		return strconv.FormatInt(int64(d/time.Millisecond), 10) + "ms"
	case d < time.Minute:
		return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + "s"
	default:
		return strconv.FormatInt(int64(d/time.Minute), 10) + "m"
	}
}

// age formats an elapsed time coarsely: 5s, 3m12s, 2h05m, 3d.
func age(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	switch {
	case d < time.Minute:
		return strconv.Itoa(int(d/time.Second)) + "s"
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d/time.Minute), int(d/time.Second)%60)
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d/time.Hour), int(d/time.Minute)%60)
	default:
		return strconv.Itoa(int(d/(24*time.Hour))) + "d"
	}
}

var sparkRunes = []rune(" ▁▂▃▄▅▆▇█")

// spark draws vals (oldest first) as a one-line sparkline of exactly w
// cells, averaging samples into buckets when there are more than w.
func spark(vals []float64, w int) string {
	if w <= 0 {
		return ""
	}
	b := buckets(vals, w)
	max := 0.0
	for _, v := range b {
		max = math.Max(max, v)
	}
	var sb strings.Builder
	for i := 0; i < w-len(b); i++ {
		sb.WriteByte(' ')
	}
	for _, v := range b {
		i := 0
		if max > 0 {
			i = int(math.Round(v / max * float64(len(sparkRunes)-1)))
			if v > 0 && i == 0 {
				i = 1
			}
		}
		sb.WriteRune(sparkRunes[i])
	}
	return sb.String()
}

// tallSpark draws vals as a sparkline h rows tall and w cells wide.
func tallSpark(vals []float64, w, h int) []string {
	if w <= 0 || h <= 0 {
		return nil
	}
	b := buckets(vals, w)
	max := 0.0
	for _, v := range b {
		max = math.Max(max, v)
	}
	steps := len(sparkRunes) - 1
	rows := make([]string, h)
	for r := 0; r < h; r++ { // r = 0 is the top row
		var sb strings.Builder
		for i := 0; i < w-len(b); i++ {
			sb.WriteByte(' ')
		}
		floor := float64((h - 1 - r) * steps)
		for _, v := range b {
			level := 0.0
			if max > 0 {
				level = math.Round(v / max * float64(h*steps))
			}
			i := int(math.Max(0, math.Min(float64(steps), level-floor)))
			sb.WriteRune(sparkRunes[i])
		}
		rows[r] = sb.String()
	}
	return rows
}

// buckets averages vals into at most w buckets, keeping the newest;
// samples that are not finite and positive count as 0.
func buckets(vals []float64, w int) []float64 {
	for _, v := range vals {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			vals = slices.Clone(vals)
			for i, v := range vals {
				if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
					vals[i] = 0
				}
			}
			break
		}
	}
	if len(vals) <= w {
		return vals
	}
	out := make([]float64, w)
	per := float64(len(vals)) / float64(w)
	for i := range out {
		lo, hi := int(float64(i)*per), int(float64(i+1)*per)
		if hi <= lo {
			hi = lo + 1
		}
		sum := 0.0
		for _, v := range vals[lo:hi] {
			sum += v
		}
		out[i] = sum / float64(hi-lo)
	}
	return out
}

// bar draws a fill gauge of exactly w cells for frac in [0, 1].
func bar(frac float64, w int) string {
	if w <= 0 {
		return ""
	}
	if math.IsNaN(frac) || frac < 0 {
		frac = 0
	}
	frac = math.Min(frac, 1)
	n := int(math.Round(frac * float64(w)))
	if frac > 0 && n == 0 {
		n = 1
	}
	return strings.Repeat("█", n) + strings.Repeat("░", w-n)
}

// pad cuts s to w cells and fills it with spaces to exactly w.
func pad(s string, w int) string {
	if w <= 0 {
		return ""
	}
	n := ansi.StringWidth(s)
	if n > w {
		s = ansi.Truncate(s, w, "…")
		n = ansi.StringWidth(s)
	}
	return s + strings.Repeat(" ", w-n)
}

// padLeft is pad aligned right.
func padLeft(s string, w int) string {
	if w <= 0 {
		return ""
	}
	n := ansi.StringWidth(s)
	if n > w {
		return ansi.Truncate(s, w, "…")
	}
	return strings.Repeat(" ", w-n) + s
}

// fit makes lines exactly h lines, none wider than w cells.
func fit(lines []string, w, h int) []string {
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if strings.IndexByte(l, '\n') >= 0 {
			l = strings.ReplaceAll(l, "\n", " ")
		}
		if len(l) > w && ansi.StringWidth(l) > w { // n bytes never take more than n cells
			l = ansi.Truncate(l, w, "")
		}
		lines[i] = l
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return lines
}
