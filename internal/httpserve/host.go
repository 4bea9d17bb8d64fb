package httpserve

import (
	"net"
	"net/http"
	"strings"
)

// LoopbackHost serves h only to requests whose Host names a loopback
// address: "localhost", 127.0.0.0/8 or ::1, with
// any port (an ssh tunnel's local port differs from the server's). Others get
// 403 Forbidden.
//
// This is the defence against DNS rebinding: a web page whose own name its
// attacker has made resolve to 127.0.0.1 reaches a loopback server from the
// user's browser, but the browser sends the page's name as Host.
func LoopbackHost(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !IsLoopbackHost(r.Host) {
			http.Error(w, "forbidden: Host "+quote(r.Host)+" does not name a loopback address; reach this endpoint as localhost or 127.0.0.1 (a tunnel keeps that)", http.StatusForbidden)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// IsLoopbackHost reports whether hostport (a Host header or a listen
// address, with or without a port) names a loopback address.
func IsLoopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func quote(s string) string {
	if len(s) > 100 {
		s = s[:100] + "…"
	}
	return `"` + strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f || r == '"' {
			return '?'
		}
		return r
	}, s) + `"`
}
