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

// The shipped examples are valid profile files.
func TestExamplesParse(t *testing.T) {
	files, _ := filepath.Glob("../../examples/*.toml")
	if len(files) != 8 {
		t.Fatalf("found %d examples, want 8", len(files))
	}
	for _, f := range files {
		if _, err := LoadConfig(f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// importFile imports src as a person does: shown first, then added, with
// no machine policy.
func importFile(dst, src string) ([]string, error) {
	return importWith(dst, src, nil)
}

func importWith(dst, src string, pol *policy.Policy) ([]string, error) {
	imp, err := ReadImport(src, pol)
	if err != nil {
		return nil, err
	}
	res, err := ImportProfiles(dst, src, imp.Sum, pol, nil)
	return res.Names, err
}

// signedCopy copies an example to a file of the test's and signs it as IT
// would; pol is a policy that lists the signer.
func signedCopy(t *testing.T, example string) (file string, pol *policy.Policy) {
	t.Helper()
	it := testkit.NewSigner(t, "it@acme.example", "")
	data, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	file = filepath.Join(t.TempDir(), filepath.Base(example))
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	it.Sign(t, file)
	return file, &policy.Policy{AllowedSigners: it.AllowedSigners, Organization: "ACME Corp"}
}

func TestImportProfiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tokentray")
	dst := filepath.Join(dir, "profiles.toml")
	// LightFi and Frame.io receive the sign-in on a fixed port: a power,
	// which only a file IT signed may carry.
	signed := map[string]string{}
	var pol *policy.Policy
	for _, ex := range []string{"lightfi", "frameio", "disruptive"} {
		signed[ex], pol = signedCopy(t, "../../examples/"+ex+".toml")
		names, err := importWith(dst, signed[ex], pol)
		if err != nil || len(names) != 1 || names[0] != ex {
			t.Fatalf("import %s: %v %v", ex, names, err)
		}
	}
	cfg, err := LoadConfig(dst)
	if err != nil || len(cfg.Names) != 3 {
		t.Fatalf("after three imports: %v %v", cfg, err)
	}
	data, _ := os.ReadFile(dst)
	if !strings.Contains(string(data), "Cognito compares it character by character") {
		t.Error("the examples' comments were lost")
	}
	for path, want := range map[string]os.FileMode{dst: 0o600, dir: 0o700} {
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", path, fi.Mode().Perm(), want)
		}
	}

	// Importing a name that exists changes nothing.
	_, err = importWith(dst, signed["disruptive"], pol)
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Profile != "disruptive" || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("second import: %v", err)
	}
	if after, _ := os.ReadFile(dst); string(after) != string(data) {
		t.Error("a refused import changed the file")
	}

	// A default in the imported file moves to the top of an empty file;
	// into one with profiles it is not carried (TestImportKeepsTheDefault).
	src := filepath.Join(t.TempDir(), "it.toml")
	os.WriteFile(src, []byte("# from IT\ndefault = \"corp\"\n[profile.corp]\nissuer = \"https://id.corp.example\"\nclient_id = \"c\"\n"), 0o600)
	first := filepath.Join(t.TempDir(), "profiles.toml")
	if _, err := importFile(first, src); err != nil {
		t.Fatal(err)
	}
	if cfg, err := LoadConfig(first); err != nil || cfg.Default != "corp" {
		t.Errorf("default after import into an empty file: %v %v", cfg.Default, err)
	}
	if _, err := importFile(dst, src); err != nil {
		t.Fatal(err)
	}

	// A broken file is refused with its line, and nothing is written.
	bad := filepath.Join(t.TempDir(), "bad.toml")
	os.WriteFile(bad, []byte("[profile.x]\nclient_id = \"c\"\nisuer = \"https://a\"\n"), 0o600)
	before, _ := os.ReadFile(dst)
	if _, err := importFile(dst, bad); !errors.As(err, &ce) || ce.Line != 3 {
		t.Errorf("broken import: %v", err)
	}
	if after, _ := os.ReadFile(dst); string(after) != string(before) {
		t.Error("a broken import changed the file")
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, ".*.tmp")); len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

// The settings window's edits: each keeps the rest of the file, comments
// included, and a bad edit changes nothing.
func TestConfigEdits(t *testing.T) {
	const orig = `# my profiles
clipboard_clear = 30

# first one
[profile.a]
issuer = "https://a.example.test"
client_id = "a"
scopes = [
  "openid",
]

# Imported from b.toml
[profile.b]
issuer = "https://b.example.test"
client_id = "b"
[profile.b.auth_params]
audience = "x"
`
	path := filepath.Join(t.TempDir(), "profiles.toml")
	if err := os.WriteFile(path, []byte(orig), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := SetDefault(path, "b", nil); err != nil {
		t.Fatal(err)
	}
	if err := SetDefault(path, "nope", nil); err == nil {
		t.Error("SetDefault accepted a profile that does not exist")
	}
	if err := SetClipboardClear(path, 0, nil); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(path)
	if err != nil || cfg.Default != "b" || cfg.ClipboardClear != 0 {
		t.Fatalf("after edits: %+v, %v", cfg, err)
	}
	if err := RemoveProfile(path, "b", nil); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	cfg, err = ParseConfig(path, data)
	if err != nil || cfg.Default != "" || len(cfg.Names) != 1 || cfg.Names[0] != "a" {
		t.Fatalf("after removing b: %+v, %v\n%s", cfg, err, data)
	}
	for _, want := range []string{"# my profiles", "# first one", `"openid",`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("lost %q:\n%s", want, data)
		}
	}
	if strings.Contains(string(data), "b.toml") || strings.Contains(string(data), "audience") {
		t.Errorf("b is not entirely gone:\n%s", data)
	}
	if err := RemoveProfile(path, "a", nil); err != nil {
		t.Fatal(err)
	}
	if cfg, err := LoadConfig(path); err != nil || len(cfg.Names) != 0 {
		t.Fatalf("after removing a: %+v, %v", cfg, err)
	}
}

func TestClipboardClearChecked(t *testing.T) {
	_, err := ParseConfig("p.toml", []byte("clipboard_clear = -1\n"))
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Key != "clipboard_clear" || ce.Line != 1 {
		t.Fatalf("got %v, want an error at line 1, key clipboard_clear", err)
	}
	cfg, err := ParseConfig("p.toml", nil)
	if err != nil || cfg.ClipboardClear != DefaultClipboardClear {
		t.Fatalf("default: %v %v", cfg.ClipboardClear, err)
	}
}

// An imported file can add profiles and nothing else: not through its name
// (written into a comment), not through keys that would land in the table
// before it. Each case leaves the profile already there exactly as it was.
func TestImportCannotTouchExistingProfiles(t *testing.T) {
	const mine = "[profile.work]\nissuer = \"https://id.example.com\"\nclient_id = \"cli\"\n"
	cases := []struct {
		name, file, body string
		wantErr          bool
	}{
		// A file name cannot hold '/', but a TOML string can spell it.
		{"a new line in the file name", `evil` + "\n" + `token_url = "https:\u002F\u002Fattacker.example\u002Ft"` + "\n" +
			`send_tokens_to_other_origins = ["https:\u002F\u002Fattacker.example"]` + "\n#.toml",
			"[profile.other]\nissuer = \"https://id.example.net\"\nclient_id = \"x\"\n", false},
		{"keys before the first table", "loose.toml",
			"token_url = \"https://attacker.example/t\"\n[profile.other]\nissuer = \"https://id.example.net\"\nclient_id = \"x\"\n", true},
		{"a table that reopens the profile", "reopen.toml",
			"[profile.other]\nissuer = \"https://id.example.net\"\nclient_id = \"x\"\n[profile.work.auth_params]\naudience = \"a\"\n", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			dst := filepath.Join(dir, "profiles.toml")
			if err := os.WriteFile(dst, []byte(mine), 0o600); err != nil {
				t.Fatal(err)
			}
			src := filepath.Join(dir, c.file)
			if err := os.WriteFile(src, []byte(c.body), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := importFile(dst, src)
			if (err != nil) != c.wantErr {
				t.Errorf("import: %v, want an error %t", err, c.wantErr)
			}
			cfg, lerr := LoadConfig(dst)
			if lerr != nil {
				t.Fatalf("the profile file broke: %v", lerr)
			}
			before, _ := ParseConfig(dst, []byte(mine))
			if !cfg.Profiles["work"].Same(before.Profiles["work"]) {
				t.Errorf("work changed: %+v", *cfg.Profiles["work"])
			}
		})
	}
}

// An import adds only the file that was shown: one changed since is refused.
func TestImportOnlyWhatWasShown(t *testing.T) {
	dir := t.TempDir()
	dst, src := filepath.Join(dir, "profiles.toml"), filepath.Join(dir, "sent.toml")
	shown := "[profile.corp]\nissuer = \"https://id.example.com\"\nclient_id = \"c\"\n"
	if err := os.WriteFile(src, []byte(shown), 0o600); err != nil {
		t.Fatal(err)
	}
	imp, err := ReadImport(src, nil)
	if err != nil {
		t.Fatal(err)
	}
	sum := imp.Sum
	swapped := "[profile.corp]\nauth_url = \"https://id.example.com/a\"\ntoken_url = \"https://tokens.example.net/t\"\nclient_id = \"c\"\nsend_tokens_to_other_origins = [\"https://tokens.example.net\"]\n"
	if err := os.WriteFile(src, []byte(swapped), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ImportProfiles(dst, src, sum, nil, nil); err == nil || !strings.Contains(err.Error(), "changed since") {
		t.Errorf("a file swapped after it was shown: %v", err)
	}
	if _, err := os.Stat(dst); err == nil {
		t.Error("something was written")
	}
}

// An import adds profiles; it does not change which one the commands use.
func TestImportKeepsTheDefault(t *testing.T) {
	dir := t.TempDir()
	dst, src := filepath.Join(dir, "profiles.toml"), filepath.Join(dir, "sent.toml")
	if err := os.WriteFile(dst, []byte("[profile.work]\nissuer = \"https://id.example.com\"\nclient_id = \"c\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(src, []byte("default = \"evil\"\n[profile.evil]\nissuer = \"https://id.example.net\"\nclient_id = \"c\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := importFile(dst, src); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(dst)
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := cfg.Profile(""); p == nil || p.Name != "work" {
		t.Errorf("after the import, commands without a name use %v (default %q), want work as before", p, cfg.Default)
	}
}
