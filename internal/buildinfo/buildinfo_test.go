package buildinfo

import "testing"

// A stamped version is kept as it is; an unstamped one is dev or the
// module's (a test binary has none: dev).
func TestVersion(t *testing.T) {
	for _, c := range []struct{ stamped, want string }{
		{"v1.2.3", "v1.2.3"},
		{"v1.2.3-4-gabc1234-dirty", "v1.2.3-4-gabc1234-dirty"},
		{"dev", "dev"},
	} {
		if got := Version(c.stamped); got != c.want {
			t.Errorf("Version(%q) = %q, want %q", c.stamped, got, c.want)
		}
	}
}
