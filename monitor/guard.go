package monitor

import (
	"mime"
	"net/http"

	"github.com/serviceflow/serviceflow/internal/httpserve"
)

// noBrowsers refuses requests a browser makes on a web page's behalf. The
// endpoint serves no pages, so no request of its own clients carries an
// Origin header or a Sec-Fetch-Site other than "none" (a URL typed in the
// address bar).
func noBrowsers(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "none" {
			http.Error(w, "forbidden: a request from a web page ("+site+")", http.StatusForbidden)
			return
		}
		if r.Header.Get("Origin") != "" {
			http.Error(w, "forbidden: a request from a web page (Origin is set)", http.StatusForbidden)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// controls refuses a control request (POST) without ClientHeader or whose
// Content-Type is not application/json: an HTML form can send neither.
func controls(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if r.Header.Get(ClientHeader) == "" {
				http.Error(w, "forbidden: a control request must carry the "+ClientHeader+" header", http.StatusForbidden)
				return
			}
			if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
				http.Error(w, "a control request's Content-Type must be application/json", http.StatusUnsupportedMediaType)
				return
			}
		}
		h.ServeHTTP(w, r)
	})
}

// bearer refuses requests without "Authorization: Bearer token"
// (httpserve.Bearer).
func bearer(token string, h http.Handler) http.Handler {
	return httpserve.Bearer(token, "flowrun monitor", "FLOWRUN_MONITOR_TOKEN", h)
}
