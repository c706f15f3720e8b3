package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// parse runs a command line through runF, as gh's tests do: what it asks
// for, how many times runF was called, and, when it is refused, its exit
// code and standard error. Nothing runs.
func parse(t *testing.T, stdin string, args ...string) (got any, calls, code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{ctx: context.Background(), stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, program: Program{Version: "dev"}}
	e.runF = func(opts any) error {
		got, calls = opts, calls+1
		return nil
	}
	code = e.execute(args)
	return got, calls, code, out.String(), errb.String()
}

// Every command's grammar: its arguments and flags become the options it
// runs with, and a command line it does not take is a usage error (exit
// 2) that says why in words naming the arguments — never the arguments
// themselves — and runs nothing.
func TestGrammar(t *testing.T) {
	alone(t)
	cfg := filepath.Join(t.TempDir(), "profiles.toml")
	const gitGet = "protocol=https\nhost=git.example.com\npath=team/repo.git\n\n"
	for _, c := range []struct {
		name  string
		args  []string
		stdin string
		// want is what the command runs with; nil: a usage error, which
		// says words.
		want  any
		words string
	}{
		{"token: the default profile and lifetime", []string{"token"}, "", &tokenOptions{minValid: time.Minute}, ""},
		{"token: a profile, --min-valid and --json", []string{"token", "work", "--min-valid", "10m", "--json"}, "", &tokenOptions{profile: "work", minValid: 10 * time.Minute, asJSON: true}, ""},
		{"token: flags before the profile", []string{"token", "--header", "--min-valid=0s", "work"}, "", &tokenOptions{profile: "work", header: true}, ""},
		{"token: --header with --json", []string{"token", "work", "--header", "--json"}, "", nil, "--header and --json exclude each other"},
		{"token: two profiles", []string{"token", "a", "b"}, "", nil, "`tokentray token` takes at most one argument, PROFILE; it got 2"},
		{"token: a flag it does not have", []string{"token", "--jsn"}, "", nil, "unknown flag: --jsn"},
		{"token: a duration without a unit", []string{"token", "--min-valid", "10"}, "", nil, "--min-valid 10 needs a unit: 10s for seconds, 10m for minutes or 10h for hours"},

		{"login: the default profile", []string{"login"}, "", &loginOptions{}, ""},
		{"login: every flag", []string{"login", "work", "--no-browser", "--timeout", "2m", "--browser-command", "firefox -P work {url}"}, "",
			&loginOptions{profile: "work", noBrowser: true, timeout: 2 * time.Minute, browserCommand: "firefox -P work {url}"}, ""},
		{"login: with a code", []string{"login", "work", "--device"}, "", &loginOptions{profile: "work", device: true}, ""},
		{"login: never with a code", []string{"login", "--no-device"}, "", &loginOptions{noDevice: true}, ""},
		{"login: --device with --no-device", []string{"login", "--device", "--no-device"}, "", nil, "--device and --no-device exclude each other"},
		{"login: two profiles", []string{"login", "a", "b"}, "", nil, "`tokentray login` takes at most one argument, PROFILE; it got 2"},
		{"login: --timeout without a value", []string{"login", "--timeout"}, "", nil, "flag needs an argument: --timeout"},

		{"status", []string{"status"}, "", &statusOptions{}, ""},
		{"status: --json", []string{"status", "--json"}, "", &statusOptions{asJSON: true}, ""},
		{"status: a profile", []string{"status", "work"}, "", nil, "`tokentray status` takes no arguments; it got 1"},

		{"logout: the default profile", []string{"logout"}, "", &logoutOptions{}, ""},
		{"logout: a profile", []string{"logout", "work"}, "", &logoutOptions{profile: "work"}, ""},
		{"logout: two profiles", []string{"logout", "a", "b"}, "", nil, "`tokentray logout` takes at most one argument, PROFILE; it got 2"},

		{"profiles", []string{"profiles"}, "", &profilesOptions{}, ""},
		{"profiles: a mistyped command", []string{"profiles", "remov"}, "", nil, `"remov" is not a command; did you mean remove`},
		{"profiles import", []string{"profiles", "import", "it-sent-me.toml"}, "", &importOptions{file: "it-sent-me.toml"}, ""},
		{"profiles import: --yes and --window", []string{"profiles", "import", "--yes", "--window", "f.toml"}, "", &importOptions{file: "f.toml", yes: true, window: true}, ""},
		{"profiles import: no file", []string{"profiles", "import"}, "", nil, "`tokentray profiles import` needs FILE"},
		{"profiles import: two files", []string{"profiles", "import", "a", "b"}, "", nil, "`tokentray profiles import` takes one argument, FILE; it got 2"},
		{"profiles remove", []string{"profiles", "remove", "old"}, "", &removeOptions{profile: "old"}, ""},
		{"profiles remove: no profile", []string{"profiles", "remove"}, "", nil, "`tokentray profiles remove` needs PROFILE"},

		{"secret set", []string{"secret", "set", "work"}, "", &secretSetOptions{profile: "work"}, ""},
		{"secret set: --key", []string{"secret", "set", "robot", "--key", "robot-key.pem"}, "", &secretSetOptions{profile: "robot", keyFile: "robot-key.pem"}, ""},
		{"secret set: the secret as an argument", []string{"secret", "set", "work", "s3cr3t-value"}, "", nil, "`tokentray secret set` takes one argument, PROFILE; it got 2"},
		{"secret set: no profile", []string{"secret", "set"}, "", nil, "`tokentray secret set` needs PROFILE"},
		{"secret delete", []string{"secret", "delete", "work"}, "", &secretDeleteOptions{profile: "work"}, ""},
		{"secret delete: no profile", []string{"secret", "delete"}, "", nil, "`tokentray secret delete` needs PROFILE"},
		{"secret: a mistyped command", []string{"secret", "sett"}, "", nil, `"sett" is not a command; did you mean set`},

		{"exec: a profile and a command", []string{"exec", "work", "--", "sh", "-c", "echo $X"}, "", &execOptions{profile: "work", minValid: time.Minute, command: []string{"sh", "-c", "echo $X"}}, ""},
		{"exec: the default profile", []string{"exec", "--", "true"}, "", &execOptions{minValid: time.Minute, command: []string{"true"}}, ""},
		{"exec: every flag", []string{"exec", "work", "--env", "API_TOKEN", "--header-env", "AUTH", "--min-valid", "30m", "--", "./export.sh", "--all"}, "",
			&execOptions{profile: "work", envName: "API_TOKEN", headerEnv: "AUTH", minValid: 30 * time.Minute, command: []string{"./export.sh", "--all"}}, ""},
		{"exec: no command", []string{"exec", "work"}, "", nil, "give the command after --"},
		{"exec: nothing after --", []string{"exec", "work", "--"}, "", nil, "give the command after --"},
		{"exec: two profiles", []string{"exec", "a", "b", "--", "true"}, "", nil, "at most one profile before --"},
		{"exec: --env without a name", []string{"exec", "work", "--env"}, "", nil, "flag needs an argument: --env"},

		{"git-credential get", []string{"git-credential", "get"}, gitGet, &gitCredentialOptions{op: "get", url: "https://git.example.com/team/repo.git"}, ""},
		{"git-credential erase, with git's url", []string{"git-credential", "erase"}, "url=https://git.example.com/x\n\n", &gitCredentialOptions{op: "erase", url: "https://git.example.com/x"}, ""},
		{"git-credential store", []string{"git-credential", "store"}, gitGet, &gitCredentialOptions{op: "store", url: "https://git.example.com/team/repo.git"}, ""},
		{"git-credential: an operation git does not have", []string{"git-credential", "fill"}, gitGet, nil, `"fill" is not get, store or erase`},
		{"git-credential: no operation", []string{"git-credential"}, "", nil, "`tokentray git-credential` needs get|store|erase"},
		{"git-credential: two operations", []string{"git-credential", "get", "erase"}, "", nil, "`tokentray git-credential` takes one argument, get|store|erase; it got 2"},

		{"kubectl-credential", []string{"kubectl-credential", "work"}, "", &kubectlOptions{profile: "work"}, ""},
		{"kubectl-credential: the default profile", []string{"kubectl-credential"}, "", &kubectlOptions{}, ""},
		{"kubectl-credential: --json is token's", []string{"kubectl-credential", "--json"}, "", nil, "unknown flag: --json"},
		{"kubectl-credential: two profiles", []string{"kubectl-credential", "a", "b"}, "", nil, "`tokentray kubectl-credential` takes at most one argument, PROFILE; it got 2"},

		{"inspect", []string{"inspect"}, "", &inspectOptions{}, ""},
		{"inspect: a profile and --json", []string{"inspect", "work", "--json"}, "", &inspectOptions{profile: "work", asJSON: true}, ""},
		{"inspect: two profiles", []string{"inspect", "a", "b"}, "", nil, "`tokentray inspect` takes at most one argument, PROFILE; it got 2"},

		{"doctor", []string{"doctor"}, "", &doctorOptions{}, ""},
		{"doctor: a profile", []string{"doctor", "work"}, "", nil, "`tokentray doctor` takes no arguments; it got 1"},

		{"policy", []string{"policy"}, "", &policyOptions{}, ""},
		{"policy: an argument", []string{"policy", "show"}, "", nil, "`tokentray policy` takes no arguments; it got 1"},

		{"unlock", []string{"unlock"}, "", &unlockOptions{}, ""},
		{"unlock: --new-passphrase", []string{"unlock", "--new-passphrase"}, "", &unlockOptions{newPass: true}, ""},
		{"unlock: --kernel-only", []string{"unlock", "--kernel-only"}, "", &unlockOptions{kernelOnly: true}, ""},
		{"unlock: --insecure-store", []string{"unlock", "--insecure-store"}, "", &unlockOptions{insecure: true}, ""},
		{"unlock: two choices", []string{"unlock", "--new-passphrase", "--kernel-only"}, "", nil, "--new-passphrase, --kernel-only and --insecure-store are three different choices; give one"},
		{"unlock: all three choices", []string{"unlock", "--insecure-store", "--kernel-only", "--new-passphrase"}, "", nil, "--new-passphrase, --kernel-only and --insecure-store are three different choices; give one"},
		{"unlock: the passphrase as an argument", []string{"unlock", "hunter2-passphrase"}, "", nil, "`tokentray unlock` takes no arguments; it got 1"},

		{"version", []string{"version"}, "", &versionOptions{}, ""},
		{"version: an argument", []string{"version", "x"}, "", nil, "`tokentray version` takes no arguments; it got 1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, calls, code, stdout, stderr := parse(t, c.stdin, append([]string{"--config", cfg}, c.args...)...)
			if c.want != nil {
				if code != 0 || calls != 1 || !reflect.DeepEqual(got, c.want) {
					t.Errorf("exit %d, %d runs with %+v; want exit 0, one run with %+v\n%s%s", code, calls, got, c.want, stdout, stderr)
				}
				return
			}
			if code != 2 || calls != 0 {
				t.Errorf("exit %d and %d runs (%+v), want a usage error (exit 2) and none\n%s%s", code, calls, got, stdout, stderr)
			}
			if want := "tokentray: The command was not understood: " + c.words + ".\n"; !strings.HasPrefix(stderr, want) {
				t.Errorf("stderr does not begin %q:\n%s", want, stderr)
			}
			if !strings.Contains(stderr, "\n  For example:\n") || !strings.Contains(stderr, "\n  See `tokentray ") {
				t.Errorf("stderr lacks an example and where help is:\n%s", stderr)
			}
			if stdout != "" {
				t.Errorf("stdout: %q, want nothing", stdout)
			}
			for _, secret := range []string{"s3cr3t", "hunter2"} {
				if strings.Contains(stdout+stderr, secret) {
					t.Errorf("an argument was said:\n%s", stderr)
				}
			}
		})
	}
}

// tokentray with no command is the tray: it runs with the profile file
// made absolute (it serves that file whatever directory it runs in), a log
// with --verbose or TOKENTRAY_DEBUG, and the command's stderr. A word that
// is no command is a usage error, with the commands it resembles.
func TestRootGrammar(t *testing.T) {
	alone(t)
	rel := filepath.Join("some", "profiles.toml")
	abs, err := filepath.Abs(rel)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("the tray with a relative --config", func(t *testing.T) {
		var errb bytes.Buffer
		var got *TrayOptions
		e := &env{ctx: context.Background(), stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &errb, program: Program{Version: "dev"}}
		e.runF = func(opts any) error { got, _ = opts.(*TrayOptions); return nil }
		if code := e.execute([]string{"--config", rel}); code != 0 || got == nil {
			t.Fatalf("exit %d, ran with %+v; want the tray", code, got)
		}
		if got.Config != abs || got.Log != nil || got.Stderr != &errb {
			t.Errorf("the tray runs with %+v; want config %s, no log, the command's stderr", *got, abs)
		}
	})
	for name, args := range map[string][]string{"--verbose": {"--verbose"}, "TOKENTRAY_DEBUG": nil} {
		t.Run("a log with "+name, func(t *testing.T) {
			if args == nil {
				t.Setenv("TOKENTRAY_DEBUG", "1")
			}
			got, calls, code, _, _ := parse(t, "", append(args, "--config", rel)...)
			if o, ok := got.(*TrayOptions); code != 0 || calls != 1 || !ok || o.Log == nil {
				t.Errorf("exit %d, %d runs with %+v; want the tray with a log", code, calls, got)
			}
		})
	}
	t.Run("the default profile file", func(t *testing.T) {
		t.Setenv("TOKENTRAY_CONFIG", abs)
		got, _, code, _, _ := parse(t, "")
		if o, ok := got.(*TrayOptions); code != 0 || !ok || o.Config != abs {
			t.Errorf("exit %d, ran with %+v; want the tray on %s", code, got, abs)
		}
	})
	for _, c := range []struct {
		name  string
		args  []string
		words string
	}{
		{"a mistyped command", []string{"tokn"}, `"tokn" is not a command; did you mean token`},
		{"a word that is nothing like a command", []string{"xyzzy"}, `"xyzzy" is not a command`},
		{"a flag it does not have", []string{"--nosuch"}, "unknown flag: --nosuch"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, calls, code, _, stderr := parse(t, "", c.args...)
			if code != 2 || calls != 0 || !strings.HasPrefix(stderr, "tokentray: The command was not understood: "+c.words+".\n") {
				t.Errorf("exit %d, %d runs; want a usage error saying %q:\n%s", code, calls, c.words, stderr)
			}
		})
	}
}
