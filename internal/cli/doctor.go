package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/keychain"
	"github.com/tokentray/tokentray/auth/policy"
	"github.com/tokentray/tokentray/auth/profile"
	"github.com/tokentray/tokentray/internal/buildinfo"
	"github.com/tokentray/tokentray/internal/control"
	"github.com/tokentray/tokentray/internal/control/client"
	"github.com/tokentray/tokentray/words"
)

// finding is one line of `tokentray doctor`: what was checked, whether it
// is fine, what was seen, and the fix when it is not.
type finding struct {
	what, seen, fix string
	ok              bool
	// absent: not there, and not needed (marked –, not ✓).
	absent bool
}

// doctorOptions is what a `doctor` command line asks for: nothing more
// than the checks.
type doctorOptions struct{}

func (e *env) doctorCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "doctor",
		Short: "Check everything tokentray needs, and say how to fix what is missing",
		Long: `Check the profile file, the keychain, the desktop (session bus, tray host,
notifications, the display the clipboard and windows need, browser opener),
the window program (tokentray-window, next to tokentray), each profile's
provider (reachable, TLS valid, a fixed callback port free) and whether
the tray runs. Each line says ✓, ✗ or – (absent, not needed),
and how to fix a ✗. Exits 1 when something needs fixing.`,
		Example: "  tokentray doctor",
		Args:    usage(argCount(0, 0)),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runOr(e, &doctorOptions{}, e.doctor)
		},
	}
}

// doctor checks everything tokentray needs and says how to fix what is
// missing; it exits 1 when something needs fixing.
func (e *env) doctor(*doctorOptions) error {
	ctx, cancel := context.WithTimeout(e.ctx, 30*time.Second)
	defer cancel()
	found := e.diagnose(ctx)
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	bad := 0
	for _, f := range found {
		mark := "✓"
		switch {
		case !f.ok:
			mark, bad = "✗", bad+1
		case f.absent:
			mark = "–"
		}
		fmt.Fprintf(tw, "%s %s\t%s\n", mark, f.what, control.Printable(f.seen))
		if !f.ok && f.fix != "" {
			fmt.Fprintf(tw, "  \t→ %s\n", f.fix)
		}
	}
	tw.Flush()
	if bad > 0 {
		fmt.Fprintf(e.stdout, "%d of %s %s fixing (above).\n", bad, count(len(found), "check", "checks"), plural(bad, "needs", "need"))
		return exitQuietly(control.ExitError)
	}
	fmt.Fprintln(e.stdout, "Everything tokentray needs is in place.")
	return nil
}

func (e *env) diagnose(ctx context.Context) []finding {
	var out []finding
	path, err := e.configPath()
	if err != nil {
		return []finding{{what: "profile file", seen: err.Error()}}
	}
	switch pol := policy.Current(); {
	case pol.Err != nil:
		out = append(out, finding{what: "policy", seen: pol.Err.Error(), fix: "tell your IT team: no profile file can be imported until it is fixed"})
	case pol.Where == "":
		out = append(out, finding{what: "policy", seen: "none set for this computer", ok: true, absent: true})
	default:
		seen := "from " + pol.Where
		if pol.Organization != "" {
			seen = "Managed by " + pol.Organization + ", " + seen
		}
		if pol.RequireSigned {
			seen += "; only signed profile files can be imported"
		}
		out = append(out, finding{what: "policy", seen: seen, ok: true})
	}
	if _, err := profile.LoadManaged(policy.Current()); err != nil {
		out = append(out, finding{what: "managed profiles", seen: err.Error(), fix: "tell your IT team; your own profiles keep working"})
	}
	cfg, err := e.loadConfig()
	switch {
	case errors.Is(err, os.ErrNotExist):
		out = append(out, finding{what: "profile file", seen: "none yet at " + path, fix: "import the file your IT team sent: tokentray profiles import FILE"})
	case err != nil:
		out = append(out, finding{what: "profile file", seen: err.Error(), fix: "fix the line named, or ask your IT team for a corrected file"})
	default:
		out = append(out, finding{what: "profile file", seen: fmt.Sprintf("%s (%s)", path, count(len(cfg.Names), "profile", "profiles")), ok: len(cfg.Names) > 0,
			fix: "import the file your IT team sent: tokentray profiles import FILE"})
	}
	store := keychain.NewStore()
	switch err := store.Probe(); {
	case err != nil:
		out = append(out, finding{what: "keychain", seen: err.Error(), fix: control.Explain(&control.Error{Kind: control.KindKeychain, Fix: auth.Fix(err)}).Next})
	case store.Insecure():
		// Said for as long as it is so: the person chose it, and should
		// not forget it.
		out = append(out, finding{what: "keychain", seen: store.Describe(),
			fix: "seal them again: tokentray unlock --kernel-only (or --new-passphrase, to keep sign-ins across restarts)"})
	default:
		out = append(out, finding{what: "keychain", seen: store.Describe(), ok: true})
	}
	out = append(out, desktopFindings()...)
	out = append(out, windowsFinding())
	if cfg != nil {
		// At once, each bounded on its own: one provider that hangs must
		// not use up the others' time, nor the tray's check below.
		found := make([][]finding, len(cfg.Names))
		var wg sync.WaitGroup
		for i, name := range cfg.Names {
			wg.Go(func() {
				pctx, cancel := context.WithTimeout(ctx, providerCheckTimeout)
				defer cancel()
				found[i] = profileFindings(pctx, cfg.Profiles[name], store)
			})
		}
		wg.Wait()
		for _, f := range found {
			out = append(out, f...)
		}
	}
	return append(out, e.trayFinding(path))
}

// windowsFinding says whether the window program is where the tray looks
// for it: next to this program. `go install` of tokentray alone leaves it
// out.
func windowsFinding() finding {
	f := finding{what: "windows", fix: "with Go: go install github.com/tokentray/tokentray/cmd/tokentray-window@latest (cgo, and the X11 and GL headers); the tray menu and the commands work without it"}
	exe, err := os.Executable()
	if err != nil {
		f.seen = err.Error()
		return f
	}
	if bin, err := buildinfo.WindowProgram(exe); err != nil {
		f.seen = "tokentray-window is not installed next to " + exe
	} else {
		f.ok, f.seen = true, bin
	}
	return f
}

// providerCheckTimeout bounds doctor's look at one provider.
const providerCheckTimeout = 8 * time.Second

// trayFinding says whether a tray serves the profile file at path, and
// whether it answers: a stopped one accepts connections but never acks.
func (e *env) trayFinding(path string) finding {
	cl, err := client.New(path)
	if remote := control.RemoteSocket(); remote != "" {
		cl, err = client.NewRemote(remote, path), nil
	}
	if err != nil {
		return finding{what: "tray", seen: "not running; the commands work without it", ok: true}
	}
	ctx, cancel := context.WithTimeout(e.ctx, 2*control.AckTimeout)
	defer cancel()
	switch err := cl.Ping(ctx); {
	case err == nil && cl.Remote:
		return finding{what: "tray", seen: "answers through " + control.SocketEnv + "=" + cl.Socket, ok: true}
	case err == nil:
		seen := "running"
		if fwd, err := control.ForwardSocketPath(); err == nil {
			// What a person needs for `ssh -R` (README: On a server over SSH).
			seen += "; its forwarding socket for servers and containers is " + fwd
		}
		return finding{what: "tray", seen: seen, ok: true}
	case cl.Remote:
		return finding{what: "tray", seen: "nothing answers through " + control.SocketEnv + "=" + cl.Socket + ": " + err.Error(),
			fix: "connect again with ssh -R forwarding the tray's forward.sock to that path"}
	case errors.Is(err, client.ErrNoAck):
		return finding{what: "tray", seen: "running, but it does not answer (stopped or hung)",
			fix: "quit it (or kill it) and start tokentray again; the commands work without it meanwhile"}
	}
	return finding{what: "tray", seen: "not running; the commands work without it", ok: true}
}

// profileFindings checks what a profile needs: no example values left, its
// secret, its provider reachable over valid TLS, a fixed callback port free.
func profileFindings(ctx context.Context, p *profile.Profile, store *keychain.Store) []finding {
	what := "profile " + p.Name
	if key, val := p.Placeholder(); key != "" {
		return []finding{{what: what, seen: fmt.Sprintf("%s is still the example value %q", key, val), fix: "put in what your provider gave you"}}
	}
	if p.NeedsSecret() {
		if _, err := store.Secret(p.Name, p.Binding()); err != nil {
			return []finding{{what: what, seen: "no usable secret in the keychain", fix: "tokentray secret set " + p.Name}}
		}
	}
	if err := auth.NewSession(p, auth.Options{Store: store}).Check(ctx); err != nil {
		seen := err.Error()
		if errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
			seen = fmt.Sprintf("no answer from %s within %s", p.Where(), words.Duration(providerCheckTimeout))
		}
		return []finding{{what: what, seen: seen, fix: "check the network, or the profile's addresses with your IT team"}}
	}
	f := finding{what: what, seen: p.Where() + " reachable", ok: true}
	if _, err := store.Load(p.Name); err == nil {
		f.seen += "; signed in, kept in " + store.Name()
	}
	if port := p.FixedCallbackPort(); port != "" {
		l, err := net.Listen("tcp", "127.0.0.1:"+port)
		if err != nil {
			return []finding{f, {what: what, seen: "callback port " + port + " is in use", fix: "close the program using it (often an old sign-in script)"}}
		}
		l.Close()
		f.seen += ", callback port " + port + " free"
	}
	return []finding{f}
}
