package profile

import (
	"net/url"
	"strings"
)

// GitProfile is the profile whose git_urls hold the URL git asks about
// (the longest prefix wins); nil when none does.
func (c *Config) GitProfile(u string) *Profile {
	var best *Profile
	bestLen := -1
	for _, name := range c.Names {
		p := c.Profiles[name]
		for _, prefix := range p.GitURLs {
			if gitURLMatches(prefix, u) && len(prefix) > bestLen {
				best, bestLen = p, len(prefix)
			}
		}
	}
	return best
}

// gitURLMatches tells whether u lies under prefix: the same scheme and
// host (port included), and a path under the prefix's path.
func gitURLMatches(prefix, u string) bool {
	pp, err1 := url.Parse(prefix)
	uu, err2 := url.Parse(u)
	if err1 != nil || err2 != nil || !strings.EqualFold(pp.Scheme, uu.Scheme) || !strings.EqualFold(pp.Host, uu.Host) {
		return false
	}
	dir := strings.TrimSuffix(pp.Path, "/")
	return dir == "" || uu.Path == dir || strings.HasPrefix(uu.Path, dir+"/")
}
