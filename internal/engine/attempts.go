package engine

// DefaultAttempts is the attempts an input gets in all, the first included,
// when its flow's policy leaves MaxAttempts at 0.
const DefaultAttempts = 3

// Attempts is a policy's MaxAttempts with the default applied: the one rule
// that flow, flow files and the catch built-in share.
func Attempts(max int) int {
	if max <= 0 {
		return DefaultAttempts
	}
	return max
}
