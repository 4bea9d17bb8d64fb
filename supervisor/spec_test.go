package supervisor

import (
	"testing"
	"time"

	"github.com/serviceflow/serviceflow/backoff"
)

func TestSpecWithDefaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   Spec
		want Spec
	}{
		{
			name: "zero value",
			in:   Spec{},
			want: Spec{
				Strategy:    OneForOne,
				MaxRestarts: 20,
				Within:      10 * time.Second,
				Backoff:     backoff.Exponential{Initial: 10 * time.Millisecond, Max: time.Second, Multiplier: 2, Jitter: 0.2},
			},
		},
		{
			name: "set fields kept, negatives mean none",
			in: Spec{
				Strategy:    AllForOne,
				MaxRestarts: -1,
				Within:      time.Minute,
				Backoff:     backoff.Exponential{Initial: time.Microsecond, Max: time.Millisecond, Multiplier: 3, Jitter: -1},
			},
			want: Spec{
				Strategy:    AllForOne,
				MaxRestarts: -1,
				Within:      time.Minute,
				Backoff:     backoff.Exponential{Initial: time.Microsecond, Max: time.Millisecond, Multiplier: 3, Jitter: -1},
			},
		},
		{
			name: "negative window takes the default",
			in:   Spec{MaxRestarts: 5, Within: -time.Second},
			want: Spec{
				MaxRestarts: 5,
				Within:      10 * time.Second,
				Backoff:     backoff.Exponential{Initial: 10 * time.Millisecond, Max: time.Second, Multiplier: 2, Jitter: 0.2},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.in.WithDefaults(); got != tt.want {
				t.Errorf("WithDefaults() =\n%+v\nwant\n%+v", got, tt.want)
			}
			if got := tt.in.WithDefaults().WithDefaults(); got != tt.want {
				t.Errorf("WithDefaults is not idempotent: %+v", got)
			}
		})
	}
}
