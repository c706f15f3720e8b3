package profile

import "testing"

// Each name that decides how some program starts is refused, whatever the
// file or flag; the names people give tokens are kept.
func TestCheckEnvName(t *testing.T) {
	for _, name := range []string{
		"BASH_ENV", "ENV", "NODE_OPTIONS", "LD_PRELOAD", "LD_LIBRARY_PATH", "DYLD_INSERT_LIBRARIES",
		"PYTHONSTARTUP", "PYTHONPATH", "PERL5OPT", "PERL5LIB", "RUBYOPT", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS",
		"JDK_JAVA_OPTIONS", "GIT_ASKPASS", "GIT_SSH_COMMAND", "GIT_SSL_KEY", "GIT_TOKEN", "PATH", "HOME", "IFS",
		"PS4", "PROMPT_COMMAND", "SHELLOPTS", "HTTPS_PROXY", "https_proxy", "EDITOR", "LESSKEY", "LESSOPEN",
		"SSH_AUTH_SOCK", "SSLKEYLOGFILE", "npm_config__auth", "npm_config_script_shell", "BASH_FUNC_x%%",
		"X=Y", "1A", "", "A B", "TOKEN\n", "tok-en",
		"GOAUTH", "PGSSLKEY", "PASSWORD_STORE_KEY", "COMPOSER_AUTH", "Path", "ComSpec", "PATHEXT",
	} {
		t.Run("refused/"+name, func(t *testing.T) {
			if CheckEnvName(name) == "" {
				t.Errorf("%q is accepted", name)
			}
		})
	}
	for _, name := range []string{
		"TOKENTRAY_ACCESS_TOKEN", "API_TOKEN", "GITHUB_TOKEN", "GH_TOKEN", "NODE_AUTH_TOKEN", "VAULT_TOKEN",
		"TOKEN", "API_KEY", "OPENAI_API_KEY", "AUTHORIZATION", "AUTH", "AUTH_HEADER", "DB_PASSWORD", "CLIENT_SECRET", "id_token", "GH_TOKEN",
	} {
		t.Run("kept/"+name, func(t *testing.T) {
			if msg := CheckEnvName(name); msg != "" {
				t.Errorf("%q is refused: %s", name, msg)
			}
		})
	}
}

func TestGitPrefix(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"https://git.example.com/", "https://git.example.com"},
		{"https://GIT.Example.com/Org/", "https://git.example.com/Org"}, // paths keep their case: servers differ
		{"https://git.example.com:443/org", "https://git.example.com/org"},
		{"https://git.example.com:8443/org/", "https://git.example.com:8443/org"},
		{"http://127.0.0.1:3000/r", "http://127.0.0.1:3000/r"},
		{"http://[::1]:80/r", "http://[::1]/r"},
		{"https://git.example.com.:0443/org", "https://git.example.com/org"},
	} {
		if got, err := GitPrefix(c.in); err != nil || got != c.want {
			t.Errorf("GitPrefix(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{
		"https://git.example.com//", "https://git.example.com/a//b", "https://git.example.com/a/../b",
		"https://git.example.com/./a", "https://u:p@git.example.com/", "https://git.example.com/?x",
		"https://git.example.com/#a", "http://git.example.com/", "git.example.com/org", "ssh://git.example.com/",
		"https://gіt.example.com/", // a Cyrillic і
		"https://github.com/acme%2F..", "https://github.com/%61cme",
	} {
		if got, err := GitPrefix(bad); err == nil {
			t.Errorf("GitPrefix(%q) = %q, want a refusal", bad, got)
		}
	}
}

// A private key is the person's to hand over — whatever private_key_file
// says — but for a profile IT manages, whose file names IT's key.
func TestNeedsKey(t *testing.T) {
	rs := Profile{Grant: "jwt-bearer", JWTAlg: "RS256", TokenURL: "https://a.example/t"}
	withFile := rs
	withFile.PrivateKeyFile = "/home/me/.ssh/id_rsa"
	managed := withFile
	managed.Managed = true
	client := Profile{ClientAuth: "private_key_jwt", PrivateKeyFile: "k.pem"}
	hs := Profile{Grant: "jwt-bearer", JWTAlg: "HS256"}
	for _, c := range []struct {
		name string
		p    Profile
		want bool
	}{
		{"RS256 service account", rs, true},
		{"a path in an ordinary profile is no hand-over", withFile, true},
		{"IT's key file in a managed profile", managed, false},
		{"private_key_jwt client", client, true},
		{"HS256 signs with a secret, not a key", hs, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := c.p.NeedsKey(); got != c.want {
				t.Errorf("NeedsKey = %t, want %t", got, c.want)
			}
			if c.want && !c.p.NeedsSecret() {
				t.Error("NeedsSecret = false for a key still to hand over")
			}
		})
	}
}
