//go:build unix

// Command tokentray-front is what the packages for Linux (and macOS) ship
// as tokentray: the front of the full program. git, kubectl and scripts
// run `tokentray token`, `git-credential` and `kubectl-credential` once
// per operation, and a running tray answers those in well under a
// millisecond — starting the full program, with its hundred package
// inits, would be most of the time each call takes. So this small static
// program answers them from the tray itself (internal/quick) and replaces
// itself with the full program next to it for anything else, --help and
// --version included.
//
// The full program is the module's root package. The packages install it
// as tokentray-agent beside this one; `go install ./...` installs it as
// tokentray beside this one as tokentray-front: the front takes the first
// of the two names next to it that is not itself (see handOver). Windows
// has no exec: a hand-over would start a second process, Windows' slowest
// step, so there tokentray.exe is the full program and this one is not
// built.
package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"github.com/tokentray/tokentray/defaults"
	"github.com/tokentray/tokentray/internal/control"
	"github.com/tokentray/tokentray/internal/quick"
)

func main() {
	var stdin []byte
	if c, ok := quick.Parse(quick.Args(os.Args), os.Getenv("TOKENTRAY_DEBUG") != ""); ok {
		var done, silent bool
		done, silent, stdin = answer(c)
		if done {
			os.Exit(0)
		}
		if silent {
			// Asked once, silent: the full program need not wait again.
			os.Setenv(quick.SilentTray, "1")
		}
	}
	handOver(stdin)
}

// answer answers c from a running tray; done is false when the full
// program must (no tray that serves this profile file; silent: one that
// does not answer), and stdin is what was read from standard input by
// then.
func answer(c quick.Command) (done, silent bool, stdin []byte) {
	remote := control.RemoteSocket()
	config := c.Config
	if config == "" {
		var err error
		// Asked through TOKENTRAY_SOCKET, the tray there answers for its
		// own profile file: none is needed here.
		if config, err = defaults.ConfigFile(); err != nil && remote == "" {
			return false, false, nil
		}
	}
	if abs, err := filepath.Abs(config); err == nil && config != "" {
		config = abs
	}
	req := control.Request{Op: control.OpToken, Config: config, Profile: c.Profile, MinValid: c.MinValid}
	if c.Name == "git-credential" {
		git, raw, err := quick.ReadGitRequest(os.Stdin)
		if err != nil {
			fail(&control.Error{Kind: control.KindOther, Msg: err.Error()})
		}
		if c.GitOp == "store" {
			return true, false, nil // nothing to keep
		}
		stdin, req.Op, req.GitURL = raw, control.OpGitToken, quick.GitURL(git)
		if c.GitOp == "erase" {
			// git saw a 401: renew now, whatever the token's lifetime.
			req.MinValid = 1 << 62
		}
	}
	var tok *control.Token
	var err error
	if remote != "" {
		tok, err = quick.AskAt(remote, req, func(s string) { fmt.Fprintln(os.Stderr, "tokentray: "+control.Printable(s)) })
	} else {
		tok, err = quick.Ask(req)
	}
	var failed *control.Error
	switch {
	case errors.As(err, &failed):
		if failed.Profile == "" {
			failed.Profile = c.Profile
		}
		fail(failed)
	case err != nil && remote != "":
		// Only that socket may answer: nothing here holds a sign-in, and
		// the full program would say the same after asking again.
		fail(&control.Error{Kind: control.KindNoTray, Msg: fmt.Sprintf("%s: %v", control.SocketEnv, err)})
	case err != nil:
		return false, errors.Is(err, quick.ErrSilent), stdin
	case tok == nil || c.GitOp == "erase":
		return true, false, nil // a URL no profile holds: git asks its next helper
	}
	switch c.Name {
	case "token":
		err = quick.PrintToken(os.Stdout, os.Stderr, *tok, c.MinValid, c.Header, c.JSON)
	case "git-credential":
		err = quick.PrintGit(os.Stdout, os.Stderr, *tok)
	case "kubectl-credential":
		err = quick.PrintExecCredential(os.Stdout, os.Stderr, os.Getenv("KUBERNETES_EXEC_INFO"), *tok)
	}
	if err != nil {
		fail(&control.Error{Kind: control.KindOther, Msg: err.Error()})
	}
	return true, false, nil
}

// fail says e as the full program says it and exits with its code.
func fail(e *control.Error) {
	control.Report(os.Stderr, e)
	os.Exit(control.ExitCode(e.Kind))
}

// agents are the names the full program has next to this one, in order:
// tokentray-agent as the packages install it, tokentray as
// `go install ./...` does (with this one as tokentray-front).
var agents = []string{"tokentray-agent", "tokentray"}

// handOver replaces this process with the full program next to it, with
// the same arguments and environment; stdin, what was already read from
// standard input, is put back in front of it. Only next to it: a program
// of that name elsewhere on PATH is not ours to run.
func handOver(stdin []byte) {
	exe, err := os.Executable()
	if err == nil {
		exe, err = filepath.EvalSymlinks(exe)
	}
	if err != nil {
		fail(&control.Error{Kind: control.KindOther, Msg: "find where tokentray is installed: " + err.Error()})
	}
	agent := fullProgram(exe)
	if stdin != nil {
		if err := refeed(stdin); err != nil {
			fail(&control.Error{Kind: control.KindOther, Msg: "hand git's request on: " + err.Error()})
		}
	}
	err = syscall.Exec(agent, os.Args, os.Environ())
	fmt.Fprintf(os.Stderr, "tokentray: tokentray-agent is missing next to %s: install tokentray again.\n  %v\n", exe, err)
	os.Exit(1)
}

// fullProgram is the first of agents in exe's directory that is not exe
// itself (the packages name the front tokentray: handing over to itself
// would never end); tokentray-agent when there is none, for the error to
// name.
func fullProgram(exe string) string {
	self, err := os.Stat(exe)
	for _, name := range agents {
		path := filepath.Join(filepath.Dir(exe), name)
		if fi, serr := os.Stat(path); err == nil && serr == nil && !fi.IsDir() && !os.SameFile(self, fi) {
			return path
		}
	}
	return filepath.Join(filepath.Dir(exe), agents[0])
}

// refeed makes standard input a pipe that holds b and then ends. b is at
// most quick.MaxGitRequest bytes, which an empty pipe holds without a
// reader; the write does not block if it would not.
func refeed(b []byte) error {
	var p [2]int
	if err := syscall.Pipe(p[:]); err != nil {
		return err
	}
	if err := syscall.SetNonblock(p[1], true); err != nil {
		return err
	}
	n, err := syscall.Write(p[1], b)
	_ = syscall.Close(p[1])
	if err == nil && n < len(b) {
		err = fmt.Errorf("the pipe took %d of %d bytes", n, len(b))
	}
	if err != nil {
		return err
	}
	if p[0] == 0 { // standard input was closed: the pipe is it already
		return nil
	}
	_ = syscall.Close(0)
	fd, err := syscall.Dup(p[0]) // the lowest free descriptor: 0
	_ = syscall.Close(p[0])
	if err == nil && fd != 0 {
		err = fmt.Errorf("standard input became descriptor %d", fd)
	}
	return err
}
