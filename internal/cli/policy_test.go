package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// programEnv makes this test binary the command line itself (TestMain).
const programEnv = "TOKENTRAY_CLI_TEST_PROGRAM"

// TestMain runs the command line when a test starts this binary as the
// program: the machine's policy is read once per process, so a test of a
// policy needs a process of its own.
func TestMain(m *testing.M) {
	if os.Getenv(programEnv) != "" {
		os.Exit(Run(context.Background(), Program{Version: "dev"}, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// asProgram runs the command line in a process of its own with the
// environment additions env.
func asProgram(t *testing.T, env []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), append(env, programEnv+"=1")...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(time.Minute):
		_ = cmd.Process.Kill()
		t.Fatalf("%s did not end within a minute", args)
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), out.String(), errb.String()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, out.String(), errb.String()
}

// A policy tried out with TOKENTRAY_POLICY (the machine has none here):
// `policy` shows each value and where it came from, the commands that
// list profiles say who manages them, the policy's language is the
// command line's, and a policy that cannot be read is said as IT's to
// fix, exit 2.
func TestPolicy(t *testing.T) {
	alone(t)
	if _, err := os.Stat("/etc/tokentray/policy.toml"); err == nil {
		t.Fatal("this machine has a policy of its own, which TOKENTRAY_POLICY cannot override")
	}
	dir := t.TempDir()
	cfg := filepath.Join(dir, "profiles.toml")
	if err := os.WriteFile(cfg, []byte(workFile), 0o600); err != nil {
		t.Fatal(err)
	}
	write := func(name, body string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	acme := write("acme.toml", "organization = \"ACME Corp\"\nrequire_signed = true\n")
	german := write("german.toml", "language = \"de\"\n")
	broken := write("broken.toml", "require_signed = \"yes\"\n")
	sent := write("sent.toml", "[profile.other]\nissuer = \"https://id.example.com\"\nclient_id = \"c\"\n")
	for _, c := range []struct {
		name   string
		policy string
		args   []string
		code   int
		stdout []string
		stderr []string
	}{
		{"no policy", "", []string{"policy"}, 0, []string{"No policy is set for tokentray on this computer.\n"}, nil},
		{"a trial", acme, []string{"policy"}, 0, []string{
			"Policy from " + acme + " (TOKENTRAY_POLICY: a trial of your own; the computer has no policy):\n",
			"  organization     ACME Corp  " + acme + ":1\n",
			"  require_signed   true       " + acme + ":2\n",
			"  allowed_signers  -          not set\n",
		}, nil},
		{"status says who manages it", acme, []string{"status"}, 0, []string{"work (default)", "Managed by ACME Corp.\n"}, nil},
		{"profiles says who manages it", acme, []string{"profiles"}, 0, []string{"work (default)", "Managed by ACME Corp.\n"}, nil},
		{"doctor says who manages it", acme, []string{"doctor"}, 1, []string{"✓ policy", "Managed by ACME Corp, from " + acme + "; only signed profile files can be imported\n"}, nil},
		{"the policy's language", german, []string{"token", "nope"}, 2, nil, []string{"nope"}},
		{"an import under a policy that cannot be read", broken, []string{"profiles", "import", "--yes", sent}, 2, nil, []string{
			"tokentray: This computer's tokentray policy has a problem. Tell your IT team; the detail below says what.\n",
		}},
		{"a policy that cannot be read", broken, []string{"policy"}, 2, nil, []string{
			"tokentray: This computer's tokentray policy has a problem. Tell your IT team; the detail below says what.\n",
			"  " + broken + ":1: require_signed takes true or false, not text\n",
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := asProgram(t, []string{"TOKENTRAY_POLICY=" + c.policy}, append([]string{"--config", cfg}, c.args...)...)
			if code != c.code {
				t.Errorf("exit %d, want %d\n%s%s", code, c.code, stdout, stderr)
			}
			has(t, "stdout", stdout, c.stdout...)
			has(t, "stderr", stderr, c.stderr...)
			if c.policy == german && strings.Contains(stderr, "There is no profile named") {
				t.Errorf("said in English, not the policy's German:\n%s", stderr)
			}
		})
	}
}
