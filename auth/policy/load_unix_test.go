//go:build unix && !darwin

package policy

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fakeOwner makes every file look owned by uid, whoever runs the test.
func fakeOwner(t *testing.T, uid uint32) {
	old := fileOwner
	fileOwner = func(fs.FileInfo) (uint32, bool) { return uid, true }
	t.Cleanup(func() { fileOwner = old })
}

func writeFile(t *testing.T, path, text string, mode fs.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // past the umask
		t.Fatal(err)
	}
}

func TestLoad(t *testing.T) {
	const machineTOML = "organization = \"ACME Corp\"\nrequire_signed = true\n"
	const trialTOML = "organization = \"My trial\"\n"
	tests := []struct {
		name    string
		machine string // "" = no machine file; "fifo" = a FIFO there
		mode    fs.FileMode
		owner   uint32
		trial   bool // TOKENTRAY_POLICY names a trial policy
		wantOrg string
		wantErr string
	}{
		{name: "no policy at all", wantOrg: ""},
		{name: "the machine's policy", machine: machineTOML, mode: 0o644, wantOrg: "ACME Corp"},
		{name: "the machine's policy wins over TOKENTRAY_POLICY", machine: machineTOML, mode: 0o644, trial: true, wantOrg: "ACME Corp"},
		{name: "TOKENTRAY_POLICY without a machine policy, any owner", trial: true, owner: 1000, wantOrg: "My trial"},
		{name: "machine policy not owned by root", machine: machineTOML, mode: 0o644, owner: 1000, trial: true, wantErr: "must belong to root and be writable by no one else, but it belongs to user id 1000"},
		{name: "machine policy writable by the group", machine: machineTOML, mode: 0o664, wantErr: "with permissions -rw-rw-r--"},
		{name: "machine policy writable by anyone", machine: machineTOML, mode: 0o646, wantErr: "must belong to root"},
		{name: "a broken machine policy does not fall back", machine: "colour = 1\n", mode: 0o644, trial: true, wantErr: `:1: unknown key "colour"`},
		{name: "a FIFO does not hang", machine: "fifo", trial: true, wantErr: "not a regular file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			machine := filepath.Join(dir, "etc", "policy.toml")
			if err := os.Mkdir(filepath.Dir(machine), 0o755); err != nil {
				t.Fatal(err)
			}
			old := machinePath
			machinePath = machine
			t.Cleanup(func() { machinePath = old })
			fakeOwner(t, tt.owner)
			switch tt.machine {
			case "":
			case "fifo":
				if err := syscall.Mkfifo(machine, 0o644); err != nil {
					t.Fatal(err)
				}
			default:
				writeFile(t, machine, tt.machine, tt.mode)
			}
			trial := filepath.Join(dir, "trial.toml")
			writeFile(t, trial, trialTOML, 0o666)
			t.Setenv(EnvOverride, "")
			if tt.trial {
				t.Setenv(EnvOverride, trial)
			}

			var p *Policy
			var err error
			within(t, func() { p, err = Load() })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, want an error with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Organization != tt.wantOrg {
				t.Errorf("got organization %q, want %q", p.Organization, tt.wantOrg)
			}
			wantWhere := map[string]string{"": "", "ACME Corp": machine, "My trial": trial}[tt.wantOrg]
			if p.Where != wantWhere {
				t.Errorf("got Where %q, want %q", p.Where, wantWhere)
			}
		})
	}
}

func TestCheckMachineFile(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		mode    fs.FileMode
		owner   uint32
		dir     bool
		wantErr string
	}{
		{name: "root's, read-only for others", mode: 0o644},
		{name: "root's, private", mode: 0o600},
		{name: "a user's", mode: 0o644, owner: 501, wantErr: "belongs to user id 501"},
		{name: "world-writable", mode: 0o666, wantErr: "permissions -rw-rw-rw-"},
		{name: "a directory", dir: true, wantErr: "not a regular file"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fakeOwner(t, tt.owner)
			path := filepath.Join(dir, string(rune('a'+i)))
			if tt.dir {
				if err := os.Mkdir(path, 0o755); err != nil {
					t.Fatal(err)
				}
			} else {
				writeFile(t, path, "x", tt.mode)
			}
			err := CheckMachineFile(path)
			if (err == nil) != (tt.wantErr == "") || err != nil && !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("got %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestFileOwnerReadsTheRealOwner(t *testing.T) {
	fi, err := os.Stat(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if uid, ok := fileOwner(fi); !ok || int(uid) != os.Getuid() {
		t.Errorf("got owner %d (%v), want %d", uid, ok, os.Getuid())
	}
}

func TestCheckSignatureFIFO(t *testing.T) {
	file := filepath.Join(t.TempDir(), "profiles.toml")
	if err := syscall.Mkfifo(file+".sig", 0o644); err != nil {
		t.Fatal(err)
	}
	var got Verdict
	within(t, func() { got = (&Policy{}).Check(file, nil, time.Now()) })
	if got.Status != Mismatch || !strings.Contains(got.Why, "not a regular file") {
		t.Errorf("got %v %q, want a mismatch, not a regular file", got.Status, got.Why)
	}
}

// within fails the test if f, which might open a FIFO, takes 10 seconds.
func within(t *testing.T, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { f(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("hung: a FIFO was opened for reading without O_NONBLOCK")
	}
}

// The files a machine's policy names are held to its own rule: an allowed
// signers list a user may write would let the user vouch for any file. A
// trial policy's are the person's own.
func TestReadNamedHoldsTheMachineRule(t *testing.T) {
	dir := t.TempDir()
	machine := filepath.Join(dir, "policy.toml")
	list := filepath.Join(dir, "allowed_signers")
	writeFile(t, machine, "allowed_signers = \"allowed_signers\"\n", 0o644)
	writeFile(t, list, "# nobody yet\n", 0o666)
	old := machinePath
	machinePath = machine
	t.Cleanup(func() { machinePath = old })
	fakeOwner(t, 0)
	p, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.ReadNamed(list); err == nil || !strings.Contains(err.Error(), "must belong to root") {
		t.Errorf("a list anyone may write, named by the machine's policy: %v", err)
	}
	writeFile(t, machine+".sig", "-----BEGIN SSH SIGNATURE-----\n", 0o644)
	if v := p.Check(machine, []byte("x"), time.Now()); v.Status == Signed || !strings.Contains(v.Why, "must belong to root") {
		t.Errorf("Check with such a list: %+v", v)
	}
	machinePath = filepath.Join(dir, "none.toml")
	t.Setenv(EnvOverride, machine)
	p, err = Load()
	if err != nil || !p.Trial {
		t.Fatalf("trial: %+v, %v", p, err)
	}
	if _, err := p.ReadNamed(list); err != nil {
		t.Errorf("a trial policy's own list: %v", err)
	}
}
