// The laptop's sign-in used elsewhere (issue 30 item 2): the tray's
// forwarding socket reached from a server through a real `ssh -R` (Debian's
// sshd on loopback, a second local user with key authentication), and from
// a container (bubblewrap) it is mounted into. TOKENTRAY_SOCKET names it
// there; nothing of the sign-in but the access token crosses.
package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth/keychain"
	"github.com/tokentray/tokentray/internal/testkit"
)

// sshServer is Debian's sshd on a loopback port, and a local user of its
// own to log in as with a key: the "server" a developer works on.
type sshServer struct {
	port       int
	user, home string
	key        string // the client's private key
	bin        string // the user's bin directory, where tokentray is installed
	log        *syncWriter
}

// startSSHServer makes the user (removed again at the end) and starts
// sshd for it.
func startSSHServer(t *testing.T) *sshServer {
	t.Helper()
	if os.Getuid() != 0 {
		t.Fatal("the SSH test needs root: it adds a local user and runs sshd (CI runs as root)")
	}
	for _, tool := range []string{"/usr/sbin/sshd", "ssh", "ssh-keygen", "useradd", "userdel"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed; `make test-deps` installs openssh-server", tool)
		}
	}
	s := &sshServer{port: testkit.FreePort(t), user: fmt.Sprintf("tt-ssh-%d", os.Getpid()), log: &syncWriter{w: &bytes.Buffer{}}}
	home, err := os.MkdirTemp("", "tokentray-server-home")
	if err != nil {
		t.Fatal(err)
	}
	s.home, s.bin = home, filepath.Join(home, "bin")
	t.Cleanup(func() { os.RemoveAll(home) })
	// '*': no password, but not a locked account (sshd refuses '!').
	if out, err := testkit.Bounded(exec.Command("useradd", "-M", "-d", home, "-s", "/bin/sh", "-p", "*", s.user), time.Minute); err != nil {
		t.Fatalf("useradd: %v: %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := testkit.Bounded(exec.Command("userdel", s.user), time.Minute); err != nil {
			t.Errorf("userdel %s: %v: %s", s.user, err, out)
		}
	})
	u, err := user.Lookup(s.user)
	if err != nil {
		t.Fatal(err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)

	keys := t.TempDir()
	s.key = filepath.Join(keys, "client")
	for _, k := range []string{s.key, filepath.Join(keys, "host")} {
		if out, err := testkit.Bounded(exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", k), time.Minute); err != nil {
			t.Fatalf("ssh-keygen: %v: %s", err, out)
		}
	}
	pub, err := os.ReadFile(s.key + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{filepath.Join(home, ".ssh"), s.bin} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(home, ".ssh", "authorized_keys"), pub, 0o600); err != nil {
		t.Fatal(err)
	}
	// The programs a server has: tokentray as the packages install it, the
	// small front and the full program next to it.
	for name, from := range map[string]string{"tokentray": binary, "tokentray-agent": filepath.Join(filepath.Dir(binary), "tokentray-agent")} {
		b, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(s.bin, name), b, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	err = filepath.WalkDir(home, func(p string, _ fs.DirEntry, err error) error {
		if err == nil {
			err = os.Lchown(p, uid, gid)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(home, 0o755); err != nil {
		t.Fatal(err)
	}

	conf := filepath.Join(keys, "sshd_config")
	err = os.WriteFile(conf, fmt.Appendf(nil, `Port %d
ListenAddress 127.0.0.1
HostKey %s
PidFile none
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
AuthorizedKeysFile .ssh/authorized_keys
AllowUsers %s
AllowStreamLocalForwarding yes
StreamLocalBindUnlink yes
PrintMotd no
`, s.port, filepath.Join(keys, "host"), s.user), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	_ = os.MkdirAll("/run/sshd", 0o755) // its privilege separation directory
	sshd := exec.Command("/usr/sbin/sshd", "-D", "-e", "-f", conf)
	sshd.Stdout, sshd.Stderr = s.log, s.log
	if err := sshd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = sshd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = sshd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = sshd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("sshd's log:\n%s", s.logText())
		}
	})
	testkit.Eventually(t, 10*time.Second, "sshd does not listen", func() bool {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", s.port))
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	return s
}

func (s *sshServer) logText() string {
	s.log.mu.Lock()
	defer s.log.mu.Unlock()
	return s.log.w.String()
}

// ssh is the ssh command line for the server, with extra options before
// the destination and the remote command after it.
func (s *sshServer) ssh(opts []string, remote string) *exec.Cmd {
	args := []string{"-F", "/dev/null", "-i", s.key, "-p", strconv.Itoa(s.port),
		"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
		"-o", "LogLevel=ERROR", "-o", "ExitOnForwardFailure=yes"}
	args = append(append(args, opts...), s.user+"@127.0.0.1")
	if remote != "" {
		args = append(args, remote)
	}
	return exec.Command("ssh", args...)
}

// run runs a shell command on the server, forwarding the socket local to
// the server's remote for its duration when local is set.
func (s *sshServer) run(t *testing.T, local, remote, stdin, script string) result {
	t.Helper()
	r, err := s.try(local, remote, stdin, script)
	if err != nil {
		t.Fatalf("ssh %s: %v", script, err)
	}
	return r
}

// try is run without the test: it may run in another goroutine.
func (s *sshServer) try(local, remote, stdin, script string) (result, error) {
	var opts []string
	if local != "" {
		opts = []string{"-R", remote + ":" + local}
	}
	cmd := s.ssh(opts, script)
	cmd.Stdin = strings.NewReader(stdin)
	return capture(cmd, time.Minute+askWait)
}

// askWait is as long as the tray's question stands (app.askFor) and a bit.
const askWait = 70 * time.Second

// forward holds an ssh connection open that forwards local to the
// server's remote (`ssh -N -R`), until stop.
type forward struct {
	cmd  *exec.Cmd
	done chan struct{}
}

func (s *sshServer) forward(t *testing.T, local, remote string) *forward {
	t.Helper()
	_ = os.Remove(remote) // a socket left from an earlier connection would be there already
	cmd := s.ssh([]string{"-N", "-R", remote + ":" + local}, "")
	var errb syncWriter
	errb.w = &bytes.Buffer{}
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	f := &forward{cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(f.done) }()
	t.Cleanup(f.stop)
	testkit.Eventually(t, 20*time.Second, "ssh -N -R made no socket on the server", func() bool {
		fi, err := os.Stat(remote)
		return err == nil && fi.Mode()&fs.ModeSocket != 0
	})
	return f
}

func (f *forward) stop() {
	_ = f.cmd.Process.Kill()
	<-f.done
}

// outcome is a command's result, or why it could not be run.
type outcome struct {
	result
	err error
}

// background runs f in another goroutine; waitResult waits for its end.
func background(f func() (result, error)) <-chan outcome {
	ch := make(chan outcome, 1)
	go func() {
		r, err := f()
		ch <- outcome{r, err}
	}()
	return ch
}

func waitResult(t *testing.T, ch <-chan outcome) result {
	t.Helper()
	select {
	case o := <-ch:
		if o.err != nil {
			t.Fatal(o.err)
		}
		return o.result
	case <-time.After(askWait + time.Minute):
		t.Fatal("the command did not end")
	}
	return result{}
}

// relay passes connections from its own socket to target, keeping every
// byte that crosses, either way: what went over the wire.
type relay struct {
	path string
	mu   sync.Mutex
	seen bytes.Buffer
}

func startRelay(t *testing.T, target string) *relay {
	t.Helper()
	r := &relay{path: filepath.Join(t.TempDir(), "relay.sock")}
	testkit.ServeUnix(t, r.path, func(c net.Conn) {
		defer c.Close()
		up, err := net.Dial("unix", target)
		if err != nil {
			return
		}
		defer up.Close()
		done := make(chan struct{}, 2)
		pipe := func(dst, src net.Conn) {
			_, _ = io.Copy(io.MultiWriter(dst, r), src)
			if uc, ok := dst.(*net.UnixConn); ok {
				_ = uc.CloseWrite()
			}
			done <- struct{}{}
		}
		go pipe(up, c)
		go pipe(c, up)
		<-done
		<-done
	})
	return r
}

func (r *relay) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.seen.Write(p)
}

func (r *relay) bytes() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return bytes.Clone(r.seen.Bytes())
}

// laptop is the laptop's side: a profile signed in with a client secret
// and a refresh token, and its tray running.
type laptop struct {
	d       *desktop
	it      testkit.Item
	tray    *resident
	config  string
	fwd     string // the tray's forwarding socket
	secret  string
	refresh string
}

const forwardedProfile = "work"

func startLaptop(t *testing.T, forwarded string) *laptop {
	t.Helper()
	testkit.RequireSecretService(t)
	forget(t, forwardedProfile)
	srv := testkit.NewOAuthServer(t, "basic")
	l := &laptop{secret: srv.Secret}
	body := fmt.Sprintf("forwarded = %q\n[profile.%s]\nauth_url = %q\ntoken_url = %q\nclient_id = %q\nclient_auth = \"basic\"\ngit_urls = [\"https://git.example.test/\"]\ngit_username = \"x-access-token\"\n",
		forwarded, forwardedProfile, srv.URL+"/authorize", srv.URL+"/token", srv.ClientID)
	l.config = writeConfig(t, body)
	setSecret(t, l.config, forwardedProfile, srv.Secret)
	// Not left for the next test's profile of the same name: a secret
	// saved for other settings is refused there ("saved for other
	// settings"), and TestTray's sign-in failed after this one.
	t.Cleanup(func() { _ = keychain.NewStore().DeleteSecret(forwardedProfile) })
	if r := loginNoBrowser(t, l.config, forwardedProfile); r.code != 0 {
		t.Fatalf("login: exit %d: %s %v", r.code, r.stderr, srv.Rejections())
	}
	rec, err := keychain.NewStore().Load(forwardedProfile)
	if err != nil || rec.RefreshToken == "" {
		t.Fatalf("the sign-in left no refresh token to watch for: %v", err)
	}
	l.refresh = rec.RefreshToken
	l.d = newDesktop(t, l.config)
	l.tray, l.it = l.d.tray(t)
	l.fwd = filepath.Join(l.d.run, "tokentray", "forward.sock")
	testkit.Eventually(t, 10*time.Second, "the tray made no forwarding socket", func() bool {
		fi, err := os.Stat(l.fwd)
		return err == nil && fi.Mode()&fs.ModeSocket != 0
	})
	return l
}

// setForwarded rewrites the profile file's forwarded setting; the tray
// reads the file again at the next request.
func (l *laptop) setForwarded(t *testing.T, value string) {
	t.Helper()
	b, err := os.ReadFile(l.config)
	if err != nil {
		t.Fatal(err)
	}
	line, rest, _ := strings.Cut(string(b), "\n")
	if !strings.HasPrefix(line, "forwarded = ") {
		t.Fatalf("the profile file starts with %q", line)
	}
	if err := os.WriteFile(l.config, []byte(fmt.Sprintf("forwarded = %q\n", value)+rest), 0o600); err != nil {
		t.Fatal(err)
	}
}

// noSecrets fails if the refresh token or the client secret is in any of
// texts, which are named by where they come from.
func (l *laptop) noSecrets(t *testing.T, where string, text []byte) {
	t.Helper()
	for name, s := range map[string]string{"the refresh token": l.refresh, "the client secret": l.secret} {
		if bytes.Contains(text, []byte(s)) {
			t.Errorf("%s is in %s", name, where)
		}
	}
}

// askedFor counts the tray's questions about forwardedProfile so far.
func (l *laptop) askedFor() int {
	n := 0
	for _, note := range l.d.host.Notifications() {
		if strings.Contains(note.Summary, "asks for the access token of "+forwardedProfile) {
			n++
		}
	}
	return n
}

func TestServerOverSSH(t *testing.T) {
	srv := startSSHServer(t)
	l := startLaptop(t, "answer")
	remote := filepath.Join(srv.home, ".tokentray.sock")
	env := "TOKENTRAY_SOCKET=" + remote + " "
	tokentrayThere := env + srv.bin + "/tokentray"

	t.Run("the server prints the laptop's token, and only it crosses", func(t *testing.T) {
		wire := startRelay(t, l.fwd)
		tok := current(t, forwardedProfile)
		r := srv.run(t, wire.path, remote, "", tokentrayThere+" token "+forwardedProfile)
		if r.code != 0 || r.stdout != tok+"\n" {
			t.Fatalf("token on the server: exit %d, stdout %s, want %s\n%s", r.code, testkit.Redact(r.stdout), testkit.Redact(tok+"\n"), r.stderr)
		}
		// The default profile, as the laptop's tray knows it: the server
		// has no profile file.
		if r := srv.run(t, wire.path, remote, "", tokentrayThere+" token --header"); r.code != 0 || r.stdout != "Authorization: Bearer "+tok+"\n" {
			t.Errorf("token --header: exit %d, %s: %s", r.code, testkit.Redact(r.stdout), r.stderr)
		}
		// git on the server, with tokentray as its credential helper.
		git := fmt.Sprintf("HOME=%s GIT_TERMINAL_PROMPT=0 git -c credential.helper= -c 'credential.helper=!%s git-credential' credential fill", srv.home, tokentrayThere)
		r = srv.run(t, wire.path, remote, "protocol=https\nhost=git.example.test\n\n", git)
		if r.code != 0 || !strings.Contains(r.stdout, "\nusername=x-access-token\npassword="+tok+"\n") {
			t.Errorf("git credential fill on the server: exit %d, %s: %s", r.code, testkit.Redact(r.stdout), r.stderr)
		}
		r = srv.run(t, wire.path, remote, "", tokentrayThere+" kubectl-credential "+forwardedProfile)
		var cred struct {
			Kind   string
			Status struct{ Token string }
		}
		if err := json.Unmarshal([]byte(r.stdout), &cred); r.code != 0 || err != nil || cred.Kind != "ExecCredential" || cred.Status.Token != tok {
			t.Errorf("kubectl-credential on the server: exit %d, %v: %s", r.code, err, r.stderr)
		}
		// exec and the full program on its own: the same socket, no
		// profile file.
		r = srv.run(t, wire.path, remote, "", tokentrayThere+` exec -- sh -c 'printf %s "$TOKENTRAY_ACCESS_TOKEN"'`)
		if r.code != 0 || r.stdout != tok {
			t.Errorf("exec on the server: exit %d, %s: %s", r.code, testkit.Redact(r.stdout), r.stderr)
		}
		r = srv.run(t, wire.path, remote, "", env+srv.bin+"/tokentray-agent token "+forwardedProfile)
		if r.code != 0 || r.stdout != tok+"\n" {
			t.Errorf("the full program on the server: exit %d, %s: %s", r.code, testkit.Redact(r.stdout), r.stderr)
		}
		seen := wire.bytes()
		if !bytes.Contains(seen, []byte(tok)) {
			t.Fatal("the relay saw no access token: it watched the wrong wire")
		}
		l.noSecrets(t, "what crossed the forwarded socket", seen)
	})

	t.Run("ask: Allow holds for the connection", func(t *testing.T) {
		l.setForwarded(t, "ask")
		tok := current(t, forwardedProfile)
		fw := srv.forward(t, l.fwd, remote)
		before := l.askedFor()
		ch := background(func() (result, error) { return srv.try("", "", "", tokentrayThere+" token "+forwardedProfile) })
		note := l.d.host.WaitNotification(t, 0, "ssh "+srv.user+"@127.0.0.1 asks for the access token of "+forwardedProfile, 20*time.Second)
		if len(note.Actions) == 0 {
			t.Errorf("the question cannot be clicked: %+v", note)
		}
		testkit.Eventually(t, 10*time.Second, "the menu does not ask", func() bool { return hasItem(t, l.it, "Allow ssh "+srv.user) })
		if !hasItem(t, l.it, "Refuse ssh "+srv.user) {
			t.Errorf("the menu cannot refuse: %s", menuNow(t, l.it))
		}
		l.it.Click(t, "Allow ssh "+srv.user)
		r := waitResult(t, ch)
		if r.code != 0 || r.stdout != tok+"\n" || !strings.Contains(r.stderr, "Asking at your tray first") {
			t.Fatalf("token after Allow: exit %d, %s: %s", r.code, testkit.Redact(r.stdout), r.stderr)
		}
		// Asked once per connection: the next request is answered at once.
		r = srv.run(t, "", "", "", tokentrayThere+" token "+forwardedProfile)
		if r.code != 0 || r.stdout != tok+"\n" || strings.Contains(r.stderr, "Asking") {
			t.Errorf("a second request on the allowed connection: exit %d, %s: %s", r.code, testkit.Redact(r.stdout), r.stderr)
		}
		if n := l.askedFor() - before; n != 1 {
			t.Errorf("%d questions for two requests on one connection, want 1", n)
		}
		if hasItem(t, l.it, "Allow ") {
			t.Errorf("the question stays in the menu after the answer: %s", menuNow(t, l.it))
		}

		t.Log("a new connection asks again; a click on the notification allows it")
		fw.stop()
		fw = srv.forward(t, l.fwd, remote)
		ch = background(func() (result, error) { return srv.try("", "", "", tokentrayThere+" token "+forwardedProfile) })
		note = l.d.host.WaitNotification(t, len(l.d.host.Notifications()), "asks for the access token of "+forwardedProfile, 20*time.Second)
		l.d.host.Click(t, note)
		if r := waitResult(t, ch); r.code != 0 || r.stdout != tok+"\n" {
			t.Errorf("token after the notification was clicked: exit %d, %s: %s", r.code, testkit.Redact(r.stdout), r.stderr)
		}

		t.Log("Refuse holds for the connection too")
		fw.stop()
		srv.forward(t, l.fwd, remote)
		ch = background(func() (result, error) { return srv.try("", "", "", tokentrayThere+" token "+forwardedProfile) })
		testkit.Eventually(t, 20*time.Second, "the menu does not ask", func() bool { return hasItem(t, l.it, "Refuse ssh "+srv.user) })
		l.it.Click(t, "Refuse ssh "+srv.user)
		r = waitResult(t, ch)
		if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, "The tray at the other end of the socket refused this request.") ||
			!strings.Contains(r.stderr, "It was refused at the tray for this connection") {
			t.Errorf("token after Refuse: exit %d, %s: %s", r.code, testkit.Redact(r.stdout), r.stderr)
		}
		asked := l.askedFor()
		if r := srv.run(t, "", "", "", tokentrayThere+" token "+forwardedProfile); r.code != 1 || l.askedFor() != asked {
			t.Errorf("a second request on the refused connection: exit %d, %d new questions: %s", r.code, l.askedFor()-asked, r.stderr)
		}
	})

	t.Run("refuse", func(t *testing.T) {
		l.setForwarded(t, "refuse")
		asked := l.askedFor()
		r := srv.run(t, l.fwd, remote, "", tokentrayThere+" token "+forwardedProfile)
		if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, `forwarded = "refuse"`) || l.askedFor() != asked {
			t.Errorf("token with forwarded = refuse: exit %d, %s: %s", r.code, testkit.Redact(r.stdout), r.stderr)
		}
		l.setForwarded(t, "answer")
	})

	t.Run("only token requests cross", func(t *testing.T) {
		for _, args := range []string{"status", "inspect " + forwardedProfile, "logout " + forwardedProfile} {
			r := srv.run(t, l.fwd, remote, "", env+srv.bin+"/tokentray "+args)
			if r.code != 1 || !strings.Contains(r.stderr, "Only token, git-credential, kubectl-credential and exec work through the forwarding socket") {
				t.Errorf("%s on the server: exit %d: %s%s", args, r.code, r.stdout, r.stderr)
			}
		}
		if p := l.d.cli(t, "status"); !strings.Contains(p.stdout, "valid") {
			t.Errorf("the laptop is no longer signed in after the server's logout: %s%s", p.stdout, p.stderr)
		}
	})

	t.Run("the control socket forwarded by mistake", func(t *testing.T) {
		control := filepath.Join(l.d.run, "tokentray", "control.sock")
		r := srv.run(t, control, remote, "", tokentrayThere+" token "+forwardedProfile)
		if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, "This is the tray's control socket") || !strings.Contains(r.stderr, "forward forward.sock instead") {
			t.Errorf("token through the forwarded control socket: exit %d, %s: %s", r.code, testkit.Redact(r.stdout), r.stderr)
		}
	})

	t.Run("no tray on the other end", func(t *testing.T) {
		_ = os.Remove(remote)
		r := srv.run(t, "", "", "", tokentrayThere+" token "+forwardedProfile)
		if r.code != 1 || !strings.Contains(r.stderr, "No tokentray answers on the socket TOKENTRAY_SOCKET names.") {
			t.Errorf("token with no forward: exit %d: %s", r.code, r.stderr)
		}
		r = srv.run(t, "", "", "", env+srv.bin+"/tokentray-agent token "+forwardedProfile)
		if r.code != 1 || !strings.Contains(r.stderr, "No tokentray answers on the socket TOKENTRAY_SOCKET names.") {
			t.Errorf("the full program with no forward: exit %d: %s", r.code, r.stderr)
		}
	})

	t.Run("nothing of the sign-in on the server's disk or in its environment", func(t *testing.T) {
		tok := current(t, forwardedProfile)
		r := srv.run(t, l.fwd, remote, "", "env; "+tokentrayThere+" exec -- env")
		if r.code != 0 || !strings.Contains(r.stdout, "TOKENTRAY_ACCESS_TOKEN="+tok+"\n") {
			t.Fatalf("env on the server: exit %d: %s", r.code, r.stderr)
		}
		l.noSecrets(t, "the server's environment", []byte(r.stdout))
		var files int
		err := filepath.WalkDir(srv.home, func(p string, d fs.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() {
				return err
			}
			files++
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			l.noSecrets(t, p, b)
			if bytes.Contains(b, []byte(tok)) {
				t.Errorf("the access token was kept on the server's disk, in %s", p)
			}
			return nil
		})
		if err != nil || files < 3 {
			t.Fatalf("walking the server user's home: %v (%d files)", err, files)
		}
		for _, dir := range []string{".config/tokentray", ".cache/tokentray", ".local/share/tokentray"} {
			if _, err := os.Stat(filepath.Join(srv.home, dir)); err == nil {
				t.Errorf("tokentray made %s on the server", dir)
			}
		}
	})
	if strings.Contains(l.tray.output(), current(t, forwardedProfile)) {
		t.Error("the access token is in the tray's log")
	}
}

// A container this user starts, with the forwarding socket mounted into
// it and nothing else of the laptop: bubblewrap, all namespaces new (no
// network, no home, an empty root), the static tokentray alone inside.
func TestInAContainer(t *testing.T) {
	if _, err := exec.LookPath("bwrap"); err != nil {
		t.Fatal("bwrap is not installed; `make test-deps` installs bubblewrap")
	}
	l := startLaptop(t, "answer")
	tok := current(t, forwardedProfile)
	container := func(args ...string) (result, error) {
		cmd := exec.Command("bwrap", append([]string{"--unshare-all", "--die-with-parent", "--new-session", "--clearenv",
			"--uid", "1000", "--gid", "1000",
			"--ro-bind", binary, "/usr/bin/tokentray", "--bind", l.fwd, "/run/tokentray.sock",
			"--setenv", "TOKENTRAY_SOCKET", "/run/tokentray.sock", "--proc", "/proc", "--dev", "/dev",
			"/usr/bin/tokentray"}, args...)...)
		return capture(cmd, time.Minute+askWait)
	}
	run := func(args ...string) result {
		t.Helper()
		r, err := container(args...)
		if err != nil {
			t.Fatalf("bwrap: %v", err)
		}
		return r
	}
	if r := run("token", forwardedProfile); r.code != 0 || r.stdout != tok+"\n" {
		t.Fatalf("token in the container: exit %d, %s, want %s: %s", r.code, testkit.Redact(r.stdout), testkit.Redact(tok+"\n"), r.stderr)
	}
	if r := run("kubectl-credential"); r.code != 0 || !strings.Contains(r.stdout, `"token":"`+tok+`"`) {
		t.Errorf("kubectl-credential in the container: exit %d: %s", r.code, r.stderr)
	}
	t.Log("ask: the tray names the program that asks")
	l.setForwarded(t, "ask")
	ch := background(func() (result, error) { return container("token", forwardedProfile) })
	note := l.d.host.WaitNotification(t, 0, "asks for the access token of "+forwardedProfile, 20*time.Second)
	if !strings.HasPrefix(note.Summary, "tokentray (pid ") {
		t.Errorf("the question names %q, want the program in the container", note.Summary)
	}
	l.d.host.Click(t, note)
	if r := waitResult(t, ch); r.code != 0 || r.stdout != tok+"\n" {
		t.Errorf("token in the container after Allow: exit %d, %s: %s", r.code, testkit.Redact(r.stdout), r.stderr)
	}
}
