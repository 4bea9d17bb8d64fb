package httpserve

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"
)

// Bearer serves h only to requests carrying "Authorization: Bearer token";
// others get 401 Unauthorized, with realm in WWW-Authenticate and a message
// naming env, the environment variable the token comes from. Both sides
// are hashed first, so the comparison takes the same time whatever the
// lengths and contents.
func Bearer(token, realm, env string, h http.Handler) http.Handler {
	want := sha256.Sum256([]byte(token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		sum := sha256.Sum256([]byte(got))
		if subtle.ConstantTimeCompare(sum[:], want[:]) != 1 || !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="`+realm+`"`)
			http.Error(w, "unauthorized: this endpoint wants its token ("+env+")", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}
