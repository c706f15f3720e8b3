package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Profile files the command tests start from.
const (
	workFile    = "[profile.work]\nissuer = \"https://id.example.com\"\nclient_id = \"c\"\n"
	exampleFile = "[profile.example]\nissuer = \"https://id.example.com\"\nclient_id = \"YOUR-CLIENT-ID\"\n"
	robotFile   = "[profile.robot]\ngrant = \"client_credentials\"\ntoken_url = \"https://id.example.com/token\"\nclient_id = \"m\"\n"
)

// Every command, run for real in this process, on the paths that need no
// provider: no profile file, an unknown profile, an example value, not
// signed in, a keychain that is sealed files (no desktop), the words and
// the exit code each says. Nothing here reaches the network.
func TestCommandsWithoutAProvider(t *testing.T) {
	for _, c := range []struct {
		name string
		// file is the profile file ("": none); in args, stdin and the
		// words, CFG stands for its path, DIR for its directory and
		// SEALED for the sealed files' directory.
		file   string
		before [][]string // commands run first, each to succeed
		stdin  string
		args   []string
		code   int
		stdout []string // each appears
		stderr []string
		never  []string // in neither
	}{
		{name: "token: no profile file", args: []string{"token"}, code: 2,
			stderr: []string{"tokentray: There is no profile yet. Run `tokentray profiles import FILE`.", "there is no file CFG"}},
		{name: "token: an unknown profile", file: workFile, args: []string{"token", "nope"}, code: 2,
			stderr: []string{"tokentray: There is no profile named nope."}},
		{name: "token: an example value", file: exampleFile, args: []string{"token", "example"}, code: 2,
			stderr: []string{"The profile example still holds an example value.", `client_id is still the example value "YOUR-CLIENT-ID"`}},
		{name: "token: not signed in", file: workFile, args: []string{"token", "--json"}, code: 3,
			stderr: []string{"tokentray: You need to sign in to work. Run `tokentray login work`.\n  work: sign-in needed: no sign-in for it is kept in a sealed file"}},
		{name: "token: a broken profile file", file: "[profile.work]\nissuer = 3\n", args: []string{"token"}, code: 2,
			stderr: []string{"tokentray: The profile file has a problem. Fix the line named below", `CFG:2: profile "work": key "issuer": takes text in quotes`}},

		{name: "login: an example value", file: exampleFile, args: []string{"login"}, code: 2,
			stderr: []string{"The profile example still holds an example value."}, never: []string{"Signed in"}},
		{name: "login: an unknown profile", file: workFile, args: []string{"login", "nope", "--no-browser"}, code: 2,
			stderr: []string{"There is no profile named nope."}, never: []string{"http"}},

		{name: "status: no profile file", args: []string{"status"}, code: 0,
			stdout: []string{"No profile yet. Import the profile file your IT team sent you: tokentray profiles import FILE\n"}},
		{name: "status: signed out", file: workFile + robotFile, args: []string{"status"}, code: 0,
			stdout: []string{"PROFILE         STATE       WHO  ACCESS TOKEN  RENEWS WITH\n", "work (default)  signed out  -    -             -\n", "robot           signed out"}},
		{name: "status: JSON", file: workFile, args: []string{"status", "--json"}, code: 0,
			stdout: []string{`"name": "work"`, `"state": "signed-out"`, `"grant": "authorization_code"`}},
		{name: "status: a broken profile file", file: "[profile.work]\nissuer = 3\n", args: []string{"status"}, code: 2,
			stderr: []string{"tokentray: The profile file has a problem.", "CFG:2:"}},

		{name: "logout: not signed in", file: workFile, args: []string{"logout", "work"}, code: 0,
			stderr: []string{"work was not signed in; nothing to do.\n"}},
		{name: "logout: an unknown profile", file: workFile, args: []string{"logout", "nope"}, code: 2,
			stderr: []string{"There is no profile named nope."}},

		{name: "profiles: none yet", args: []string{"profiles"}, code: 0,
			stdout: []string{"No profile yet. Import the profile file your IT team sent you: tokentray profiles import FILE\n"}},
		{name: "profiles: the list", file: workFile + robotFile, args: []string{"profiles"}, code: 0,
			stdout: []string{"PROFILE", "WHERE", "CLIENT", "work (default)  sign-in at https://id.example.com", "robot           machine client, no sign-in"}},
		{name: "profiles import", args: []string{"profiles", "import", "--yes", "DIR/it-sent-me.toml"}, code: 0,
			stderr: []string{"it-sent-me.toml: Not signed.\nIt holds:\n  work: sign-in at https://id.example.com", "Added work to CFG.\n", "  Sign in to work: `tokentray login work`.\n"}},
		{name: "profiles import: then listed", before: [][]string{{"profiles", "import", "--yes", "DIR/it-sent-me.toml"}}, args: []string{"profiles"}, code: 0,
			stdout: []string{"work (default)"}},
		{name: "profiles import: a power, unsigned", args: []string{"profiles", "import", "--yes", "DIR/power.toml"}, code: 2,
			stderr: []string{"gives its token to git for https://git.example.com\n", "tokentray: This profile file was not imported. Ask your IT team for the file they signed",
				"(git_urls) — only a file your IT team signed may do that."}, never: []string{"Added"}},
		{name: "profiles import: no such file", args: []string{"profiles", "import", "DIR/nothing.toml"}, code: 2,
			stderr: []string{"tokentray: The profile file has a problem.", "DIR/nothing.toml: there is no such file"}},
		{name: "profiles remove", file: workFile + robotFile, args: []string{"profiles", "remove", "work"}, code: 0,
			stderr: []string{"Removed work: its profile, tokens and secret are gone from this computer.\n"}},
		{name: "profiles remove: then gone", file: workFile + robotFile, before: [][]string{{"profiles", "remove", "work"}}, args: []string{"profiles"}, code: 0,
			stdout: []string{"robot (default)"}, never: []string{"work"}},
		{name: "profiles remove: an unknown profile", file: workFile, args: []string{"profiles", "remove", "nope"}, code: 2,
			stderr: []string{"There is no profile named nope."}},

		{name: "secret set", file: robotFile, stdin: "s3cr3t-value\n", args: []string{"secret", "set", "robot"}, code: 0,
			stderr: []string{"Saved the client secret for robot in a sealed file (no desktop keychain; key in the kernel keyring).\n"}},
		{name: "secret set: nothing on standard input", file: robotFile, args: []string{"secret", "set", "robot"}, code: 1,
			stderr: []string{"tokentray: Nothing came on standard input. Pipe the secret in, or run the command at a terminal to be asked for it."}},
		{name: "secret set: a key for a profile without one", file: robotFile, args: []string{"secret", "set", "robot", "--key", "DIR/key.pem"}, code: 2,
			stderr: []string{"tokentray: The command was not understood. Save its secret without --key: `tokentray secret set robot`.\n  robot does not sign with a private key (that is jwt_alg RS256 or ES256, or client_auth private_key_jwt)\n"}},
		{name: "secret set: an unknown profile", file: robotFile, stdin: "s3cr3t-value\n", args: []string{"secret", "set", "nope"}, code: 2,
			stderr: []string{"There is no profile named nope."}},
		{name: "secret delete", file: robotFile, before: [][]string{{"secret", "set", "robot"}}, stdin: "s3cr3t-value\n", args: []string{"secret", "delete", "robot"}, code: 0,
			stderr: []string{"The keychain no longer holds a client secret for robot.\n"}},
		{name: "secret delete: none saved", file: robotFile, args: []string{"secret", "delete", "robot"}, code: 0,
			stderr: []string{"The keychain no longer holds a client secret for robot.\n"}},

		{name: "exec: a variable that runs code", file: workFile, args: []string{"exec", "work", "--env", "BASH_ENV", "--", "true"}, code: 2,
			stderr: []string{`tokentray: The command was not understood: "BASH_ENV" cannot carry a token`, "See `tokentray exec --help`."}},
		{name: "exec: not signed in", file: workFile, args: []string{"exec", "work", "--", "true"}, code: 3,
			stderr: []string{"tokentray: You need to sign in to work. Run `tokentray login work`."}},

		{name: "git-credential store", file: workFile, stdin: "protocol=https\nhost=git.example.com\nusername=oauth2\npassword=s3cr3t-value\n\n", args: []string{"git-credential", "store"}, code: 0},
		{name: "git-credential get: a URL no profile claims", file: workFile, stdin: "protocol=https\nhost=git.example.com\n\n", args: []string{"git-credential", "get"}, code: 0},
		{name: "git-credential erase: a URL no profile claims", file: workFile, stdin: "url=https://git.example.com/x\n\n", args: []string{"git-credential", "erase"}, code: 0},

		{name: "kubectl-credential: an example value", file: exampleFile, args: []string{"kubectl-credential"}, code: 2,
			stderr: []string{"The profile example still holds an example value."}},
		{name: "kubectl-credential: not signed in", file: workFile, args: []string{"kubectl-credential", "work"}, code: 3,
			stderr: []string{"You need to sign in to work. Run `tokentray login work`."}},

		{name: "inspect: no profile file", args: []string{"inspect", "work"}, code: 2,
			stderr: []string{"There is no profile yet. Run `tokentray profiles import FILE`."}},
		{name: "inspect: not signed in", file: workFile, args: []string{"inspect"}, code: 3,
			stderr: []string{"You need to sign in to work. Run `tokentray login work`."}},

		// An example value: doctor asks no provider.
		{name: "doctor: without a desktop", file: exampleFile, args: []string{"doctor"}, code: 1,
			stdout: []string{"✓ profile file", "CFG (1 profile)\n", "✗ session bus", "→ run tokentray inside a desktop session", "✗ display", "✗ profile example", "✓ tray", "not running; the commands work without it", "need fixing (above).\n"}},
		{name: "doctor: no profile file", args: []string{"doctor"}, code: 1,
			stdout: []string{"✗ profile file    none yet at CFG\n", "→ import the file your IT team sent: tokentray profiles import FILE"}},

		{name: "policy: none", args: []string{"policy"}, code: 0, stdout: []string{"No policy is set for tokentray on this computer.\n"}},

		{name: "unlock: nothing sealed yet", args: []string{"unlock"}, code: 0,
			stderr: []string{"Nothing to unlock: the data key of the sealed sign-ins in SEALED is kept in your kernel keyring"}},
		{name: "unlock: a passphrase too short", stdin: "hunter2\n", args: []string{"unlock", "--new-passphrase"}, code: 2,
			stderr: []string{"tokentray: The command was not understood. Choose a passphrase of at least 8 characters.\n  a passphrase of at least 8 characters is needed\n"}},
		{name: "unlock: no passphrase", args: []string{"unlock", "--new-passphrase"}, code: 1,
			stderr: []string{"tokentray: Nothing came on standard input.", "`pass show tokentray | tokentray unlock`"}},
		{name: "unlock: the key in a plain file", args: []string{"unlock", "--insecure-store"}, code: 0,
			stderr: []string{"tokentray: warning: the sign-ins in SEALED are now kept with their key in a plain file beside them"}},
		{name: "unlock: nothing to unlock in a plain file", before: [][]string{{"unlock", "--insecure-store"}}, args: []string{"unlock"}, code: 0,
			stderr: []string{"Nothing to unlock: the data key of the sign-ins in SEALED lies in a plain file (--insecure-store)"}},

		{name: "version", args: []string{"version"}, code: 0, stdout: []string{"tokentray dev\n"}},
		{name: "--version", args: []string{"--version"}, code: 0, stdout: []string{"tokentray dev\n"}},

		{name: "completion", args: []string{"completion"}, code: 0, stdout: []string{"Available Commands:\n  bash", "powershell", "zsh"}},
		{name: "completion bash", args: []string{"completion", "bash"}, code: 0, stdout: []string{"# bash completion V2 for tokentray", "__start_tokentray"}},
		{name: "completion zsh", args: []string{"completion", "zsh"}, code: 0, stdout: []string{"#compdef tokentray"}},
		{name: "completion fish", args: []string{"completion", "fish"}, code: 0, stdout: []string{"# fish completion for tokentray"}},
		{name: "completion powershell", args: []string{"completion", "powershell"}, code: 0, stdout: []string{"# powershell completion for tokentray"}},
		{name: "completion: an argument to a shell", args: []string{"completion", "zsh", "x"}, code: 2,
			stderr: []string{"The command was not understood: `tokentray completion zsh` takes no arguments; it got 1."}},
		{name: "completion: profile names", file: workFile + robotFile, args: []string{"__complete", "token", ""}, code: 0,
			stdout: []string{"work\nrobot\n:4\n"}, stderr: []string{"Completion ended with directive: ShellCompDirectiveNoFileComp\n"}},

		{name: "help", args: []string{"help"}, code: 0, stdout: []string{"Usage:\n  tokentray [flags]\n  tokentray [command]\n", "Exit codes: 0 ok, 1 error, 2 usage"}},
		{name: "help: a command", args: []string{"help", "token"}, code: 0, stdout: []string{"Usage:\n  tokentray token [PROFILE] [flags]\n", "--min-valid duration", "Examples:"}},
		{name: "help: a subcommand", args: []string{"help", "profiles", "import"}, code: 0, stdout: []string{"tokentray profiles import FILE [flags]", "--yes"}},
		{name: "help: --help", args: []string{"exec", "--help"}, code: 0, stdout: []string{"tokentray exec [PROFILE] [flags] -- COMMAND [ARG…]"}},
		{name: "help: no such topic", args: []string{"help", "nosuch"}, code: 2, stderr: []string{`The command was not understood: "nosuch" is not a command.`}},
		{name: "help: no such subcommand", args: []string{"help", "profiles", "lst"}, code: 2, stderr: []string{`"lst" is not a command`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			alone(t)
			dir := t.TempDir()
			cfg := filepath.Join(dir, "profiles.toml")
			for name, body := range map[string]string{
				"it-sent-me.toml": workFile,
				// git_urls hands the token to a git host: only a file IT
				// signed may say so.
				"power.toml":    workFile + "git_urls = [\"https://git.example.com/\"]\n",
				"profiles.toml": c.file,
			} {
				if body == "" {
					continue
				}
				if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			words := strings.NewReplacer("CFG", cfg, "DIR", dir, "SEALED", filepath.Join(os.Getenv("HOME"), ".local", "state", "tokentray", "sealed"))
			fill := func(list []string) []string {
				out := make([]string, len(list))
				for i, s := range list {
					out[i] = words.Replace(s)
				}
				return out
			}
			for _, args := range c.before {
				if code, stdout, stderr := runIn(t, cfg, c.stdin, fill(args)...); code != 0 {
					t.Fatalf("%s: exit %d\n%s%s", args, code, stdout, stderr)
				}
			}
			code, stdout, stderr := runIn(t, cfg, c.stdin, fill(c.args)...)
			if code != c.code {
				t.Errorf("exit %d, want %d\n%s%s", code, c.code, stdout, stderr)
			}
			has(t, "stdout", stdout, fill(c.stdout)...)
			has(t, "stderr", stderr, fill(c.stderr)...)
			if len(c.stdout) == 0 && stdout != "" {
				t.Errorf("stdout: %q, want nothing", stdout)
			}
			if len(c.stderr) == 0 && stderr != "" {
				t.Errorf("stderr: %q, want nothing", stderr)
			}
			for _, bad := range append(fill(c.never), "s3cr3t", "hunter2", "panic") {
				if strings.Contains(stdout+stderr, bad) {
					t.Errorf("says %q:\n%s%s", bad, stdout, stderr)
				}
			}
		})
	}
}
