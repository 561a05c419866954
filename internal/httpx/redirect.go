package httpx

import (
	"net/url"
	"strings"
)

// LocalPath returns p when it is a path on this site, safe to redirect
// to, and "/" otherwise. It refuses other hosts in every spelling a
// browser follows: //host, /\host, and paths hiding either behind control
// characters, which browsers strip (/%09/host).
func LocalPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.Contains(p, "\\") {
		return "/"
	}
	for i := 0; i < len(p); i++ {
		if p[i] < 0x20 || p[i] == 0x7f {
			return "/"
		}
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || strings.HasPrefix(u.Path, "//") {
		return "/"
	}
	return p
}
