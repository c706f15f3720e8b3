//go:build linux && wine

// WSL (issue 30 item 3): Linux programs inside WSL use the Windows
// tokentray.exe — git's credential helper, kubectl's exec plugin, a
// script's $(tokentray.exe token) — as they use Git Credential Manager,
// through WSL's interop. Wine stands in for the interop here: the Linux
// git and kubectl of this machine run `wine tokentray.exe`, with Windows
// paths in its arguments, and read what it prints through pipes, where a
// carriage return before a newline would end up in a header or a
// password.
package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tokentray/tokentray/internal/testkit"
)

// raw runs tokentray.exe with stdin and extra environment, and returns
// its standard output byte for byte (output() turns CRLF into LF; this
// must not).
func (w *wine) raw(t *testing.T, stdin string, env []string, args ...string) ([]byte, string, int) {
	t.Helper()
	cmd := w.command("wine", append([]string{filepath.Join(w.dir, "tokentray.exe")}, args...)...)
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdin = strings.NewReader(stdin)
	dir := t.TempDir()
	out, err := os.Create(filepath.Join(dir, "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	var errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = out, &errb
	cmd.WaitDelay = 2 * time.Second // Wine's helpers keep stderr open
	err = testkit.Within(cmd, 3*time.Minute)
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("wine tokentray.exe %v: %v", args, err)
	}
	b, _ := os.ReadFile(out.Name())
	return b, errb.String(), code
}

// wslChecks: token, git-credential and kubectl-credential of
// tokentray.exe, used by Linux programs. cfg is the profile file as
// Windows names it, cfgPath as Linux does; token is the profile's access
// token now (nothing here renews it).
func wslChecks(t *testing.T, w *wine, cfg, cfgPath, token string) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"token", "work"}, token + "\n"},
		{[]string{"token", "work", "--header"}, "Authorization: Bearer " + token + "\n"},
	} {
		out, errb, code := w.raw(t, "", nil, append([]string{"--config", cfg}, c.args...)...)
		if code != 0 || string(out) != c.want {
			t.Errorf("tokentray.exe %v: exit %d, %s, want %s (a carriage return: %v): %s",
				c.args, code, testkit.Redact(string(out)), testkit.Redact(c.want), bytes.ContainsRune(out, '\r'), errb)
		}
	}
	// As a shell in WSL uses it.
	sh := exec.Command("sh", "-c", `printf '%s' "$(wine "$1" --config "$2" token work)"`, "sh", filepath.Join(w.dir, "tokentray.exe"), cfg)
	sh.Env = w.env()
	if out, err := testkit.Bounded(sh, 3*time.Minute); err != nil || string(out) != token {
		t.Errorf(`"$(tokentray.exe token work)" in sh: %v, %s, want %s`, err, testkit.Redact(string(out)), testkit.Redact(token))
	}

	t.Log("git-credential, byte for byte")
	root := t.TempDir()
	git(t, root, nil, "init", "-q", "--bare", "-b", "main", "repo.git")
	git(t, root, nil, "--git-dir", filepath.Join(root, "repo.git"), "config", "http.receivepack", "true")
	srv, seen := gitServer(t, root, func() string { return token })
	// The profile answers for that git server (its one table is the last
	// in the file; git_urls binds no sign-in).
	f, err := os.OpenFile(cfgPath, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = fmt.Fprintf(f, "\ngit_urls = [%q]\n", srv.URL+"/")
	if cerr := f.Close(); err != nil || cerr != nil {
		t.Fatal(err, cerr)
	}
	out, errb, code := w.raw(t, "protocol=http\nhost="+strings.TrimPrefix(srv.URL, "http://")+"\n\n", nil, "--config", cfg, "git-credential", "get")
	if code != 0 || bytes.ContainsRune(out, '\r') || !bytes.HasPrefix(out, []byte("username=oauth2\npassword="+token+"\n")) {
		t.Errorf("git-credential get: exit %d, %s: %s", code, testkit.Redact(string(out)), errb)
	}

	t.Log("the machine's git with tokentray.exe as its credential helper")
	home := t.TempDir()
	env := append(w.vars(), "HOME="+home, "XDG_CONFIG_HOME="+home, "GIT_TERMINAL_PROMPT=0", "GIT_CONFIG_NOSYSTEM=1")
	// The line README gives for WSL, with wine in front: the helper's
	// path as Linux sees it, its argument a Windows path.
	helper := fmt.Sprintf("!wine %s --config '%s' git-credential", filepath.Join(w.dir, "tokentray.exe"), cfg)
	git(t, home, env, "config", "--global", "credential."+srv.URL+".helper", helper)
	git(t, home, env, "config", "--global", "user.email", "a@example.test")
	git(t, home, env, "config", "--global", "user.name", "A")
	work := filepath.Join(t.TempDir(), "work")
	git(t, filepath.Dir(work), env, "clone", "-q", srv.URL+"/repo.git", work)
	if err := os.WriteFile(filepath.Join(work, "a.txt"), []byte("a\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	git(t, work, env, "add", "a.txt")
	git(t, work, env, "commit", "-q", "-m", "a")
	git(t, work, env, "push", "-q", "origin", "main")
	if got := git(t, root, nil, "--git-dir", filepath.Join(root, "repo.git"), "log", "--format=%s", "main"); got != "a\n" {
		t.Errorf("the pushed history: %q", got)
	}
	if !containsString(*seen, "oauth2:"+token) {
		t.Error("the git server never saw the access token")
	}

	t.Log("the machine's kubectl with tokentray.exe as its exec plugin")
	kubectl, kseen := kubeAPIWith(t, func() string { return token }, w.vars(),
		"wine", filepath.Join(w.dir, "tokentray.exe"), "--config", cfg, "kubectl-credential", "work")
	if out := kubectl(); !strings.Contains(out, "v1.32.0-tokentray-test") || !containsString(*kseen, token) {
		t.Errorf("kubectl: %s", out)
	}
	out, errb, code = w.raw(t, "", []string{`KUBERNETES_EXEC_INFO={"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","spec":{"interactive":false}}`},
		"--config", cfg, "kubectl-credential", "work")
	var ec struct {
		APIVersion string `json:"apiVersion"`
		Status     struct{ Token string }
	}
	if code != 0 || bytes.ContainsRune(out, '\r') || json.Unmarshal(out, &ec) != nil || ec.APIVersion != "client.authentication.k8s.io/v1beta1" || ec.Status.Token != token {
		t.Errorf("kubectl-credential v1beta1: exit %d, %s: %s", code, testkit.Redact(string(out)), errb)
	}
}
