package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokentray/tokentray/auth/sealed"
	"github.com/tokentray/tokentray/defaults"
	"github.com/tokentray/tokentray/internal/quick"
	"github.com/tokentray/tokentray/words"
)

// run runs tokentray's command line in this process with the profile file
// config, as the program does, and returns its exit code and output.
func run(t *testing.T, config string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return runIn(t, config, "", args...)
}

// runIn is run with stdin on standard input.
func runIn(t *testing.T, config, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Run(context.Background(), Program{Version: "dev"}, append([]string{"--config", config}, args...), strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// has checks that text (stdout or stderr, what) holds each of want.
func has(t *testing.T, what, text string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, text)
		}
	}
}

// alone keeps a test away from this machine's tray, keychain and desktop:
// a runtime dir of its own (no tray's socket), a session bus that is not
// there, a home of its own — where sign-ins go to sealed files, whose
// data key in the kernel keyring goes with the test — and English.
func alone(t *testing.T) {
	t.Helper()
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+filepath.Join(t.TempDir(), "no-bus"))
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_STATE_HOME", "")
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	t.Setenv("TOKENTRAY_DEBUG", "")
	t.Setenv("TOKENTRAY_SOCKET", "")
	t.Setenv("LANGUAGE", "en")
	os.Unsetenv("TOKENTRAY_POLICY")
	t.Cleanup(func() {
		if k, err := sealed.Open(filepath.Join(home, ".local", "state", "tokentray", "sealed")); err == nil {
			_ = k.Forget() // as a restart would
		}
	})
}

// The command line's words and sizes (issue 29 item 6): durations as they
// are typed, a missing program as a shell says it, every shell named,
// counts in the singular for one.
func TestCommandWords(t *testing.T) {
	alone(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "profiles.toml")
	// An example value: doctor looks no further (no network).
	if err := os.WriteFile(cfg, []byte("[profile.work]\nissuer = \"https://id.example.com\"\nclient_id = \"YOUR-CLIENT-ID\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	notProgram := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notProgram, []byte("not a program\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		args   []string
		code   int      // -1: any
		stdout []string // each appears
		stderr []string
		never  []string // in neither
	}{
		// Durations: with a unit, never negative, said in words; every
		// duration flag alike.
		{"a duration without a unit", []string{"token", "--min-valid", "5"}, 2, nil,
			[]string{"The command was not understood: --min-valid 5 needs a unit: 5s for seconds, 5m for minutes or 5h for hours.", "--min-valid 10m", "See `tokentray token --help`."},
			[]string{"time:", "invalid argument"}},
		{"exec's duration without a unit", []string{"exec", "work", "--min-valid", "5", "--", "true"}, 2, nil,
			[]string{"--min-valid 5 needs a unit", "--min-valid 30m"}, []string{"time:", "invalid argument"}},
		{"login's duration without a unit", []string{"login", "work", "--timeout=5"}, 2, nil,
			[]string{"--timeout 5 needs a unit"}, []string{"time:", "invalid argument"}},
		{"not a duration", []string{"token", "--min-valid", "soon"}, 2, nil,
			[]string{`--min-valid "soon" is not a duration; give one with a unit, such as 90s, 10m or 1h.`}, []string{"time:"}},
		{"a negative duration", []string{"token", "--min-valid", "-5m"}, 2, nil,
			[]string{"--min-valid -5m is negative; give a duration of zero or more, such as 10m."}, nil},
		{"a negative duration after =", []string{"token", "--min-valid=-5m"}, 2, nil, []string{"--min-valid -5m is negative"}, nil},
		{"exec's negative duration", []string{"exec", "work", "--min-valid", "-1h", "--", "true"}, 2, nil, []string{"--min-valid -1h is negative"}, nil},
		{"login's negative duration", []string{"login", "work", "--timeout", "-1m"}, 2, nil, []string{"--timeout -1m is negative"}, nil},
		{"token's default as typed", []string{"token", "--help"}, 0, []string{"--min-valid duration", "(default 1m)"}, nil, []string{"1m0s"}},
		{"exec's default as typed", []string{"exec", "--help"}, 0, []string{"(default 1m)"}, nil, []string{"1m0s"}},
		{"login's timeout has no default to show", []string{"login", "--help"}, 0, []string{"--timeout duration", "default 5m in the browser"}, nil, []string{"(default 0"}},

		// A program exec cannot run: as a shell says it, before any
		// sign-in or renewal.
		{"a program that is not there", []string{"exec", "work", "--", "nonexistentprog"}, 127, nil,
			[]string{"tokentray: nonexistentprog was not found. Check its name, or give its full path.\n  no program of that name is in any directory of PATH\n"},
			[]string{"not understood", "sign in", "keychain"}},
		{"a path that is not there", []string{"exec", "work", "--", "./no-such-script", "arg"}, 127, nil,
			[]string{"tokentray: ./no-such-script was not found.", "there is no file ./no-such-script"}, []string{"not understood"}},
		{"a file that is not a program", []string{"exec", "work", "--", notProgram}, 126, nil,
			[]string{"tokentray: " + notProgram + " was found but cannot be run. Check that it is a program and that you may run it (chmod +x).", "permission denied"},
			[]string{"not understood"}},

		{"a shell it does not complete", []string{"completion", "tcsh"}, 2, nil,
			[]string{`"tcsh" is not a shell tokentray completes; it completes bash, fish, powershell and zsh.`}, []string{"did you mean"}},
		{"one profile", []string{"doctor"}, -1, []string{cfg + " (1 profile)"}, nil, []string{"1 profiles"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := run(t, cfg, c.args...)
			if c.code >= 0 && code != c.code {
				t.Errorf("exit %d, want %d\n%s%s", code, c.code, stdout, stderr)
			}
			has(t, "stdout", stdout, c.stdout...)
			has(t, "stderr", stderr, c.stderr...)
			for _, bad := range c.never {
				if strings.Contains(stdout+stderr, bad) {
					t.Errorf("says %q:\n%s%s", bad, stdout, stderr)
				}
			}
		})
	}
}

// What the commands print themselves is said in the person's language:
// here German, as the profile file's `language` asks, whole lines at a
// time — an import and a removal, a status heading, an unlock, the shared
// warning, a store's name, doctor's summary.
func TestCommandsInGerman(t *testing.T) {
	t.Cleanup(func() { words.Use("en") })
	const german = "language = \"de\"\n"
	for _, c := range []struct {
		name   string
		file   string // the profile file, after its language
		args   []string
		stdin  string
		code   int
		stdout []string // each appears; CFG is the profile file, SEALED the sealed files' directory
		stderr []string
	}{
		{name: "profiles import", args: []string{"profiles", "import", "--yes", "DIR/it-sent-me.toml"},
			stderr: []string{"it-sent-me.toml: Nicht signiert.\nSie enthält:\n  work: Anmeldung bei https://id.example.com (der Anbieter nennt seine weiteren Adressen)\n",
				"\nwork zu CFG hinzugefügt.\n", "\n  Melden Sie sich bei work an: `tokentray login work`.\n"}},
		{name: "profiles remove", file: workFile + robotFile, args: []string{"profiles", "remove", "work"},
			stderr: []string{"work entfernt: Profil, Tokens und Geheimnis sind nicht mehr auf diesem Computer.\n"}},
		{name: "status", file: workFile, args: []string{"status"},
			stdout: []string{"PROFIL           ZUSTAND     KONTO  ZUGRIFFSTOKEN  ERNEUERT MIT\nwork (Standard)  abgemeldet  -      -              -\n"}},
		{name: "logout", file: workFile, args: []string{"logout", "work"},
			stderr: []string{"work war nicht angemeldet; nichts zu tun.\n"}},
		{name: "secret set, in a store's words", file: robotFile, stdin: "s3cr3t-value\n", args: []string{"secret", "set", "robot"},
			stderr: []string{"Das Client-Geheimnis für robot wurde in einer versiegelten Datei (kein Desktop-Schlüsselbund; Schlüssel im Kernel-Keyring) gespeichert.\n"}},
		{name: "unlock", args: []string{"unlock"},
			stderr: []string{"Nichts zu entsperren: Der Datenschlüssel der versiegelten Anmeldungen in SEALED liegt in Ihrem Kernel-Keyring (bei der ersten Anmeldung erzeugt, bei einem Neustart vergessen).\n" +
				"Um Anmeldungen unter einer Passphrase über Neustarts hinweg zu behalten: tokentray unlock --new-passphrase\n"}},
		{name: "the shared warning", args: []string{"unlock", "--insecure-store"},
			stderr: []string{"tokentray: Warnung: die Anmeldungen in SEALED werden jetzt mit ihrem Schlüssel in einer Klartextdatei daneben aufbewahrt: " +
				"Wer Ihre Dateien lesen kann – ein Backup, ein kopiertes Home-Verzeichnis, eine gestohlene Festplatte, ein anderes Programm von Ihnen –, kann Ihre Tokens verwenden. " +
				"`status` und `doctor` sagen das von nun an; `tokentray unlock --kernel-only` versiegelt sie wieder.\n"}},
		{name: "doctor", file: exampleFile, args: []string{"doctor"}, code: 1,
			stdout: []string{"CFG (1 Profil)\n", "→ führen Sie tokentray in einer Desktop-Sitzung aus\n", "Prüfungen müssen behoben werden (siehe oben).\n"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			alone(t)
			dir := t.TempDir()
			cfg := filepath.Join(dir, "profiles.toml")
			for name, body := range map[string]string{"profiles.toml": german + c.file, "it-sent-me.toml": workFile} {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			fill := strings.NewReplacer("CFG", cfg, "DIR", dir, "SEALED", filepath.Join(os.Getenv("HOME"), ".local", "state", "tokentray", "sealed"))
			args := make([]string, len(c.args))
			for i, a := range c.args {
				args[i] = fill.Replace(a)
			}
			code, stdout, stderr := runIn(t, cfg, c.stdin, args...)
			if code != c.code {
				t.Errorf("exit %d, want %d\n%s%s", code, c.code, stdout, stderr)
			}
			for _, want := range c.stdout {
				has(t, "stdout", stdout, fill.Replace(want))
			}
			for _, want := range c.stderr {
				has(t, "stderr", stderr, fill.Replace(want))
			}
		})
	}
}

// The small front (quick.Parse) answers a command line only as the full
// program would take it: each one it takes, cobra takes too, as the same
// command with the same profile, flags and --min-valid. What cobra
// refuses — a duration without a unit, a negative one — quick leaves to
// it.
func TestQuickAgreesWithTheFullProgram(t *testing.T) {
	alone(t)
	for _, args := range [][]string{
		{"token"}, {"token", "work"}, {"--config", "p.toml", "token", "work", "--header"},
		{"token", "--config=p.toml", "--json", "--min-valid", "10m"}, {"token", "--min-valid=0s"}, {"token", "--min-valid", "0"},
		{"token", "--min-valid", "1h30m", "work"}, {"token", "--min-valid", "90s"},
		{"token", "--min-valid", "5"}, {"token", "--min-valid", "-5m"}, {"token", "--min-valid=-1s"}, {"token", "--min-valid", "soon"},
		{"token", "--min-valid", "-0s"}, {"token", "--min-valid", "+5m"}, {"token", "--min-valid", ".5m"},
		{"kubectl-credential", "work"}, {"git-credential", "get"}, {"git-credential", "erase", "--config", "p.toml"},
		{"token", "a", "b"}, {"token", "--header", "--json"}, {"kubectl-credential", "--json"}, {"git-credential", "fill"},
		{"--json", "token"}, {"token", "--", "work"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			q, ok := quick.Parse(args, false)
			var got *quick.Command
			e := &env{ctx: context.Background(), stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, program: Program{Version: "dev"}}
			// What cobra made of the command line, for the three commands
			// the front answers, instead of running them.
			e.runF = func(opts any) error {
				got = &quick.Command{Config: e.config, MinValid: defaults.MinValid}
				switch o := opts.(type) {
				case *tokenOptions:
					got.Name, got.Profile, got.MinValid, got.Header, got.JSON = "token", o.profile, o.minValid, o.header, o.asJSON
				case *kubectlOptions:
					got.Name, got.Profile = "kubectl-credential", o.profile
				case *gitCredentialOptions:
					got.Name, got.GitOp = "git-credential", o.op
				default:
					got = nil
				}
				return nil
			}
			code := e.execute(args)
			switch {
			case !ok:
				// The full program's to answer, whatever it makes of it.
			case code != 0 || got == nil:
				t.Errorf("quick answers %+v; the full program refuses (exit %d)", q, code)
			case *got != q:
				t.Errorf("quick answers %+v; the full program runs %+v", q, *got)
			}
		})
	}
}

// The import's [y/N] question takes yes in English and in the language it
// was asked in, and nothing else.
func TestAgreed(t *testing.T) {
	t.Cleanup(func() { words.Use("en") })
	for _, c := range []struct {
		lang, answer string
		want         bool
	}{
		{"en", "y\n", true}, {"en", " Yes \n", true}, {"en", "\n", false}, {"en", "j\n", false}, {"en", "no\n", false},
		{"de", "j\n", true}, {"de", "Ja\n", true}, {"de", "y\n", true}, {"de", "n\n", false},
		{"fr", "oui\n", true}, {"es", "sí\n", true}, {"nb", "ja\n", true}, {"fr", "non\n", false},
	} {
		t.Run(c.lang+" "+strings.TrimSpace(c.answer), func(t *testing.T) {
			words.Use(c.lang)
			if got := agreed(c.answer); got != c.want {
				t.Errorf("agreed(%q) in %s = %v, want %v", c.answer, c.lang, got, c.want)
			}
		})
	}
}
