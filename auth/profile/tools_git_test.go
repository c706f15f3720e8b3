package profile

import "testing"

func TestGitProfile(t *testing.T) {
	cfg := &Config{Names: []string{"org", "team", "other"}, Profiles: map[string]*Profile{
		"org":   {Name: "org", GitURLs: []string{"https://git.example.com/"}},
		"team":  {Name: "team", GitURLs: []string{"https://git.example.com/team/"}},
		"other": {Name: "other", GitURLs: []string{"https://git.example.com:8443/x"}},
		// Longer as text, but no prefix at all: it must not win over team.
		"evil": {Name: "evil", GitURLs: []string{"https://git.example.com//team//"}},
	}}
	cfg.Names = append(cfg.Names, "evil")
	for _, c := range []struct{ url, want string }{
		{"https://git.example.com/a/b.git", "org"},
		{"https://git.example.com/team/b.git", "team"}, // the longest prefix
		{"https://GIT.example.com/team", "team"},
		{"https://git.example.com/teamwork/b.git", "org"}, // not under team/
		{"https://git.example.com:8443/x/y.git", "other"},
		{"https://git.example.com:8443/xy", ""}, // a path under x only
		{"http://git.example.com/a.git", ""},    // another scheme
		{"https://git.example.com.evil.test/a", ""},
		{"https://github.com/a/b.git", ""},
		{"https://git.example.com:443/team/b.git", "team"}, // the default port is no other origin
		{"https://git.example.com/team/../x", ""},          // no dot segments to walk out of a prefix
	} {
		t.Run(c.url, func(t *testing.T) {
			got := ""
			if p := cfg.GitProfile(c.url); p != nil {
				got = p.Name
			}
			if got != c.want {
				t.Errorf("GitProfile(%q) = %q, want %q", c.url, got, c.want)
			}
		})
	}
}
