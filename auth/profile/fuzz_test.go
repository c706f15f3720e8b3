package profile

import (
	"errors"
	"testing"
)

// The profile parser takes any file: no panic, and every error is a
// ConfigError naming the file.
func FuzzParseConfig(f *testing.F) {
	f.Add([]byte("[profile.w]\nissuer = \"https://id.example.com\"\nclient_id = \"abc\"\n"))
	f.Add([]byte("default = \"w\"\n[profile.w]\nauth_url = \"https://a/a\"\ntoken_url = \"https://a/t\"\nclient_id = \"x\"\nredirect_url = \"http://localhost:3000/\"\n"))
	f.Add([]byte("[profile.d]\ngrant = \"jwt-bearer\"\ntoken_url = \"https://a/t\"\nkey_id = \"k\"\nemail = \"e\"\nrefresh_margin = \"5m\"\n"))
	f.Add([]byte("[profile.w]\nauth_params = { prompt = \"login\" }\nscopes = [\"a\", 1]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := ParseConfig("fuzz.toml", data)
		if err != nil {
			var ce *ConfigError
			if !errors.As(err, &ce) || ce.File != "fuzz.toml" || ce.Line < 0 {
				t.Fatalf("error %T %v is not a ConfigError naming the file", err, err)
			}
			return
		}
		for _, name := range cfg.Names {
			if cfg.Profiles[name] == nil {
				t.Fatalf("profile %q listed but missing", name)
			}
		}
	})
}
