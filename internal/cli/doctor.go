package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
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
		total := strconv.Itoa(len(found))
		switch {
		case len(found) == 1:
			fmt.Fprintln(e.stdout, words.T("1 of 1 check needs fixing (above)."))
		case bad == 1:
			fmt.Fprintln(e.stdout, words.T("1 of {total} checks needs fixing (above).", "total", total))
		default:
			fmt.Fprintln(e.stdout, words.T("{bad} of {total} checks need fixing (above).", "bad", strconv.Itoa(bad), "total", total))
		}
		return exitQuietly(control.ExitError)
	}
	fmt.Fprintln(e.stdout, words.T("Everything tokentray needs is in place."))
	return nil
}

func (e *env) diagnose(ctx context.Context) []finding {
	var out []finding
	path, err := e.configPath()
	if err != nil {
		return []finding{{what: words.T("profile file"), seen: err.Error()}}
	}
	switch pol := policy.Current(); {
	case pol.Err != nil:
		out = append(out, finding{what: words.T("policy"), seen: pol.Err.Error(), fix: words.T("tell your IT team: no profile file can be imported until it is fixed")})
	case pol.Where == "":
		out = append(out, finding{what: words.T("policy"), seen: words.T("none set for this computer"), ok: true, absent: true})
	default:
		seen := words.T("from {where}", "where", pol.Where)
		if pol.Organization != "" {
			seen = words.T("Managed by {organization}, from {where}", "organization", pol.Organization, "where", pol.Where)
		}
		if pol.RequireSigned {
			seen = words.T("{policy}; only signed profile files can be imported", "policy", seen)
		}
		out = append(out, finding{what: words.T("policy"), seen: seen, ok: true})
	}
	if _, err := profile.LoadManaged(policy.Current()); err != nil {
		out = append(out, finding{what: words.T("managed profiles"), seen: err.Error(), fix: words.T("tell your IT team; your own profiles keep working")})
	}
	cfg, err := e.loadConfig()
	switch {
	case errors.Is(err, os.ErrNotExist):
		out = append(out, finding{what: words.T("profile file"), seen: words.T("none yet at {file}", "file", path), fix: words.T("import the file your IT team sent: tokentray profiles import FILE")})
	case err != nil:
		out = append(out, finding{what: words.T("profile file"), seen: err.Error(), fix: words.T("fix the line named, or ask your IT team for a corrected file")})
	default:
		seen := words.T("{file} ({count} profiles)", "file", path, "count", strconv.Itoa(len(cfg.Names)))
		if len(cfg.Names) == 1 {
			seen = words.T("{file} (1 profile)", "file", path)
		}
		out = append(out, finding{what: words.T("profile file"), seen: seen, ok: len(cfg.Names) > 0,
			fix: words.T("import the file your IT team sent: tokentray profiles import FILE")})
	}
	store := keychain.NewStore()
	switch err := store.Probe(); {
	case err != nil:
		out = append(out, finding{what: words.T("keychain"), seen: err.Error(), fix: control.Explain(&control.Error{Kind: control.KindKeychain, Fix: auth.Fix(err)}).Next})
	case store.Insecure():
		// Said for as long as it is so: the person chose it, and should
		// not forget it.
		out = append(out, finding{what: words.T("keychain"), seen: store.Describe(),
			fix: words.T("seal them again: tokentray unlock --kernel-only (or --new-passphrase, to keep sign-ins across restarts)")})
	default:
		out = append(out, finding{what: words.T("keychain"), seen: store.Describe(), ok: true})
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
	f := finding{what: words.T("windows"), fix: words.T("with Go: go install github.com/tokentray/tokentray/cmd/tokentray-window@latest (cgo, and the X11 and GL headers); the tray menu and the commands work without it")}
	exe, err := os.Executable()
	if err != nil {
		f.seen = err.Error()
		return f
	}
	if bin, err := buildinfo.WindowProgram(exe); err != nil {
		f.seen = words.T("tokentray-window is not installed next to {program}", "program", exe)
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
		return finding{what: words.T("tray"), seen: words.T("not running; the commands work without it"), ok: true}
	}
	ctx, cancel := context.WithTimeout(e.ctx, 2*control.AckTimeout)
	defer cancel()
	switch err := cl.Ping(ctx); {
	case err == nil && cl.Remote:
		return finding{what: words.T("tray"), seen: words.T("answers through {socket}", "socket", control.SocketEnv+"="+cl.Socket), ok: true}
	case err == nil:
		seen := words.T("running")
		if fwd, err := control.ForwardSocketPath(); err == nil {
			// What a person needs for `ssh -R` (README: On a server over SSH).
			seen = words.T("running; its forwarding socket for servers and containers is {socket}", "socket", fwd)
		}
		return finding{what: words.T("tray"), seen: seen, ok: true}
	case cl.Remote:
		return finding{what: words.T("tray"), seen: words.T("nothing answers through {socket}: {reason}", "socket", control.SocketEnv+"="+cl.Socket, "reason", err.Error()),
			fix: words.T("connect again with ssh -R forwarding the tray's forward.sock to that path")}
	case errors.Is(err, client.ErrNoAck):
		return finding{what: words.T("tray"), seen: words.T("running, but it does not answer (stopped or hung)"),
			fix: words.T("quit it (or kill it) and start tokentray again; the commands work without it meanwhile")}
	}
	return finding{what: words.T("tray"), seen: words.T("not running; the commands work without it"), ok: true}
}

// profileFindings checks what a profile needs: no example values left, its
// secret, its provider reachable over valid TLS, a fixed callback port free.
func profileFindings(ctx context.Context, p *profile.Profile, store *keychain.Store) []finding {
	what := words.T("profile {profile}", "profile", p.Name)
	if key, val := p.Placeholder(); key != "" {
		return []finding{{what: what, seen: words.T("{key} is still the example value {value}", "key", key, "value", strconv.Quote(val)), fix: words.T("put in what your provider gave you")}}
	}
	if p.NeedsSecret() {
		if _, err := store.Secret(p.Name, p.Binding()); err != nil {
			return []finding{{what: what, seen: words.T("no usable secret in the keychain"), fix: "tokentray secret set " + p.Name}}
		}
	}
	if err := auth.NewSession(p, auth.Options{Store: store}).Check(ctx); err != nil {
		seen := err.Error()
		if errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
			seen = words.T("no answer within {duration} ({where})", "where", p.Where(), "duration", words.Duration(providerCheckTimeout))
		}
		return []finding{{what: what, seen: seen, fix: words.T("check the network, or the profile's addresses with your IT team")}}
	}
	f := finding{what: what, seen: words.T("reachable ({where})", "where", p.Where()), ok: true}
	if _, err := store.Load(p.Name); err == nil {
		f.seen = words.T("reachable ({where}); signed in, kept in {store}", "where", p.Where(), "store", keychain.Said(store.Name()))
	}
	if port := p.FixedCallbackPort(); port != "" {
		l, err := net.Listen("tcp", "127.0.0.1:"+port)
		if err != nil {
			return []finding{f, {what: what, seen: words.T("callback port {port} is in use", "port", port), fix: words.T("close the program using it (often an old sign-in script)")}}
		}
		l.Close()
		f.seen = words.T("{seen}, callback port {port} free", "seen", f.seen, "port", port)
	}
	return []finding{f}
}
