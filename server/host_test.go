package server

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

// TestHostAllowList sends requests with Host headers a browser would send
// for this server and for a name an attacker pointed at 127.0.0.1 (DNS
// rebinding): only localhost, loopback addresses and the allowed names are
// answered; the rest get 421 with the reason.
func TestHostAllowList(t *testing.T) {
	ix := sharedIndex(t)
	plain := NewHandler(ix, Options{})
	proxied := NewHandler(ix, Options{AllowHosts: []string{"Jianbao.Example.org", "192.0.2.7"}})
	for _, tt := range []struct {
		host          string
		plain, proxed int
	}{
		{"localhost", 200, 200},
		{"localhost:8080", 200, 200},
		{"LocalHost.:8080", 200, 200},
		{"app.localhost:8080", 200, 200},
		{"127.0.0.1", 200, 200},
		{"127.0.0.1:8080", 200, 200},
		{"127.3.2.1:80", 200, 200},
		{"[::1]", 200, 200},
		{"[::1]:8080", 200, 200},
		{"[::ffff:127.0.0.1]:8080", 200, 200},
		{"0.0.0.0:8080", 200, 200},
		{"[::]:8080", 200, 200},
		{"jianbao.example.org", 421, 200},
		{"jianbao.example.org:443", 421, 200},
		{"192.0.2.7:8080", 421, 200},
		{"evil.example", 421, 421},
		{"evil.example:8080", 421, 421},
		{"127.0.0.1.evil.example", 421, 421},
		{"localhost.evil.example", 421, 421},
		{"example.org", 421, 421},
		{"0x7f000001", 421, 421},
		{"", 421, 421},
	} {
		for _, c := range []struct {
			h    *Handler
			want int
		}{{plain, tt.plain}, {proxied, tt.proxed}} {
			for _, path := range []string{"/healthz", "/api/search?q=志愿", "/", "/files/2021-014"} {
				req := httptest.NewRequest("GET", path, nil)
				req.Host = tt.host
				w := httptest.NewRecorder()
				c.h.ServeHTTP(w, req)
				got := w.Code
				if c.want == 200 && got != 421 {
					continue // answered as usual (200, or 404 for a file not on this machine)
				}
				if got != c.want {
					t.Errorf("Host %q (allowed %v) GET %s: %d, want %d: %s", tt.host, c.h.allowHosts, path, got, c.want, w.Body)
					continue
				}
				var e apiError
				if json.Unmarshal(w.Body.Bytes(), &e) != nil || !strings.Contains(e.Error, "--allow-host") {
					t.Errorf("Host %q: 421 without the reason: %s", tt.host, w.Body)
				}
			}
		}
	}
}

// TestHostAllowListLive checks the same through a real server and client:
// the Host a rebinding page would send is refused, the loopback URL works.
func TestHostAllowListLive(t *testing.T) {
	base := httptestServer(t, NewHandler(sharedIndex(t), Options{}))
	for _, tt := range []struct {
		host string
		want int
	}{{"", 200}, {"attacker.example:" + base[strings.LastIndex(base, ":")+1:], 421}} {
		req, err := http.NewRequest("GET", base+"/api/search?q=志愿", nil)
		if err != nil {
			t.Fatal(err)
		}
		if tt.host != "" {
			req.Host = tt.host
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("Host %q: %d, want %d", tt.host, resp.StatusCode, tt.want)
		}
	}
}

// TestIngestOrigin checks that POST /api/ingest from a web page of another
// origin is refused even with the token, and that the hand-off client
// (which sends no Origin) and a page of the server's own origin get through.
func TestIngestOrigin(t *testing.T) {
	h := NewHandler(sharedIndex(t), Options{Ingester: failingIngester{}, Token: "tok"})
	for _, tt := range []struct {
		origin string
		want   int
	}{
		{"", 500}, // the failing ingester is reached
		{"http://localhost:8080", 500},
		{"http://LOCALHOST:8080", 500},
		{"http://evil.example", 403},
		{"http://localhost:9999", 403},
		{"http://localhost", 403},
		{"null", 403},
		{"file://localhost:8080", 403},
		{"::", 403},
	} {
		req := httptest.NewRequest("POST", "http://localhost:8080/api/ingest", strings.NewReader(`{"paths":["/x.txt"]}`))
		req.RemoteAddr = "127.0.0.1:4000"
		req.Header.Set("Authorization", "Bearer tok")
		if tt.origin != "" {
			req.Header.Set("Origin", tt.origin)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != tt.want {
			t.Errorf("Origin %q: %d %s, want %d", tt.origin, w.Code, w.Body, tt.want)
		}
	}
}

// FuzzHost checks, for any Host header, that the allow-list answers
// without panicking and lets through only loopback names and addresses,
// the unspecified ones and the allowed name.
func FuzzHost(f *testing.F) {
	for _, s := range []string{"localhost", "localhost:8080", "[::1]:80", "127.0.0.1", "evil.example", "jianbao.example.org:443", "[::ffff:127.0.0.1]", "0.0.0.0", "", ":", "[", "]:80", "a.localhost.", "127.0.0.1%25eth0"} {
		f.Add(s)
	}
	h := NewHandler(nil, Options{AllowHosts: []string{"jianbao.example.org"}})
	f.Fuzz(func(t *testing.T, host string) {
		if h.checkHost(host) != nil {
			return
		}
		name := HostName(host)
		ip, err := netip.ParseAddr(name)
		ok := name == "localhost" || strings.HasSuffix(name, ".localhost") || name == "jianbao.example.org" ||
			err == nil && (ip.Unmap().IsLoopback() || ip.IsUnspecified())
		if !ok {
			t.Fatalf("Host %q (name %q) allowed", host, name)
		}
	})
}
