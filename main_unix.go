//go:build unix

package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

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
	config := c.Config
	if config == "" {
		var err error
		if config, err = control.DefaultConfig(); err != nil {
			return false, false, nil
		}
	}
	if abs, err := filepath.Abs(config); err == nil {
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
	tok, err := quick.Ask(req)
	var failed *control.Error
	switch {
	case errors.As(err, &failed):
		if failed.Profile == "" {
			failed.Profile = c.Profile
		}
		fail(failed)
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

// handOver replaces this process with the full program next to it, with
// the same arguments and environment; stdin, what was already read from
// standard input, is put back in front of it.
func handOver(stdin []byte) {
	exe, err := os.Executable()
	if err == nil {
		exe, err = filepath.EvalSymlinks(exe)
	}
	if err != nil {
		fail(&control.Error{Kind: control.KindOther, Msg: "find where tokentray is installed: " + err.Error()})
	}
	agent := filepath.Join(filepath.Dir(exe), "tokentray-agent")
	if stdin != nil {
		if err := refeed(stdin); err != nil {
			fail(&control.Error{Kind: control.KindOther, Msg: "hand git's request on: " + err.Error()})
		}
	}
	err = syscall.Exec(agent, os.Args, os.Environ())
	fmt.Fprintf(os.Stderr, "tokentray: tokentray-agent is missing next to %s: install tokentray again.\n  %v\n", exe, err)
	os.Exit(1)
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
