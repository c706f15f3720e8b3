package auth

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The shipped examples are valid profile files.
func TestExamplesParse(t *testing.T) {
	files, _ := filepath.Glob("../examples/*.toml")
	if len(files) != 3 {
		t.Fatalf("found %d examples, want 3", len(files))
	}
	for _, f := range files {
		if _, err := LoadConfig(f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func TestImportProfiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tokentray")
	dst := filepath.Join(dir, "profiles.toml")
	for _, ex := range []string{"lightfi", "frameio", "disruptive"} {
		names, err := ImportProfiles(dst, "../examples/"+ex+".toml")
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
	_, err = ImportProfiles(dst, "../examples/lightfi.toml")
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Profile != "lightfi" || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("second import: %v", err)
	}
	if after, _ := os.ReadFile(dst); string(after) != string(data) {
		t.Error("a refused import changed the file")
	}

	// A default in the imported file moves to the top.
	src := filepath.Join(t.TempDir(), "it.toml")
	os.WriteFile(src, []byte("# from IT\ndefault = \"corp\"\n[profile.corp]\nissuer = \"https://id.corp.example\"\nclient_id = \"c\"\n"), 0o600)
	if _, err := ImportProfiles(dst, src); err != nil {
		t.Fatal(err)
	}
	if cfg, err := LoadConfig(dst); err != nil || cfg.Default != "corp" {
		t.Errorf("default after import: %v %v", cfg.Default, err)
	}

	// A broken file is refused with its line, and nothing is written.
	bad := filepath.Join(t.TempDir(), "bad.toml")
	os.WriteFile(bad, []byte("[profile.x]\nclient_id = \"c\"\nisuer = \"https://a\"\n"), 0o600)
	before, _ := os.ReadFile(dst)
	if _, err := ImportProfiles(dst, bad); !errors.As(err, &ce) || ce.Line != 3 {
		t.Errorf("broken import: %v", err)
	}
	if after, _ := os.ReadFile(dst); string(after) != string(before) {
		t.Error("a broken import changed the file")
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, ".*.tmp")); len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

// An unwritable directory: a clear error, the old file intact.
func TestWriteFileAtomicUnwritable(t *testing.T) {
	if os.Geteuid() == 0 {
		// root writes anywhere; use a path under a file instead.
		f := filepath.Join(t.TempDir(), "file")
		os.WriteFile(f, []byte("x"), 0o600)
		if err := WriteFileAtomic(filepath.Join(f, "profiles.toml"), []byte("y")); err == nil || !strings.Contains(err.Error(), "profiles.toml") && !strings.Contains(err.Error(), f) {
			t.Errorf("write under a file: %v", err)
		}
		return
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "profiles.toml")
	os.WriteFile(path, []byte("old"), 0o600)
	os.Chmod(dir, 0o500)
	defer os.Chmod(dir, 0o700)
	if err := WriteFileAtomic(path, []byte("new")); err == nil {
		t.Error("write into a read-only directory succeeded")
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Error("the old file changed")
	}
}
