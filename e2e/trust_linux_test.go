// Profile files IT vouches for, through the built binaries: signed files
// (OpenSSH signatures made with the real ssh-keygen), machine policy (a
// trial policy file through TOKENTRAY_POLICY, which is read only where the
// machine has none), and the profiles IT manages.
package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokentray/tokentray/internal/testkit"
)

// itFile is a profile file IT would send: a plain profile, and one that
// hands its token to git — a power only a signed file may carry.
const itFile = "[profile.corp]\nissuer = \"https://id.acme.example\"\nclient_id = \"c\"\ngit_urls = [\"https://git.acme.example/\"]\n"

func TestSignedProfileFiles(t *testing.T) {
	it := testkit.NewSigner(t, "it@acme.example", `namespaces="tokentray-profile"`)
	stranger := testkit.NewSigner(t, "mallory@evil.example", "")
	lax := []string{"TOKENTRAY_POLICY=" + it.PolicyFile(t, "organization = \"ACME Corp\"\n")}
	strict := []string{"TOKENTRAY_POLICY=" + it.PolicyFile(t, "organization = \"ACME Corp\"\nrequire_signed = true\n")}
	write := func(t *testing.T, text string, by *testkit.Signer) string {
		path := filepath.Join(t.TempDir(), "it-sent-me.toml")
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		if by != nil {
			by.Sign(t, path)
		}
		return path
	}
	for _, c := range []struct {
		name   string
		text   string
		by     *testkit.Signer
		change bool // a byte added after signing
		env    []string
		code   int
		says   []string
	}{
		{"signed by IT", itFile, it, false, lax, 0, []string{"Signed by it@acme.example (ACME Corp) ✓", "gives its token to git for https://git.acme.example", "Added corp"}},
		{"unsigned, with a power", itFile, nil, false, lax, 2, []string{"Not signed.", "(git_urls)", "This profile file was not imported."}},
		{"one byte changed after IT signed it", itFile, it, true, lax, 2, []string{"The signature does not match this file — it was changed after IT signed it."}},
		{"signed by a key that is not allowed", itFile, stranger, false, lax, 2, []string{"Signed, but not by anyone your organisation allows", "(git_urls)"}},
		{"unsigned and plain, where IT asks for signed files", "[profile.corp]\nissuer = \"https://id.acme.example\"\nclient_id = \"c\"\n", nil, false, strict, 2, []string{"ACME Corp accepts only profile files its IT team signed"}},
		{"signed, where IT asks for signed files", itFile, it, false, strict, 0, []string{"Signed by it@acme.example", "Added corp"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := write(t, c.text, c.by)
			if c.change {
				if err := os.WriteFile(src, []byte(c.text+" "), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			cfg := filepath.Join(t.TempDir(), "profiles.toml")
			r := tokentray(t, cfg, c.env, "profiles", "import", "--yes", src)
			if r.code != c.code {
				t.Errorf("exit %d, want %d:\n%s", r.code, c.code, r.stderr)
			}
			for _, want := range c.says {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("does not say %q:\n%s", want, r.stderr)
				}
			}
			_, err := os.Stat(cfg)
			if imported := err == nil; imported != (c.code == 0) {
				t.Errorf("the profile file written: %t", imported)
			}
		})
	}
}

// The profiles IT manages: listed first and marked, "Managed by" below,
// in status --json as "managed": true with the organisation (the array
// scripts read stays an array); a same-name profile of the person's is
// hidden, and IT's cannot be removed.
func TestManagedProfiles(t *testing.T) {
	testkit.RequireSecretService(t)
	dir := t.TempDir()
	managed := filepath.Join(dir, "managed.toml")
	if err := os.WriteFile(managed, []byte("[profile.corp]\nissuer = \"https://id.acme.example\"\nclient_id = \"it\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	pol := filepath.Join(dir, "policy.toml")
	if err := os.WriteFile(pol, []byte("organization = \"ACME Corp\"\nprofiles = \"managed.toml\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"TOKENTRAY_POLICY=" + pol}
	cfg := writeConfig(t, "[profile.corp]\nissuer = \"https://id.evil.example\"\nclient_id = \"mine\"\n[profile.own]\nissuer = \"https://id.own.example\"\nclient_id = \"o\"\n")

	r := tokentray(t, cfg, env, "profiles")
	if r.code != 0 || !strings.Contains(r.stdout, "corp (default, managed)") || !strings.Contains(r.stdout, "https://id.acme.example") ||
		strings.Contains(r.stdout, "id.evil.example") || !strings.Contains(r.stdout, "Managed by ACME Corp.") {
		t.Errorf("profiles: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "your profile corp is hidden by the one of that name your organisation manages") {
		t.Errorf("the hidden profile is not said: %s", r.stderr)
	}
	r = tokentray(t, cfg, env, "status", "--json")
	var ps []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &ps); err != nil || len(ps) != 2 {
		t.Fatalf("status --json is not the array of profiles it was: %v\n%s", err, r.stdout)
	}
	if ps[0]["name"] != "corp" || ps[0]["managed"] != true || ps[0]["organization"] != "ACME Corp" || ps[1]["managed"] != nil {
		t.Errorf("status --json: %s", r.stdout)
	}
	if r := tokentray(t, cfg, env, "status"); !strings.Contains(r.stdout, "corp (default) (managed)") || !strings.Contains(r.stdout, "Managed by ACME Corp.") {
		t.Errorf("status:\n%s", r.stdout)
	}
	if r := tokentray(t, cfg, env, "profiles", "remove", "corp"); r.code != 2 || !strings.Contains(r.stderr, "managed by ACME Corp and cannot be removed") {
		t.Errorf("remove a managed profile: exit %d, %s", r.code, r.stderr)
	}
	if data, _ := os.ReadFile(managed); !strings.Contains(string(data), "[profile.corp]") {
		t.Error("the managed file changed")
	}
	r = tokentray(t, cfg, env, "policy")
	for _, want := range []string{"Policy from " + pol, "organization", "ACME Corp", pol + ":1", managed} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("policy does not say %q:\n%s", want, r.stdout)
		}
	}
}
