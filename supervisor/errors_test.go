package supervisor

import (
	"errors"
	"io"
	"testing"
	"time"
)

func TestEscalationError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  *EscalationError
		want string
	}{
		{
			name: "with cause",
			err:  &EscalationError{Supervisor: "flow", Child: "db", Restarts: 20, Within: 10 * time.Second, Err: io.ErrUnexpectedEOF},
			want: `supervisor "flow": child "db" restarted 20 times within 10s; giving up: unexpected EOF`,
		},
		{
			name: "without cause",
			err:  &EscalationError{Supervisor: "s", Child: "c", Restarts: 0, Within: time.Minute},
			want: `supervisor "s": child "c" restarted 0 times within 1m0s; giving up`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() =\n%s\nwant\n%s", got, tt.want)
			}
			var err error = tt.err
			if !errors.Is(err, ErrEscalated) {
				t.Error("errors.Is(err, ErrEscalated) = false")
			}
			if tt.err.Err != nil && !errors.Is(err, tt.err.Err) {
				t.Error("errors.Is(err, cause) = false")
			}
			var esc *EscalationError
			if !errors.As(err, &esc) || esc != tt.err {
				t.Error("errors.As did not find the *EscalationError")
			}
		})
	}
}
