package serve

import (
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
)

// setSecurityHeaders sets the headers every response carries: the page may
// load only its own scripts and styles and may not be framed, and no
// response is sniffed as another type.
func setSecurityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
}

// guard refuses a request that a page from elsewhere could have sent: a
// Host that is not this machine (DNS rebinding: evil.example resolving to
// 127.0.0.1 makes the browser send Host: evil.example), or a request from
// another origin. It returns the message and status to refuse with, or a
// zero status to go on.
func (s *Server) guard(r *http.Request) (string, int) {
	if !s.allowedHost(r.Host) {
		return "nctarget serve answers only requests for localhost, an IP address or a host given with --host", http.StatusMisdirectedRequest
	}
	if origin := r.Header.Get("Origin"); origin != "" {
		u, err := url.Parse(origin)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !strings.EqualFold(u.Host, r.Host) {
			return "cross-origin requests are refused", http.StatusForbidden
		}
	}
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		return "cross-site requests are refused", http.StatusForbidden
	}
	return "", 0
}

// allowedHost reports whether hostport, a request's Host, names this
// machine: localhost, an IP literal (which no DNS answer can rebind), or a
// name in Config.Hosts.
func (s *Server) allowedHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	if host == "" {
		return false
	}
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return true
	}
	for _, h := range s.cfg.Hosts {
		if strings.EqualFold(h, host) {
			return true
		}
	}
	return false
}

// IsLoopback reports whether addr, a listen address such as
// 127.0.0.1:8080, accepts connections only from this machine.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}
