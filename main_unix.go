//go:build unix

package main

import (
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
		var done bool
		done, stdin = answer(c)
		if done {
			os.Exit(0)
		}
	}
	handOver(stdin)
}

// answer answers c from a running tray; done is false when the full
// program must (no tray, an error to explain), and stdin is what was read
// from standard input by then.
func answer(c quick.Command) (done bool, stdin []byte) {
	config := c.Config
	if config == "" {
		var err error
		if config, err = control.DefaultConfig(); err != nil {
			return false, nil
		}
	}
	if abs, err := filepath.Abs(config); err == nil {
		config = abs
	}
	req := control.Request{Op: control.OpToken, Config: config, Profile: c.Profile, MinValid: c.MinValid}
	if c.Name == "git-credential" {
		git, raw, err := quick.ReadGitRequest(os.Stdin)
		if err != nil || c.GitOp == "store" {
			return c.GitOp == "store", raw // store: nothing to keep
		}
		stdin, req.GitURL = raw, quick.GitURL(git)
		if c.GitOp == "erase" {
			// git saw a 401: renew now, whatever the token's lifetime.
			req.MinValid = 1 << 62
		}
	}
	tok, err := quick.Ask(req)
	if err != nil {
		return false, stdin
	}
	if tok == nil || c.GitOp == "erase" {
		return true, nil // a URL no profile holds: git asks its next helper
	}
	switch c.Name {
	case "token":
		err = quick.PrintToken(os.Stdout, os.Stderr, *tok, c.Header, c.JSON)
	case "git-credential":
		err = quick.PrintGit(os.Stdout, os.Stderr, *tok)
	case "kubectl-credential":
		err = quick.PrintExecCredential(os.Stdout, os.Stderr, os.Getenv("KUBERNETES_EXEC_INFO"), *tok)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "tokentray: The answer could not be written: %v\n", err)
		os.Exit(1)
	}
	return true, nil
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
		fmt.Fprintf(os.Stderr, "tokentray: Cannot find where tokentray is installed: %v\n", err)
		os.Exit(1)
	}
	agent := filepath.Join(filepath.Dir(exe), "tokentray-agent")
	if stdin != nil {
		// At most quick.MaxGitRequest bytes: a pipe holds them without a
		// reader, so the write cannot block.
		var p [2]int
		if err := syscall.Pipe(p[:]); err == nil {
			_, _ = syscall.Write(p[1], stdin)
			_ = syscall.Close(p[1])
			_ = syscall.Close(0)
			_, _ = syscall.Dup(p[0]) // the lowest free descriptor: 0
			_ = syscall.Close(p[0])
		}
	}
	err = syscall.Exec(agent, os.Args, os.Environ())
	fmt.Fprintf(os.Stderr, "tokentray: tokentray-agent is missing next to %s: install tokentray again.\n  %v\n", exe, err)
	os.Exit(1)
}
