package server

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
)

// ErrMisdirected reports a request whose Host header names a host the
// server does not answer to (421 Misdirected Request).
var ErrMisdirected = errors.New("misdirected request")

// HostName returns the host of a Host header or host:port value, without
// port or IPv6 brackets, lower-case and without a final dot: "LocalHost.:8080"
// gives "localhost", "[::1]:80" gives "::1".
func HostName(hostport string) string {
	h := hostport
	if host, _, err := net.SplitHostPort(hostport); err == nil {
		h = host
	}
	h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
	return strings.TrimSuffix(strings.ToLower(h), ".")
}

// isLoopbackHost reports whether name (a HostName) is localhost, a name
// under .localhost (which resolvers keep on this machine, RFC 6761), a
// loopback address (127.0.0.0/8, ::1, 127.x mapped into IPv6) or the
// unspecified address (0.0.0.0, ::) that jianbao serve --addr :8080 prints
// in its URL. DNS rebinding needs a name: a browser keeps a page of
// another site from reading what an address answers.
func isLoopbackHost(name string) bool {
	if name == "localhost" || strings.HasSuffix(name, ".localhost") {
		return true
	}
	ip, err := netip.ParseAddr(name)
	return err == nil && (ip.Unmap().IsLoopback() || ip.IsUnspecified())
}

// checkHost refuses a request whose Host header is not one the server
// answers to. A web page of another site whose name an attacker points at
// 127.0.0.1 (DNS rebinding) reaches the server with that name in Host, and
// would otherwise read the archive through a visitor's browser.
func (h *Handler) checkHost(host string) error {
	name := HostName(host)
	if isLoopbackHost(name) {
		return nil
	}
	for _, a := range h.allowHosts {
		if name == a {
			return nil
		}
	}
	return fmt.Errorf("this server does not answer to the host %q: it answers to localhost, loopback addresses and the names it was started with (jianbao serve --allow-host NAME): %w", host, ErrMisdirected)
}

// checkOrigin refuses a write request sent by a web page of another origin:
// when the request has an Origin header, its host and port must be the
// request's own Host. Clients that are not browsers send none.
func checkOrigin(origin, host string) error {
	if origin == "" {
		return nil
	}
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !strings.EqualFold(u.Host, host) {
		return fmt.Errorf("a request from a web page of another origin (%q) cannot change the index: %w", origin, ErrForbidden)
	}
	return nil
}
