package tui

import (
	"testing"
	"time"
)

func TestFormat(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{0: "-", 500: "<1µs", 850 * time.Microsecond: "850µs",
		4200 * time.Microsecond: "4.2ms", 180 * time.Millisecond: "180ms", 2500 * time.Millisecond: "2.5s", 3 * time.Minute: "3m"} {
		if got := latency(d); got != want {
			t.Errorf("latency(%v) = %s, want %s", d, got, want)
		}
	}
	for r, want := range map[float64]string{0: "0", 3.14: "3.1", 120: "120", 12345: "12.3k", 2.5e6: "2.5M"} {
		if got := rate(r); got != want {
			t.Errorf("rate(%v) = %s, want %s", r, got, want)
		}
	}
	for n, want := range map[uint64]string{9999: "9999", 35840: "35.8k", 1_200_000: "1.2M"} {
		if got := count(n); got != want {
			t.Errorf("count(%d) = %s, want %s", n, got, want)
		}
	}
	if got := spark([]float64{0, 1, 2, 4, 8}, 5); got != " ▁▂▄█" {
		t.Errorf("spark = %q", got)
	}
	if got := bar(0.5, 4); got != "██░░" {
		t.Errorf("bar = %q", got)
	}
}
