package profile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokentray/tokentray/auth/policy"
	"github.com/tokentray/tokentray/internal/testkit"
)

const plainProfile = "[profile.corp]\nissuer = \"https://id.acme.example\"\nclient_id = \"c\"\n"

// Each power a profile can have, as one line of a profile file, with the
// words a person is shown for it.
var powers = []struct{ key, line, words string }{
	{"send_tokens_to_other_origins", `send_tokens_to_other_origins = ["https://tokens.example.net"]`, "sends sign-in codes or tokens also to https://tokens.example.net"},
	{"git_urls", `git_urls = ["https://git.example.net/org/"]`, "gives its token to git for https://git.example.net/org"},
	{"env", `env = "API_TOKEN"`, "puts its token in the variable API_TOKEN"},
	{"browser", `browser = "firefox -P work {url}"`, "opens the sign-in page with firefox -P work"},
	{"private_key_file", "client_auth = \"private_key_jwt\"\nprivate_key_file = \"/home/me/.ssh/id_rsa\"", "signs with the key file /home/me/.ssh/id_rsa"},
	{"ca_file", `ca_file = "/tmp/evil-ca.pem"`, "trusts the certificates in /tmp/evil-ca.pem"},
	{"token_headers", `token_headers = { Origin = "http://localhost:3000" }`, "sends Origin: http://localhost:3000"},
	{"redirect_url", `redirect_url = "http://127.0.0.1:8400/callback"`, "port 8400"},
	// Found by review: no port is port 80, as the callback listens.
	{"redirect_url", `redirect_url = "http://localhost/callback"`, "port 80"},
	{"token_url", "token_url = \"https://tokens.example.net/t\"\nsend_tokens_to_other_origins = [\"https://tokens.example.net\"]", "sends sign-in codes or tokens also to https://tokens.example.net"},
	{"device_authorization_url", "device_authorization_url = \"https://codes.example.net/d\"\nsend_tokens_to_other_origins = [\"https://codes.example.net\"]", "also to https://codes.example.net"},
}

func writeTemp(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// An unsigned file may carry no power: each is refused, naming its key;
// the same file signed by an allowed signer is imported. A plain profile
// needs no signature.
func TestImportTrust(t *testing.T) {
	it := testkit.NewSigner(t, "it@acme.example", `namespaces="tokentray-profile"`)
	pol := &policy.Policy{AllowedSigners: it.AllowedSigners, Organization: "ACME Corp"}
	for _, pw := range powers {
		t.Run(pw.key, func(t *testing.T) {
			src := writeTemp(t, "it.toml", plainProfile+pw.line+"\n")
			imp, err := ReadImport(src, pol)
			if err != nil {
				t.Fatal(err)
			}
			if len(imp.Refused) != 1 || !strings.Contains(imp.Refused[0], "("+pw.key+")") || !strings.Contains(imp.Refused[0], pw.words) {
				t.Fatalf("unsigned: refused %q, want one naming %s and saying %q", imp.Refused, pw.key, pw.words)
			}
			dst := filepath.Join(t.TempDir(), "profiles.toml")
			if _, err := ImportProfiles(dst, src, imp.Sum, pol, nil); err == nil {
				t.Fatal("an unsigned file with a power was imported")
			}
			if _, err := os.Stat(dst); !errors.Is(err, os.ErrNotExist) {
				t.Error("the refused import wrote the profile file")
			}
			it.Sign(t, src)
			if names, err := importWith(dst, src, pol); err != nil || len(names) != 1 {
				t.Fatalf("signed: %v %v", names, err)
			}
			if data, _ := os.ReadFile(dst); !strings.Contains(string(data), "signed by it@acme.example") {
				t.Errorf("the file does not say who signed what it imported:\n%s", data)
			}
		})
	}
	t.Run("a plain profile, unsigned", func(t *testing.T) {
		src := writeTemp(t, "it.toml", plainProfile)
		if names, err := importWith(filepath.Join(t.TempDir(), "p.toml"), src, pol); err != nil || len(names) != 1 {
			t.Errorf("%v %v", names, err)
		}
	})
}

// What the signature says decides, before anything is read into the
// profile file: a changed byte, a signer not allowed, one out of its
// validity, a policy that asks for signed files.
func TestImportSignatures(t *testing.T) {
	it := testkit.NewSigner(t, "it@acme.example", "")
	stranger := testkit.NewSigner(t, "mallory@evil.example", "")
	expired := testkit.NewSigner(t, "old@acme.example", `valid-before="20200101"`)
	pol := &policy.Policy{AllowedSigners: it.AllowedSigners, Organization: "ACME Corp"}
	strict := &policy.Policy{AllowedSigners: it.AllowedSigners, Organization: "ACME Corp", RequireSigned: true}
	// expired's key is allowed, but only until 2020.
	both := writeTemp(t, "allowed_signers", mustRead(t, it.AllowedSigners)+mustRead(t, expired.AllowedSigners))
	withExpired := &policy.Policy{AllowedSigners: both}
	powerful := plainProfile + `git_urls = ["https://git.acme.example/"]` + "\n"
	for _, c := range []struct {
		name   string
		text   string
		sign   *testkit.Signer
		change func(path string)
		pol    *policy.Policy
		status policy.Status
		refuse string // "" = imported
	}{
		{"signed by IT", powerful, it, nil, pol, policy.Signed, ""},
		{"one byte changed after signing", powerful, it, func(p string) { appendTo(t, p, " ") }, pol, policy.Mismatch, "it was changed after IT signed it"},
		{"a plain profile changed after signing", plainProfile, it, func(p string) { appendTo(t, p, "#") }, pol, policy.Mismatch, "it was changed after IT signed it"},
		{"signed by a key not allowed", powerful, stranger, nil, pol, policy.NotAllowed, "(git_urls)"},
		{"signed by a key not allowed, a plain profile", plainProfile, stranger, nil, pol, policy.NotAllowed, ""},
		{"a signer past its valid-before", powerful, expired, nil, withExpired, policy.NotAllowed, "(git_urls)"},
		{"unsigned where IT asks for signed files", plainProfile, nil, nil, strict, policy.Unsigned, "ACME Corp accepts only profile files its IT team signed"},
		{"signed by a stranger where IT asks for signed files", plainProfile, stranger, nil, strict, policy.NotAllowed, "accepts only profile files its IT team signed"},
		{"signed where IT asks for signed files", powerful, it, nil, strict, policy.Signed, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := writeTemp(t, "it.toml", c.text)
			if c.sign != nil {
				c.sign.Sign(t, src)
			}
			if c.change != nil {
				c.change(src)
			}
			imp, err := ReadImport(src, c.pol)
			if err != nil {
				t.Fatal(err)
			}
			if imp.Vouch.Status != c.status {
				t.Errorf("status %v (%s), want %v", imp.Vouch.Status, imp.Vouch.Why, c.status)
			}
			dst := filepath.Join(t.TempDir(), "profiles.toml")
			_, err = ImportProfiles(dst, src, imp.Sum, c.pol, nil)
			switch {
			case c.refuse == "" && err != nil:
				t.Errorf("refused: %v", err)
			case c.refuse != "" && (err == nil || !strings.Contains(err.Error(), c.refuse)):
				t.Errorf("import: %v, want a refusal saying %q", err, c.refuse)
			}
		})
	}
	t.Run("a signature swapped after the preview", func(t *testing.T) {
		src := writeTemp(t, "it.toml", powerful)
		imp, err := ReadImport(src, pol)
		if err != nil {
			t.Fatal(err)
		}
		it.Sign(t, src) // signed only after the person saw "not signed"
		if _, err := ImportProfiles(filepath.Join(t.TempDir(), "p.toml"), src, imp.Sum, pol, nil); err == nil || !strings.Contains(err.Error(), "changed since") {
			t.Errorf("%v", err)
		}
	})
}

// Importing IT's file repairs a profile file the person cannot read: the
// broken one is kept aside, the import starts a new one.
func TestImportRepairsABrokenFile(t *testing.T) {
	dir := t.TempDir()
	dst := filepath.Join(dir, "profiles.toml")
	broken := "[profile.work\nissuer = \"https://id.example.com\"\n"
	if err := os.WriteFile(dst, []byte(broken), 0o600); err != nil {
		t.Fatal(err)
	}
	src := writeTemp(t, "it.toml", plainProfile)
	imp, err := ReadImport(src, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := ImportProfiles(dst, src, imp.Sum, nil, nil)
	if err != nil || len(res.Names) != 1 {
		t.Fatalf("import into a broken file: %+v %v", res, err)
	}
	if !strings.HasPrefix(res.SetAside, dst+".broken-") {
		t.Errorf("set aside as %q", res.SetAside)
	}
	if kept, _ := os.ReadFile(res.SetAside); string(kept) != broken {
		t.Errorf("the broken file was not kept as it was: %q", kept)
	}
	if cfg, err := LoadConfig(dst); err != nil || len(cfg.Names) != 1 {
		t.Errorf("the new profile file: %v %v", cfg, err)
	}
	// Broken again the same day: the first one kept stays.
	os.WriteFile(dst, []byte(broken+"x"), 0o600)
	if res2, err := ImportProfiles(dst, src, imp.Sum, nil, nil); err != nil || res2.SetAside == res.SetAside {
		t.Errorf("second repair: %+v %v", res2, err)
	}
}

// A profile IT manages cannot be shadowed by an import of the same name.
func TestImportCannotTakeAManagedName(t *testing.T) {
	src := writeTemp(t, "it.toml", plainProfile)
	imp, err := ReadImport(src, nil)
	if err != nil {
		t.Fatal(err)
	}
	managed, err := ParseManaged("/etc/tokentray/profiles.toml", []byte(plainProfile))
	if err != nil {
		t.Fatal(err)
	}
	_, err = ImportProfiles(filepath.Join(t.TempDir(), "p.toml"), src, imp.Sum, nil, managed)
	if err == nil || !strings.Contains(err.Error(), "your organisation manages") {
		t.Errorf("%v", err)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func appendTo(t *testing.T, path, text string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
}

// An import beside IT's profiles does not change which one the commands
// use, even into a file of the person's that is still empty (found by
// review: an unsigned file's default took over IT's).
func TestImportKeepsITsDefault(t *testing.T) {
	managed, err := ParseManaged("/etc/tokentray/profiles.toml", []byte("default = \"corp\"\n"+plainProfile))
	if err != nil {
		t.Fatal(err)
	}
	src := writeTemp(t, "it.toml", "default = \"sso\"\n[profile.sso]\nissuer = \"https://id.evil.example\"\nclient_id = \"c\"\n")
	imp, err := ReadImport(src, nil)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "profiles.toml")
	if _, err := ImportProfiles(dst, src, imp.Sum, nil, managed); err != nil {
		t.Fatal(err)
	}
	if cfg, err := LoadBeside(dst, managed); err != nil || cfg.DefaultName() != "corp" {
		t.Errorf("after the import the commands use %q (%v), want IT's corp", cfg.DefaultName(), err)
	}
}

// The person's file beside IT's: IT's profiles first and marked, one of
// the same name hidden, the person's default kept (even one naming IT's
// profile), IT's when the person has none, and IT's profile never removed
// through the person's file.
func TestLoadBeside(t *testing.T) {
	managed, err := ParseManaged("/etc/tokentray/profiles.toml", []byte("default = \"corp\"\n"+plainProfile+
		"[profile.git]\nissuer = \"https://id.acme.example\"\nclient_id = \"g\"\ngit_urls = [\"https://git.acme.example/\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	mine := writeTemp(t, "profiles.toml", "[profile.corp]\nissuer = \"https://id.evil.example\"\nclient_id = \"x\"\n[profile.own]\nissuer = \"https://id.own.example\"\nclient_id = \"o\"\n")
	cfg, err := LoadBeside(mine, managed)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(cfg.Names, ","); got != "corp,git,own" {
		t.Errorf("names %s", got)
	}
	if p := cfg.Profiles["corp"]; !p.Managed || p.Issuer != "https://id.acme.example" {
		t.Errorf("corp is the person's, not IT's: %+v", p)
	}
	if cfg.Profiles["own"].Managed || strings.Join(cfg.Shadowed, ",") != "corp" || cfg.Default != "corp" {
		t.Errorf("own managed %t, shadowed %v, default %q", cfg.Profiles["own"].Managed, cfg.Shadowed, cfg.Default)
	}
	if err := SetDefault(mine, "git", managed); err != nil {
		t.Errorf("a managed profile as the person's default: %v", err)
	}
	if cfg, err := LoadBeside(mine, managed); err != nil || cfg.Default != "git" {
		t.Errorf("default after SetDefault: %v %v", cfg, err)
	}
	if err := RemoveProfile(mine, "git", managed); err == nil || !strings.Contains(err.Error(), "managed by your organisation") {
		t.Errorf("removing IT's profile: %v", err)
	}
	claim := writeTemp(t, "profiles.toml", "[profile.mine]\nissuer = \"https://id.own.example\"\nclient_id = \"o\"\ngit_urls = [\"https://git.acme.example\"]\n")
	if _, err := LoadBeside(claim, managed); err == nil || !strings.Contains(err.Error(), "also in profile git's git_urls") {
		t.Errorf("the person's profile claiming IT's git host: %v", err)
	}
	missing := filepath.Join(t.TempDir(), "none.toml")
	if cfg, err := LoadBeside(missing, managed); !errors.Is(err, os.ErrNotExist) || cfg == nil || len(cfg.Names) != 2 || !cfg.NoFile {
		t.Errorf("no file of the person's: %v %v", cfg, err)
	}
}

// Where IT can sign, only IT's signed file sets a broken profile file
// aside (found by review: any unsigned file took the broken file's names).
func TestOnlyASignedFileRepairs(t *testing.T) {
	it := testkit.NewSigner(t, "it@acme.example", "")
	pol := &policy.Policy{AllowedSigners: it.AllowedSigners}
	dst := filepath.Join(t.TempDir(), "profiles.toml")
	broken := "[profile.work\n"
	if err := os.WriteFile(dst, []byte(broken), 0o600); err != nil {
		t.Fatal(err)
	}
	if !Broken(dst, nil) {
		t.Fatal("a file that does not parse is not Broken")
	}
	src := writeTemp(t, "it.toml", plainProfile)
	if _, err := importWith(dst, src, pol); err == nil || !strings.Contains(err.Error(), "only a file your IT team signed may replace it") {
		t.Errorf("an unsigned file: %v", err)
	}
	if kept, _ := os.ReadFile(dst); string(kept) != broken {
		t.Error("the refused import moved the broken file")
	}
	it.Sign(t, src)
	if names, err := importWith(dst, src, pol); err != nil || len(names) != 1 {
		t.Errorf("IT's signed file: %v %v", names, err)
	}
}

// A file to import names its files by full path, signed or not: a relative
// one resolves next to the file while it is shown and next to the profile
// file once imported (found by review).
func TestImportRefusesRelativePaths(t *testing.T) {
	it := testkit.NewSigner(t, "it@acme.example", "")
	pol := &policy.Policy{AllowedSigners: it.AllowedSigners}
	src := writeTemp(t, "it.toml", plainProfile+"ca_file = \"corp-ca.pem\"\n")
	it.Sign(t, src)
	imp, err := ReadImport(src, pol)
	if err != nil {
		t.Fatal(err)
	}
	if len(imp.Refused) != 1 || !strings.Contains(imp.Refused[0], "ca_file is a relative path") {
		t.Errorf("refused %q", imp.Refused)
	}
}
