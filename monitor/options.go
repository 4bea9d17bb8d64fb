package monitor

// Option configures Listen, Handler and Dial.
type Option func(*config)

type config struct{ token string }

func configure(opts []Option) config {
	var c config
	for _, o := range opts {
		o(&c)
	}
	return c
}

// Token sets a shared secret. On Listen and Handler, every request must carry
// it (as "Authorization: Bearer TOKEN"), compared in constant time, and the
// Host header is no longer checked, so the endpoint can be reached by another
// name through a tunnel or a reverse proxy; on Dial, the client sends it. An
// empty token is no token. flowrun reads it from FLOWRUN_MONITOR_TOKEN.
func Token(token string) Option { return func(c *config) { c.token = token } }
