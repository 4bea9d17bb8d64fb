package httpin

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// selfSigned is a certificate for 127.0.0.1 and the pool that trusts it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "flowrun ingress test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// With TLS and a token the ingress listens on every interface; a client
// reaching it (here through 127.0.0.1) with the token is served, one
// without is not, and the same address without a token is refused.
func TestTLSAndTokenListenOnAnyAddress(t *testing.T) {
	cert, pool := selfSigned(t)
	for _, addr := range []string{":0", "0.0.0.0:0"} {
		t.Run(addr, func(t *testing.T) {
			tlsCfg := &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}}
			if src, err := NewSource(Config{Addr: addr, TLS: tlsCfg}); !errors.Is(err, ErrNotLoopback) {
				if src != nil {
					src.Close(t.Context())
				}
				t.Fatalf("TLS without a token on %s: %v, want ErrNotLoopback", addr, err)
			}
			c, _ := start(t, Config{Addr: addr, Path: "/orders", TLS: tlsCfg, Token: "s3cret"})
			if host, _, _ := net.SplitHostPort(c.src.Addr()); net.ParseIP(host).IsLoopback() {
				t.Fatalf("listening on %s, want every interface", c.src.Addr())
			}
			_, port, _ := net.SplitHostPort(c.src.Addr())
			url := "https://127.0.0.1:" + port + "/orders"
			tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
			defer tr.CloseIdleConnections()
			client := &http.Client{Transport: tr}
			for _, tc := range []struct {
				auth string
				code int
			}{{"", 401}, {"Bearer wrong", 401}, {"Bearer s3cret", 200}} {
				req, _ := http.NewRequestWithContext(t.Context(), "POST", url, strings.NewReader(`{"n":1}`))
				req.Header.Set("Content-Type", "application/json")
				if tc.auth != "" {
					req.Header.Set("Authorization", tc.auth)
				}
				resp, err := client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != tc.code {
					t.Errorf("Authorization %q: %d %s, want %d", tc.auth, resp.StatusCode, body, tc.code)
				}
				if tc.code == 200 && !strings.Contains(string(body), `"n":1`) {
					t.Errorf("with the token: body %s, want the input's result", body)
				}
			}
			// In clear, the TLS listener answers nothing useful.
			plain := &http.Transport{}
			defer plain.CloseIdleConnections()
			if resp, err := (&http.Client{Transport: plain}).Post("http://127.0.0.1:"+port+"/orders", "application/json", strings.NewReader(`{}`)); err == nil {
				resp.Body.Close()
				if resp.StatusCode == 200 {
					t.Error("a clear-text request was served")
				}
			}
		})
	}
}
