// The live token inside the tools developers use — exec, git, kubectl — each
// driven through the real tool against a loopback server that accepts only
// the current token.
package e2e

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth/keychain"
	"github.com/tokentray/tokentray/internal/control"
	"github.com/tokentray/tokentray/internal/testkit"
)

// toolsProfile signs a profile in to a strict provider that approves at
// once, and returns the profile file and the provider.
func toolsProfile(t *testing.T, name, extra string, lifetime time.Duration) (string, *testkit.OAuthServer) {
	t.Helper()
	forget(t, name)
	srv := testkit.NewOAuthServer(t, "none")
	srv.Lifetime, srv.JWTAccess = lifetime, true
	cfg := writeConfig(t, fmt.Sprintf("[profile.%s]\nauth_url = %q\ntoken_url = %q\nclient_id = %q\n%s",
		name, srv.URL+"/authorize", srv.URL+"/token", srv.ClientID, extra))
	if r := loginNoBrowser(t, cfg, name); r.code != 0 {
		t.Fatalf("login: exit %d: %s %v", r.code, r.stderr, srv.Rejections())
	}
	return cfg, srv
}

// current is the access token the keychain holds now.
func current(t *testing.T, profile string) string {
	t.Helper()
	rec, err := keychain.NewStore().Load(profile)
	if err != nil {
		t.Fatalf("keychain: %v", err)
	}
	return rec.AccessToken
}

func TestExec(t *testing.T) {
	testkit.RequireSecretService(t)
	cfg, _ := toolsProfile(t, "api", "env = \"API_TOKEN\"\n", time.Hour)
	tok := current(t, "api")
	cases := []struct {
		name   string
		args   []string
		stdin  string
		code   int
		stdout string
	}{
		{"the profile's variable", []string{"exec", "api", "--", "sh", "-c", `printf %s "$API_TOKEN"`}, "", 0, tok},
		{"--env", []string{"exec", "api", "--env", "OTHER_TOKEN", "--", "sh", "-c", `printf %s "$OTHER_TOKEN"`}, "", 0, tok},
		// A name that decides how a program starts never carries the
		// token, from the command line either: the command does not run.
		{"--env BASH_ENV", []string{"exec", "api", "--env", "BASH_ENV", "--", "sh", "-c", "echo ran"}, "", 2, ""},
		{"--env X=Y", []string{"exec", "api", "--env", "X=Y", "--", "sh", "-c", "echo ran"}, "", 2, ""},
		{"--env 1A", []string{"exec", "api", "--env", "1A", "--", "sh", "-c", "echo ran"}, "", 2, ""},
		{"--header-env LD_PRELOAD", []string{"exec", "api", "--header-env", "LD_PRELOAD", "--", "sh", "-c", "echo ran"}, "", 2, ""},
		{"--header-env", []string{"exec", "--header-env", "AUTH", "--", "sh", "-c", `printf %s "$AUTH"`}, "", 0, "Authorization: Bearer " + tok},
		{"the command's exit code", []string{"exec", "--", "sh", "-c", "exit 7"}, "", 7, ""},
		{"standard input", []string{"exec", "--", "cat"}, "hello", 0, "hello"},
		{"the command's own argv, nothing added", []string{"exec", "--", "sh", "-c", `printf '%s|' "$0" "$@"`, "x", "y"}, "", 0, "x|y|"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command(binary, append([]string{"--config", cfg}, c.args...)...)
			cmd.Stdin = strings.NewReader(c.stdin)
			r, err := capture(cmd, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			if r.code != c.code || r.stdout != c.stdout {
				t.Errorf("exit %d, stdout %s; want %d, %s\n%s", r.code, testkit.Redact(r.stdout), c.code, testkit.Redact(c.stdout), r.stderr)
			}
			if strings.Contains(r.stderr, tok) {
				t.Error("the token reached standard error")
			}
		})
	}
	// The command is the process the shell started (a terminal's Ctrl-C
	// reaches it once, not again forwarded by tokentray).
	t.Run("the command takes tokentray's place", func(t *testing.T) {
		cmd := exec.Command(binary, "--config", cfg, "exec", "--", "sh", "-c", `echo $$`)
		var out bytes.Buffer
		cmd.Stdout = &out
		if err := testkit.Within(cmd, time.Minute); err != nil {
			t.Fatal(err)
		}
		if got, want := strings.TrimSpace(out.String()), strconv.Itoa(cmd.Process.Pid); got != want {
			t.Errorf("the command ran as process %s, tokentray as %s", got, want)
		}
	})
	t.Run("a signal goes to the command", func(t *testing.T) {
		cmd := exec.Command(binary, "--config", cfg, "exec", "--", "sh", "-c", `trap 'exit 42' TERM; echo ready; while :; do sleep 0.1; done`)
		var out syncWriter
		out.w = &bytes.Buffer{}
		cmd.Stdout = &out
		// A group of its own, so that a lost signal leaves no loop behind.
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
		testkit.Eventually(t, 10*time.Second, "the command did not start", func() bool {
			out.mu.Lock()
			defer out.mu.Unlock()
			return strings.Contains(out.w.String(), "ready")
		})
		_ = cmd.Process.Signal(syscall.SIGTERM)
		err := testkit.WaitWithin(cmd, 20*time.Second)
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 42 {
			t.Errorf("after SIGTERM: %v, want the command's exit 42", err)
		}
	})
	t.Run("a short-lived token is said so first", func(t *testing.T) {
		short, _ := toolsProfile(t, "short", "", 10*time.Minute)
		r := tokentray(t, short, nil, "exec", "--", "true")
		if r.code != 0 || !strings.Contains(r.stderr, "the token expires in 10 min") {
			t.Errorf("exit %d: %s", r.code, r.stderr)
		}
		// Asked for longer than such tokens last: renewed for nothing, and
		// a longer --min-valid is no advice then (issue 29).
		r = tokentray(t, short, nil, "exec", "--min-valid", "30m", "--", "true")
		if r.code != 0 || !strings.Contains(r.stderr, "this provider's tokens last only 10 min, and --min-valid asks for 30 min. Ask for less, such as --min-valid 5m.") ||
			strings.Contains(r.stderr, "a longer run needs a new one") {
			t.Errorf("--min-valid 30m on 10-minute tokens: exit %d: %s", r.code, r.stderr)
		}
	})
	t.Run("no command", func(t *testing.T) {
		if r := tokentray(t, cfg, nil, "exec", "api"); r.code != 2 || !strings.Contains(r.stderr, "give the command after --") {
			t.Errorf("exit %d: %s", r.code, r.stderr)
		}
	})
}

// gitServer serves bare repositories under root over smart HTTP (git
// http-backend), to whoever presents the current access token as the
// password; others get 401 and a Basic challenge, as a forge answers.
func gitServer(t *testing.T, root string, token func() string) (*httptest.Server, *[]string) {
	var mu sync.Mutex
	var seen []string
	backend := &cgi.Handler{Path: "/usr/lib/git-core/git-http-backend", Env: []string{"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1"}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok := r.BasicAuth()
		mu.Lock()
		seen = append(seen, user+":"+pass)
		mu.Unlock()
		if !ok || pass != token() {
			w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
			http.Error(w, "who are you?", http.StatusUnauthorized)
			return
		}
		backend.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &seen
}

func git(t *testing.T, dir string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := testkit.Bounded(cmd, time.Minute)
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func TestGitCredential(t *testing.T) {
	testkit.RequireSecretService(t)
	root := t.TempDir()
	git(t, root, nil, "init", "-q", "--bare", "-b", "main", "repo.git")
	// http-backend refuses pushes from anonymous users; the handler below
	// has checked the token already.
	git(t, root, nil, "--git-dir", filepath.Join(root, "repo.git"), "config", "http.receivepack", "true")
	var srvURL string
	srv, seen := gitServer(t, root, func() string { return current(t, "forge") })
	srvURL = srv.URL
	cfg, provider := toolsProfile(t, "forge", fmt.Sprintf("git_urls = [%q]\ngit_username = \"x-access-token\"\n", srvURL+"/"), time.Hour)

	home := t.TempDir()
	env := []string{"HOME=" + home, "XDG_CONFIG_HOME=" + home, "GIT_TERMINAL_PROMPT=0", "GIT_CONFIG_NOSYSTEM=1"}
	helper := fmt.Sprintf("!%s --config %s git-credential", binary, cfg)
	git(t, home, env, "config", "--global", "credential."+srvURL+".helper", helper)
	git(t, home, env, "config", "--global", "user.email", "a@example.test")
	git(t, home, env, "config", "--global", "user.name", "A")

	// Clone, commit, push: all with the live token, and nothing typed.
	work := filepath.Join(t.TempDir(), "work")
	git(t, filepath.Dir(work), env, "clone", "-q", srvURL+"/repo.git", work)
	if err := os.WriteFile(filepath.Join(work, "a.txt"), []byte("a\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	git(t, work, env, "add", "a.txt")
	git(t, work, env, "commit", "-q", "-m", "a")
	git(t, work, env, "push", "-q", "origin", "HEAD:main")
	if log := git(t, root, nil, "--git-dir", filepath.Join(root, "repo.git"), "log", "--oneline", "main"); !strings.Contains(log, " a") {
		t.Errorf("the push did not land: %q", log)
	}
	tok := current(t, "forge")
	if !containsString(*seen, "x-access-token:"+tok) {
		t.Errorf("the server never saw the token with git_username")
	}

	// The token changes at the provider between two pushes (a refresh):
	// git's next request gets the new one.
	if r := tokentray(t, cfg, nil, "token", "forge", "--min-valid", "10h"); r.code != 0 {
		t.Fatalf("refresh: %s", r.stderr)
	}
	if current(t, "forge") == tok {
		t.Fatal("no new token")
	}
	git(t, work, env, "commit", "-q", "--allow-empty", "-m", "b")
	git(t, work, env, "push", "-q", "origin", "HEAD:main")

	// erase (git saw a 401) renews at once.
	before := provider.Count("refresh_token")
	cmd := exec.Command(binary, "--config", cfg, "git-credential", "erase")
	cmd.Stdin = strings.NewReader("protocol=http\nhost=" + strings.TrimPrefix(srvURL, "http://") + "\npath=repo.git\n\n")
	if out, err := testkit.Bounded(cmd, time.Minute); err != nil || len(out) != 0 {
		t.Errorf("erase: %v %q", err, out)
	}
	if provider.Count("refresh_token") != before+1 {
		t.Error("erase did not renew the token")
	}

	// Another host: nothing at all, so git asks the next helper.
	for _, op := range []string{"get", "store"} {
		cmd := exec.Command(binary, "--config", cfg, "git-credential", op)
		cmd.Stdin = strings.NewReader("protocol=https\nhost=github.com\npath=x/y.git\n\n")
		if out, err := testkit.Bounded(cmd, time.Minute); err != nil || len(out) != 0 {
			t.Errorf("%s for another host: %v %q", op, err, out)
		}
	}
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestKubectlCredential(t *testing.T) {
	testkit.RequireSecretService(t)
	cfg, _ := toolsProfile(t, "kube", "", time.Hour)
	kubectl, seen := kubeAPI(t, "kube", binary, cfg)
	if out := kubectl(); !strings.Contains(out, "v1.32.0-tokentray-test") {
		t.Errorf("kubectl: %s", out)
	}
	first := current(t, "kube")
	if r := tokentray(t, cfg, nil, "token", "kube", "--min-valid", "10h"); r.code != 0 {
		t.Fatalf("refresh: %s", r.stderr)
	}
	kubectl()
	if second := current(t, "kube"); second == first || !containsString(*seen, first) || !containsString(*seen, second) {
		t.Errorf("the API server did not see both tokens across a refresh")
	}
	// v1beta1 when kubectl asks for it.
	cmd := exec.Command(binary, "--config", cfg, "kubectl-credential", "kube")
	cmd.Env = append(os.Environ(), `KUBERNETES_EXEC_INFO={"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","spec":{"interactive":false}}`)
	cmd.Stderr = io.Discard
	out, err := testkit.Bounded(cmd, time.Minute)
	var ec struct {
		APIVersion string `json:"apiVersion"`
		Status     struct {
			Token               string `json:"token"`
			ExpirationTimestamp string `json:"expirationTimestamp"`
		} `json:"status"`
	}
	if err != nil || json.Unmarshal(out, &ec) != nil || ec.APIVersion != "client.authentication.k8s.io/v1beta1" || ec.Status.Token != current(t, "kube") {
		t.Errorf("v1beta1: %v %s", err, testkit.Redact(string(out)))
	}
	if _, err := time.Parse(time.RFC3339, ec.Status.ExpirationTimestamp); err != nil {
		t.Errorf("expirationTimestamp %q", ec.Status.ExpirationTimestamp)
	}
}

// kubeAPI is a stand-in Kubernetes API server on loopback HTTPS that
// answers /version only to the profile's current token, and a function
// running the real kubectl against it with bin as the credential plugin.
func kubeAPI(t *testing.T, profile, bin, cfg string) (kubectl func() string, seen *[]string) {
	t.Helper()
	return kubeAPIWith(t, func() string { return current(t, profile) }, nil, bin, "--config", cfg, "kubectl-credential", profile)
}

// kubeAPIWith is kubeAPI for any plugin command line: the server accepts
// the token accept returns, and kubectl runs with env added.
func kubeAPIWith(t *testing.T, accept func() string, env []string, command string, args ...string) (kubectl func() string, seen *[]string) {
	t.Helper()
	if _, err := exec.LookPath("kubectl"); err != nil {
		t.Fatal("kubectl is not on PATH; the machine image has it (/usr/bin/kubectl)")
	}
	var mu sync.Mutex
	seen = new([]string)
	api := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		mu.Lock()
		*seen = append(*seen, got)
		mu.Unlock()
		if r.URL.Path != "/version" || got != accept() {
			http.Error(w, `{"kind":"Status","status":"Failure","code":401}`, http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"major":"1","minor":"32","gitVersion":"v1.32.0-tokentray-test"}`))
	}))
	t.Cleanup(api.Close)
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: api.Certificate().Raw})
	kubeconfig := filepath.Join(t.TempDir(), "config")
	doc := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: test
  cluster:
    server: %s
    certificate-authority-data: %s
users:
- name: work
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: %s
      args: %s
      interactiveMode: Never
contexts:
- name: test
  context: {cluster: test, user: work}
current-context: test
`, api.URL, base64.StdEncoding.EncodeToString(ca), command, quoted(args))
	if err := os.WriteFile(kubeconfig, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	return func() string {
		t.Helper()
		cmd := exec.Command("kubectl", "--kubeconfig", kubeconfig, "get", "--raw", "/version")
		cmd.Env = append(append(os.Environ(), env...), "HOME="+t.TempDir())
		out, err := testkit.Bounded(cmd, time.Minute)
		if err != nil {
			t.Fatalf("kubectl: %v\n%s", err, out)
		}
		return string(out)
	}, seen
}

// quoted is args as a YAML (JSON) list.
func quoted(args []string) string {
	b, _ := json.Marshal(args)
	return string(b)
}

// TestToolsThroughTheTray: while the tray runs, tokentray answers token,
// git-credential and kubectl-credential by itself, without starting the
// full program — shown by a copy of tokentray alone in a directory, with no
// tokentray-agent to hand over to — byte for byte as the full program
// does, and the real git and kubectl work through it. Anything else it
// hands over.
func TestToolsThroughTheTray(t *testing.T) {
	testkit.RequireSecretService(t)
	root := t.TempDir()
	git(t, root, nil, "init", "-q", "--bare", "-b", "main", "repo.git")
	git(t, root, nil, "--git-dir", filepath.Join(root, "repo.git"), "config", "http.receivepack", "true")
	srv, seen := gitServer(t, root, func() string { return current(t, "tools") })
	host := strings.TrimPrefix(srv.URL, "http://")
	cfg, provider := toolsProfile(t, "tools", fmt.Sprintf("git_urls = [%q]\n", srv.URL+"/"), time.Hour)
	d := newDesktop(t, cfg)
	d.tray(t)

	alone := filepath.Join(t.TempDir(), "tokentray")
	b, err := os.ReadFile(binary)
	if err != nil || os.WriteFile(alone, b, 0o700) != nil {
		t.Fatal(err)
	}
	agent := filepath.Join(filepath.Dir(binary), "tokentray-agent")
	run := func(bin, stdin string, env []string, args ...string) result {
		t.Helper()
		cmd := exec.Command(bin, append([]string{"--config", cfg}, args...)...)
		cmd.Env = append(append(os.Environ(), d.env...), env...)
		cmd.Stdin = strings.NewReader(stdin)
		r, err := capture(cmd, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		// Compared whole with the other program's: not how long it took.
		r.took = 0
		return r
	}
	v1beta1 := []string{`KUBERNETES_EXEC_INFO={"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","spec":{"interactive":false}}`}
	gitReq := "protocol=http\nhost=" + host + "\npath=repo.git\n\n"
	for _, c := range []struct {
		name  string
		stdin string
		env   []string
		args  []string
		empty bool // nothing to print
		code  int
	}{
		{"token", "", nil, []string{"token", "tools"}, false, 0},
		{"the default profile", "", nil, []string{"token"}, false, 0},
		{"--header", "", nil, []string{"token", "tools", "--header"}, false, 0},
		{"--json", "", nil, []string{"token", "tools", "--json"}, false, 0},
		{"--min-valid", "", nil, []string{"token", "--min-valid=5m", "tools"}, false, 0},
		{"kubectl-credential", "", nil, []string{"kubectl-credential", "tools"}, false, 0},
		{"kubectl-credential v1beta1", "", v1beta1, []string{"kubectl-credential", "tools"}, false, 0},
		{"git-credential get", gitReq, nil, []string{"git-credential", "get"}, false, 0},
		{"git-credential get, another host", "protocol=https\nhost=github.com\npath=x/y.git\n\n", nil, []string{"git-credential", "get"}, true, 0},
		{"git-credential store", gitReq + "username=oauth2\npassword=x\n", nil, []string{"git-credential", "store"}, true, 0},
		// The tray's refusal, said by tokentray itself: asking again would
		// double the wait (and, during an outage, the provider's load).
		{"an unknown profile", "", nil, []string{"token", "nosuch"}, true, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, want := run(alone, c.stdin, c.env, c.args...), run(agent, c.stdin, c.env, c.args...)
			if got.code != c.code || got != want || (got.stdout == "") != c.empty {
				t.Errorf("tokentray alone: exit %d, stdout %s, stderr %q\nthe full program: exit %d, stdout %s, stderr %q",
					got.code, testkit.Redact(got.stdout), got.stderr, want.code, testkit.Redact(want.stdout), want.stderr)
			}
		})
	}
	// A 1-hour token asked to last 2 hours is renewed at every call (a new
	// token each time): said once, on stderr, with a --min-valid that
	// works — by both programs alike (issue 29).
	for _, bin := range []string{alone, agent} {
		r := run(bin, "", nil, "token", "tools", "--min-valid", "2h")
		if want := "tokentray: warning: Every call renews the token: this provider's tokens last only 1 h, and --min-valid asks for 2 h. Ask for less, such as --min-valid 30m.\n"; r.code != 0 || r.stderr != want || r.stdout == "" {
			t.Errorf("%s: --min-valid 2h on 1-hour tokens: exit %d, stderr %q, want %q", filepath.Base(bin), r.code, r.stderr, want)
		}
	}
	// Exact bytes: the comparison above holds for a fault both programs
	// share (the printers are one code).
	if r, want := run(alone, "", nil, "token", "tools"), current(t, "tools")+"\n"; r.stdout != want {
		t.Errorf("token: %s is not the keychain's token and a newline %s", testkit.Redact(r.stdout), testkit.Redact(want))
	}

	// inspect through the tray: the tray decodes the token (OpInspect).
	if r := run(binary, "", []string{"TOKENTRAY_DEBUG=1"}, "inspect", "tools", "--json"); r.code != 0 ||
		!strings.Contains(r.stderr, "answered by the tray") || !strings.Contains(r.stdout, `"sub": "user-1"`) {
		t.Errorf("inspect through the tray: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}

	// The real tools, through tokentray alone.
	home := t.TempDir()
	// git's own configuration in a home of its own; the tray's runtime
	// directory from the desktop.
	env := append(slices.Clone(d.env), "HOME="+home, "XDG_CONFIG_HOME="+home, "GIT_TERMINAL_PROMPT=0", "GIT_CONFIG_NOSYSTEM=1")
	git(t, home, env, "config", "--global", "credential."+srv.URL+".helper", fmt.Sprintf("!%s --config %s git-credential", alone, cfg))
	git(t, home, env, "config", "--global", "user.email", "a@example.test")
	git(t, home, env, "config", "--global", "user.name", "A")
	work := filepath.Join(t.TempDir(), "work")
	git(t, filepath.Dir(work), env, "clone", "-q", srv.URL+"/repo.git", work)
	git(t, work, env, "commit", "-q", "--allow-empty", "-m", "a")
	git(t, work, env, "push", "-q", "origin", "HEAD:main")
	if !containsString(*seen, "oauth2:"+current(t, "tools")) {
		t.Errorf("the git server never saw the token with the default user name")
	}
	for _, e := range d.env { // kubectl passes its environment to the plugin
		if k, v, _ := strings.Cut(e, "="); k == "XDG_RUNTIME_DIR" {
			t.Setenv(k, v)
		}
	}
	kubectl, _ := kubeAPI(t, "tools", alone, cfg)
	if out := kubectl(); !strings.Contains(out, "v1.32.0-tokentray-test") {
		t.Errorf("kubectl: %s", out)
	}

	// erase (git saw a 401): the tray renews at once.
	before := provider.Count("refresh_token")
	if r := run(alone, gitReq, nil, "git-credential", "erase"); r.code != 0 || r.stdout+r.stderr != "" {
		t.Errorf("erase: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	if provider.Count("refresh_token") != before+1 {
		t.Error("erase did not renew the token")
	}

	// What it does not answer itself, it hands over: here, to nothing.
	for _, args := range [][]string{{"status"}, {"token", "--help"}, {"--json", "token"}} {
		if r := run(alone, "", nil, args...); r.code != 1 || !strings.Contains(r.stderr, "tokentray-agent is missing next to") {
			t.Errorf("%v: exit %d, stderr %q; want a hand-over", args, r.code, r.stderr)
		}
	}
}

// TestOlderTray: after an upgrade the tray from before may still run, and
// it does not know the git request. tokentray must then not get a token
// from it — an older tray answers an unknown field by handing out the
// default profile's token, for any host — but run the request itself, as
// it does inspect. The older tray is a stand-in on the control socket that
// answers a token request with a token and every other request as trays
// before KindUnknownOp answered one they did not know (fault injection:
// the old binary is not built here).
func TestOlderTray(t *testing.T) {
	testkit.RequireSecretService(t)
	cfg, _ := toolsProfile(t, "older", "git_urls = [\"https://git.example.test/\"]\n", time.Hour)
	run := t.TempDir()
	if err := os.Mkdir(filepath.Join(run, "tokentray"), 0o700); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("unix", filepath.Join(run, "tokentray", "control.sock"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	var mu sync.Mutex
	var asked []string
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			var req struct {
				Op string `json:"op"`
			}
			_ = json.NewDecoder(c).Decode(&req)
			mu.Lock()
			asked = append(asked, req.Op)
			mu.Unlock()
			answer := map[string]any{"done": true,
				"error": map[string]string{"kind": "usage", "msg": fmt.Sprintf("%q needs the tray, and none is running", req.Op)}}
			switch req.Op {
			case "token": // what it knows: the default profile's token, whatever else the request says
				answer = map[string]any{"done": true, "token": map[string]string{"access_token": "THE-DEFAULT-PROFILES-TOKEN", "token_type": "Bearer"}}
			case "import": // it imported anything, with no signature to judge
				answer = map[string]any{"done": true, "lines": []string{"corp: sign-in at https://id.example.test"}, "sum": "x", "names": []string{"corp"}}
			}
			_ = json.NewEncoder(c).Encode(answer)
			c.Close()
		}
	}()
	env := []string{"XDG_RUNTIME_DIR=" + run}
	for _, c := range []struct{ name, host, want string }{
		{"another host", "github.com", ""},
		{"a profile's host", "git.example.test", "username=oauth2\npassword=" + current(t, "older") + "\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command(binary, "--config", cfg, "git-credential", "get")
			cmd.Env = append(os.Environ(), env...)
			cmd.Stdin = strings.NewReader("protocol=https\nhost=" + c.host + "\npath=x.git\n\n")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := testkit.Bounded(cmd, time.Minute)
			if got, _, _ := strings.Cut(string(out), "password_expiry_utc="); err != nil || got != c.want {
				t.Errorf("git-credential get for %s: %v, %s; want %s\n%s", c.host, err, testkit.Redact(got), testkit.Redact(c.want), stderr.Bytes())
			}
		})
	}
	if r := tokentray(t, cfg, env, "inspect", "older"); r.code != 0 || !strings.Contains(r.stdout, "Claims of the access token") {
		t.Errorf("inspect: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// An import the older tray would have made unchecked is judged here.
	lookalike := filepath.Join(t.TempDir(), "it.toml")
	if err := os.WriteFile(lookalike, []byte("[profile.corp]\nissuer = \"https://id.example.test\"\nclient_id = \"c\"\ngit_urls = [\"https://git.evil.test/\"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := tokentray(t, cfg, env, "profiles", "import", "--yes", lookalike); r.code != 2 || !strings.Contains(r.stderr, "(git_urls)") {
		t.Errorf("import beside an older tray: exit %d: %s", r.code, r.stderr)
	}
	mu.Lock()
	defer mu.Unlock()
	if got := " " + strings.Join(asked, " ") + " "; strings.Contains(got, " import ") || !strings.Contains(got, " import2 ") {
		t.Errorf("the older tray was asked %q: an import it does not judge", got)
	}
	if got := strings.Join(asked, " "); !strings.Contains(got, "gittoken") || !strings.Contains(got, "inspect") {
		t.Errorf("the older tray was asked %q; the test shows nothing unless it was asked first", got)
	}
}

func TestInspect(t *testing.T) {
	testkit.RequireSecretService(t)
	cfg, _ := toolsProfile(t, "look", "scopes = [\"read\", \"write\"]\n", time.Hour)
	tok := current(t, "look")
	r := tokentray(t, cfg, nil, "inspect", "look")
	for _, want := range []string{"issuer", "grant", "authorization_code", "audience", "https://api.example.test", "jwt, valid until",
		"NOT verified", "jti", "exp"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("inspect does not show %q:\n%s", want, r.stdout)
		}
	}
	j := tokentray(t, cfg, nil, "inspect", "look", "--json")
	var in struct {
		TokenFormat    string         `json:"token_format"`
		Claims         map[string]any `json:"claims"`
		ClaimsVerified bool           `json:"claims_verified"`
		Grant          string         `json:"grant"`
	}
	if err := json.Unmarshal([]byte(j.stdout), &in); err != nil || in.TokenFormat != "jwt" || in.ClaimsVerified || in.Claims["sub"] != "user-1" || in.Grant != "authorization_code" {
		t.Errorf("inspect --json: %v %s", err, j.stdout)
	}
	for _, out := range []string{r.stdout, r.stderr, j.stdout, j.stderr} {
		if strings.Contains(out, tok) {
			t.Error("inspect printed the token")
		}
	}
}

// A tray that stops answering (SIGSTOP; a hung one alike) holds no command
// up: the kernel still accepts the connection, but no ack comes, and
// within seconds the command does the work itself — the small front (for
// tools) and the full program alike. The tray, let go, answers again.
func TestStoppedTray(t *testing.T) {
	testkit.RequireSecretService(t)
	cfg, _ := toolsProfile(t, "stopped", "", time.Hour)
	tok := current(t, "stopped")
	d := newDesktop(t, cfg)
	tray, _ := d.tray(t)
	if err := tray.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	defer tray.cmd.Process.Signal(syscall.SIGCONT)
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"token (the small front)", []string{"token", "stopped"}, tok + "\n"},
		{"status (the full program)", []string{"status"}, "stopped"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := d.cli(t, c.args...)
			if r.code != 0 || !strings.Contains(r.stdout, c.want) {
				t.Errorf("exit %d, stdout %s: %s", r.code, testkit.Redact(r.stdout), r.stderr)
			}
			// The ack's wait, the work, and a start of the full program.
			if r.took > 2*control.AckTimeout {
				t.Errorf("took %s with the tray stopped", r.took.Round(time.Millisecond))
			}
		})
	}
	t.Run("doctor", func(t *testing.T) {
		r := d.cli(t, "doctor")
		if !strings.Contains(r.stdout, "running, but it does not answer (stopped or hung)") || r.took > 4*control.AckTimeout {
			t.Errorf("doctor took %s:\n%s", r.took.Round(time.Millisecond), r.stdout)
		}
	})
	if err := tray.cmd.Process.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	if r := d.cli(t, "token", "stopped"); r.code != 0 || r.stdout != tok+"\n" || r.took > control.AckTimeout {
		t.Errorf("after SIGCONT: exit %d in %s: %s", r.code, r.took, r.stderr)
	}
}
