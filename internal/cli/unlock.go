package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/tokentray/tokentray/auth/keychain"
	"github.com/tokentray/tokentray/auth/sealed"
	"github.com/tokentray/tokentray/internal/control"
	"github.com/tokentray/tokentray/internal/quick"
	"github.com/tokentray/tokentray/words"
)

// minPassphrase is the shortest passphrase taken, in characters.
const minPassphrase = 8

// unlockOptions is what an `unlock` command line asks for: at most one
// of its choices; none is to unlock.
type unlockOptions struct{ newPass, kernelOnly, insecure bool }

func (e *env) unlockCmd() *cobra.Command {
	o := &unlockOptions{}
	cmd := &cobra.Command{
		Use:   "unlock",
		Short: "Type the passphrase of the sealed sign-ins, once per restart (where there is no desktop keychain)",
		Long: `Where no desktop keychain answers — a server over SSH, a container, WSL, a
desktop without a Secret Service — tokentray keeps each profile's sign-in
in a file sealed with a data key, in ~/.local/state/tokentray/sealed
($XDG_STATE_HOME). ` + "`tokentray status`" + ` and ` + "`doctor`" + ` say where.

By default the data key is made at the first sign-in and kept only in your
kernel keyring, in memory: the kernel forgets it at every restart and after
3 days unused, and you sign in again then. Nothing to unlock.

--new-passphrase seals the data key with a passphrase (scrypt) in a file
beside the sign-ins, so that they outlive restarts: after each restart,
` + "`tokentray unlock`" + ` once, and the key is in the kernel keyring again until the
next. Also to change the passphrase (unlock first). The passphrase is read
from the terminal, or from standard input (its first line) in a pipe;
never from the command line.

--kernel-only goes back to the key in the kernel keyring alone.

--insecure-store keeps the key in a plain file beside the sign-ins: anyone
who can read your files — a backup, a copied home directory, a stolen disk
— can then use your tokens. Only for where nothing else works (a container
that forbids keyctl); status and doctor keep saying so.`,
		Example: `  tokentray unlock                       # after a restart: type the passphrase
  tokentray unlock --new-passphrase      # sign-ins that outlive restarts
  pass show tokentray | tokentray unlock # from a pipe`,
		Args: usage(argCount(0, 0)),
		RunE: func(cmd *cobra.Command, _ []string) error {
			n := 0
			for _, set := range []bool{o.newPass, o.kernelOnly, o.insecure} {
				if set {
					n++
				}
			}
			if n > 1 {
				return &usageError{cmd: cmd, err: errors.New("--new-passphrase, --kernel-only and --insecure-store are three different choices; give one")}
			}
			return runOr(e, o, func(o *unlockOptions) error { return e.unlockStore(cmd, o) })
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.newPass, "new-passphrase", false, "seal the data key with a new passphrase, so that sign-ins outlive restarts")
	f.BoolVar(&o.kernelOnly, "kernel-only", false, "keep the data key in the kernel keyring alone (sign in again after a restart)")
	f.BoolVar(&o.insecure, "insecure-store", false, "keep the data key in a plain file: anyone who can read your files can use your tokens")
	return cmd
}

// unlockStore does what unlock was asked, where sign-ins are in sealed
// files; cmd is for a usage error's example.
func (e *env) unlockStore(cmd *cobra.Command, o *unlockOptions) error {
	store := keychain.NewStore()
	perr := store.Probe() // settles where sign-ins are kept
	dir, _, ok := store.Sealed()
	choice := o.newPass || o.kernelOnly || o.insecure
	switch {
	case !ok && perr != nil:
		return perr
	case !ok && choice:
		return &usageError{cmd: cmd, err: fmt.Errorf("a desktop keychain answers here, so tokentray keeps sign-ins in %s, not in sealed files", store.Name())}
	case !ok:
		fmt.Fprintln(e.stderr, words.T("Nothing to unlock: sign-ins are kept in {store}, which your desktop session unlocks.", "store", keychain.Said(store.Name())))
		return nil
	case o.newPass:
		return e.newPassphrase(dir)
	case o.kernelOnly:
		return e.setStoreMode(dir, sealed.ModeKernel)
	case o.insecure:
		return e.setStoreMode(dir, sealed.ModeInsecure)
	}
	return e.unlock(dir)
}

// unlock puts the passphrase-sealed data key into the kernel keyring.
func (e *env) unlock(dir string) error {
	k, err := sealed.Open(dir)
	var mode sealed.Mode
	switch {
	case errors.Is(err, sealed.ErrNotSetUp):
		mode = sealed.ModeKernel
	case err != nil:
		return storeError(err, "")
	default:
		mode = k.Mode()
	}
	switch mode {
	case sealed.ModeKernel:
		fmt.Fprintln(e.stderr, words.T("Nothing to unlock: the data key of the sealed sign-ins in {dir} is kept in your kernel keyring (made at the first sign-in, forgotten at a restart).", "dir", dir))
		fmt.Fprintln(e.stderr, words.T("To keep sign-ins across restarts under a passphrase: tokentray unlock --new-passphrase"))
		return nil
	case sealed.ModeInsecure:
		fmt.Fprintln(e.stderr, words.T("Nothing to unlock: the data key of the sign-ins in {dir} lies in a plain file (--insecure-store); anyone who can read your files can use your tokens.", "dir", dir))
		return nil
	}
	switch err := k.Ready(); {
	case err == nil:
		fmt.Fprintln(e.stderr, words.T("Already unlocked: the data key of the sealed sign-ins in {dir} is in your kernel keyring until the next restart.", "dir", dir))
		return nil
	case !errors.Is(err, sealed.ErrLocked):
		return storeError(err, "")
	}
	if err := needKernel(); err != nil {
		return err
	}
	pass, err := e.readPassphrase(words.T("Passphrase of the sealed sign-ins:")+" ", false)
	if err != nil {
		return err
	}
	if err := within(func() error { return k.Unlock(pass) }); err != nil {
		return storeError(err, words.T("Type the passphrase set with `tokentray unlock --new-passphrase`."))
	}
	fmt.Fprintln(e.stderr, words.T("Unlocked: tokentray reads the sealed sign-ins in {dir} until the next restart.", "dir", dir))
	return nil
}

// newPassphrase seals the data key with a new passphrase.
func (e *env) newPassphrase(dir string) error {
	if err := needKernel(); err != nil {
		return err
	}
	if k, err := sealed.Open(dir); err == nil && k.Mode() == sealed.ModePassphrase && errors.Is(k.Ready(), sealed.ErrLocked) {
		return storeError(sealed.ErrLocked, words.T("Unlock with the passphrase you have first (`tokentray unlock`), then set a new one."))
	}
	pass, err := e.readPassphrase(words.T("New passphrase for the sealed sign-ins:")+" ", true)
	if err != nil {
		return err
	}
	if err := within(func() error { _, err := sealed.Setup(dir, sealed.ModePassphrase, pass); return err }); err != nil {
		return storeError(err, "")
	}
	fmt.Fprintln(e.stderr, words.T("The sealed sign-ins in {dir} now keep their data key under your passphrase: they outlive restarts. After each restart, run `tokentray unlock` once.", "dir", dir))
	return nil
}

// setStoreMode moves the data key to the kernel keyring alone, or to a
// plain file.
func (e *env) setStoreMode(dir string, mode sealed.Mode) error {
	if mode == sealed.ModeKernel {
		if err := needKernel(); err != nil {
			return err
		}
	}
	if err := within(func() error { _, err := sealed.Setup(dir, mode, ""); return err }); err != nil {
		return storeError(err, words.T("Unlock first (`tokentray unlock`), then try again."))
	}
	if mode == sealed.ModeInsecure {
		quick.Warning(e.stderr, words.T("the sign-ins in {dir} are now kept with their key in a plain file beside them: anyone who can read your files — a backup, a copied home directory, a stolen disk, another program of yours — can use your tokens. `status` and `doctor` say so from now on; `tokentray unlock --kernel-only` seals them again.", "dir", dir))
		return nil
	}
	fmt.Fprintln(e.stderr, words.T("The data key of the sealed sign-ins in {dir} is now kept in your kernel keyring alone: sign in again after a restart.", "dir", dir))
	return nil
}

// needKernel refuses a passphrase where there is no kernel keyring to
// keep the unlocked key in: it would last only as long as this command.
func needKernel() error {
	if err := sealed.CheckKernel(); err != nil {
		return &control.Error{Kind: control.KindKeychain,
			Msg: words.T("{reason}; an unlocked data key would last only as long as this command", "reason", err.Error()),
			Fix: words.T("Allow keyctl where tokentray runs (a container's seccomp profile must permit add_key and keyctl); where nothing else works, see --insecure-store in `tokentray unlock --help`.")}
	}
	return nil
}

// storeError is a failure of the sealed files, with the next step.
func storeError(err error, fix string) error {
	if fix == "" && errors.Is(err, sealed.ErrLocked) {
		fix = words.T("Run `tokentray unlock` and type the passphrase.")
	}
	return &control.Error{Kind: control.KindKeychain, Msg: err.Error(), Fix: fix}
}

// unlockTimeout bounds the work of one unlock: scrypt takes about half a
// second and 128 MiB, the files a few milliseconds.
const unlockTimeout = 30 * time.Second

// within runs call with a deadline: a hung disk fails the command, not the
// person's shell.
func within(call func() error) error {
	err := keychain.Within(unlockTimeout, call)
	if errors.Is(err, keychain.ErrNoAnswer) {
		return errors.New(words.T("the sealed files did not answer within {duration}", "duration", words.Duration(unlockTimeout)))
	}
	return err
}

// readPassphrase reads a passphrase without echo at a terminal (twice when
// it is a new one), else the first line of standard input.
func (e *env) readPassphrase(prompt string, isNew bool) (string, error) {
	var pass string
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		ask := func(prompt string) (string, error) {
			fmt.Fprint(e.stderr, prompt)
			b, err := term.ReadPassword(int(f.Fd()))
			fmt.Fprintln(e.stderr)
			if err != nil {
				return "", fmt.Errorf("read the passphrase: %w", err)
			}
			return string(b), nil
		}
		var err error
		if pass, err = ask(prompt); err != nil {
			return "", err
		}
		if isNew && pass != "" {
			again, err := ask(words.T("The same again:") + " ")
			if err != nil {
				return "", err
			}
			if again != pass {
				return "", &control.Error{Kind: control.KindUsage, Msg: words.T("the two passphrases typed differ; nothing was changed"),
					Fix: words.T("Type the same passphrase twice.")}
			}
		}
	} else {
		line, err := bufio.NewReader(io.LimitReader(e.stdin, 64<<10)).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", fmt.Errorf("read the passphrase from standard input: %w", err)
		}
		pass = strings.TrimRight(line, "\r\n")
	}
	if pass == "" {
		return "", &control.Error{Kind: control.KindNoInput,
			Msg: words.T("type the passphrase at a terminal, or pipe it in: `pass show tokentray | tokentray unlock`")}
	}
	if isNew && utf8.RuneCountInString(pass) < minPassphrase {
		return "", &control.Error{Kind: control.KindUsage, Msg: words.T("a passphrase of at least {count} characters is needed", "count", strconv.Itoa(minPassphrase)),
			Fix: words.T("Choose a passphrase of at least {count} characters.", "count", strconv.Itoa(minPassphrase))}
	}
	return pass, nil
}
