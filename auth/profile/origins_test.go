package profile

import "testing"

// The origin rule, on profiles as written.
func TestCheckOrigins(t *testing.T) {
	cases := []struct {
		name string
		p    Profile
		key  string // "" = allowed
	}{
		{"one origin", Profile{AuthURL: "https://id.example/auth", TokenURL: "https://id.example/token", RevocationURL: "https://id.example/revoke"}, ""},
		{"issuer only", Profile{Issuer: "https://id.example"}, ""},
		{"token elsewhere", Profile{AuthURL: "https://id.example/auth", TokenURL: "https://evil.example/token"}, "token_url"},
		{"revocation elsewhere", Profile{Issuer: "https://id.example", RevocationURL: "https://evil.example/r"}, "revocation_url"},
		{"userinfo elsewhere", Profile{Issuer: "https://id.example", UserinfoURL: "https://evil.example/me"}, "userinfo_url"},
		{"another port is another origin", Profile{AuthURL: "https://id.example/auth", TokenURL: "https://id.example:8443/token"}, "token_url"},
		{"listed", Profile{AuthURL: "https://id.example/auth", TokenURL: "https://tokens.example/token", SendTokensToOtherOrigins: []string{"https://tokens.example"}}, ""},
		{"the list holds origins only", Profile{AuthURL: "https://id.example/auth", TokenURL: "https://id.example/token", SendTokensToOtherOrigins: []string{"https://tokens.example/path"}}, "send_tokens_to_other_origins"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			key, msg := c.p.checkOrigins()
			if key != c.key {
				t.Errorf("key %q (%s), want %q", key, msg, c.key)
			}
		})
	}
}
