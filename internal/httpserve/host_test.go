package httpserve

import "testing"

func TestIsLoopbackHost(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "localhost:7070": true, "LocalHost.:1": true, "127.0.0.1": true, "127.1.2.3:80": true,
		"[::1]:7070": true, "::1": true,
		"": false, "evil.example": false, "localhost.evil.example:7070": false, "10.0.0.1:7070": false,
		"0.0.0.0:7070": false, "[::]:7070": false, "a.localhost": false,
	} {
		if got := IsLoopbackHost(host); got != want {
			t.Errorf("IsLoopbackHost(%q) = %v, want %v", host, got, want)
		}
	}
}
