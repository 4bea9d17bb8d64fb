package cli_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/serviceflow/serviceflow/cli"
)

// writeCert writes a self-signed certificate for 127.0.0.1 and its key as
// PEM files and returns their paths and the pool that trusts it.
func writeCert(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "flowrun test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:    x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(leaf)
	return certFile, keyFile, pool
}

// With FLOWRUN_HTTP_TLS_CERT/KEY and FLOWRUN_HTTP_TOKEN set, run listens
// on every interface over HTTPS and serves requests with the token (here
// reached through 127.0.0.1); without the token it refuses to start.
func TestHTTPIngressTLSAndTokenFromEnvironment(t *testing.T) {
	certFile, keyFile, pool := writeCert(t)
	t.Setenv("FLOWRUN_HTTP_TLS_CERT", certFile)
	t.Setenv("FLOWRUN_HTTP_TLS_KEY", keyFile)
	args := []string{"run", "testdata/ingress.yaml", "--in", "https://0.0.0.0:0/orders", "--out", filepath.Join(t.TempDir(), "out.jsonl"), "--ui", "off"}

	var refused strings.Builder
	if code := cli.Execute(t.Context(), args, strings.NewReader(""), io.Discard, &refused, nil); code != 2 || !strings.Contains(refused.String(), "loopback") {
		t.Fatalf("TLS without a token: exit %d, stderr %q; want 2 and the loopback rule", code, refused.String())
	}

	t.Setenv("FLOWRUN_HTTP_TOKEN", "s3cret")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	stderr := &lockedBuffer{}
	exited := make(chan int, 1)
	go func() { exited <- cli.Execute(ctx, args, strings.NewReader(""), io.Discard, stderr, nil) }()
	stderr.waitFor(t, "listening on https://", 30*time.Second)
	_, addr, _ := strings.Cut(stderr.String(), "listening on https://")
	addr, _, _ = strings.Cut(addr, "/")
	host, port, err := net.SplitHostPort(addr)
	if err != nil || net.ParseIP(host).IsLoopback() {
		t.Fatalf("listening on %q (%v), want every interface", addr, err)
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
	defer tr.CloseIdleConnections()
	for _, tc := range []struct {
		auth string
		code int
	}{{"", 401}, {"Bearer s3cret", 200}} {
		req, _ := http.NewRequestWithContext(t.Context(), "POST", "https://127.0.0.1:"+port+"/orders", strings.NewReader(`{"id":1,"kind":"ok"}`))
		req.Header.Set("Content-Type", "application/json")
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		resp, err := (&http.Client{Transport: tr}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.code || (tc.code == 200 && !strings.Contains(string(body), `"status":"done"`)) {
			t.Errorf("Authorization %q: %d %s, want %d", tc.auth, resp.StatusCode, body, tc.code)
		}
	}
	cancel()
	if code := <-exited; code != 0 { // an endless source drained cleanly
		t.Errorf("exit %d after the interrupt, want 0:\n%s", code, stderr.String())
	}
}
