//go:build linux

// Whole-process measurements of the tray for BenchmarkReport: idle cost,
// start-up to the item on D-Bus, and `tokentray token` through the socket.
package e2e

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tokentray/tokentray/internal/testkit"
)

// procSample is a process's CPU ticks, context switches of all its threads,
// and RSS, from /proc.
type procSample struct {
	at       time.Time
	ticks    int64 // utime+stime, clock ticks (1/100 s)
	switches int64
	rssKB    int64
}

func sampleProc(tb testing.TB, pid int) procSample {
	s := procSample{at: time.Now()}
	dir := "/proc/" + strconv.Itoa(pid)
	stat, err := os.ReadFile(dir + "/stat")
	if err != nil {
		tb.Fatalf("process %d: %v", pid, err)
	}
	// Fields after the command name (which may hold spaces) start at ") ".
	f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+2:]))
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	s.ticks = ut + st
	tasks, _ := filepath.Glob(dir + "/task/*/status")
	for _, t := range tasks {
		data, _ := os.ReadFile(t)
		for _, l := range strings.Split(string(data), "\n") {
			if v, ok := strings.CutPrefix(l, "voluntary_ctxt_switches:"); ok {
				n, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
				s.switches += n
			}
			if v, ok := strings.CutPrefix(l, "nonvoluntary_ctxt_switches:"); ok {
				n, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
				s.switches += n
			}
		}
	}
	status, _ := os.ReadFile(dir + "/status")
	for _, l := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			s.rssKB, _ = strconv.ParseInt(strings.Fields(v)[0], 10, 64)
		}
	}
	return s
}

// idleCost is CPU %, context switches per second and RSS (MB) between two
// samples.
type idleCost struct{ cpuPct, switchesPerSec, rssMB float64 }

func costBetween(a, b procSample) idleCost {
	secs := b.at.Sub(a.at).Seconds()
	return idleCost{
		cpuPct:         float64(b.ticks-a.ticks) / 100 / secs * 100,
		switchesPerSec: float64(b.switches-a.switches) / secs,
		rssMB:          float64(b.rssKB) / 1024,
	}
}

// startProc starts a process in env and kills it when the test ends.
func startProc(tb testing.TB, env []string, bin string, args ...string) *exec.Cmd {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.WaitDelay = 3 * time.Second
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return cmd
}

// buildGo builds a Go program from source text, or a package path when
// src starts with "./".
func buildGo(tb testing.TB, name, src string) string {
	dir := tb.TempDir()
	out := filepath.Join(dir, name)
	pkg := src
	if !strings.HasPrefix(src, "./") {
		if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o600); err != nil {
			tb.Fatal(err)
		}
		pkg = filepath.Join(dir, "main.go")
	}
	cmd := exec.Command("go", "build", "-o", out, pkg)
	if !strings.HasPrefix(src, "./") {
		// Static, as a small client would ship: with cgo, net alone makes a
		// Go binary load libc, a millisecond more per run.
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	}
	if b, err := testkit.Bounded(cmd, 5*time.Minute); err != nil {
		tb.Fatalf("build %s: %v\n%s", name, err, b)
	}
	return out
}

// trayFigures measures the resident signed in to one profile: idle for
// idle, start-up over starts runs, and `token` through its socket (runs
// runs), with their baselines.
func trayFigures(tb testing.TB, e *perfEnv, idle time.Duration, starts, runs int, add func(perfRow)) {
	display := testkit.StartXvfb(tb).Display
	host := testkit.StartTrayHost(tb)
	home := tb.TempDir()
	env := []string{"DISPLAY=" + display, "XDG_RUNTIME_DIR=" + tb.TempDir(), "HOME=" + home,
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"), "LANG=en_US.UTF-8"}
	cfg := writeConfigTB(tb, "[profile.perf-tray]\nissuer = \""+e.p.Issuer+"\"\nclient_id = \"public\"\nscopes = [\"openid\", \"offline_access\"]\ngit_urls = [\"https://git.example.test/\"]\n")
	s := e.signedIn(tb, "perf-tray", nil)
	tb.Cleanup(func() { _, _ = s.Logout(tb.Context()) })

	// 5. Start-up, warm: exec → the item registers with the watcher.
	var ups []time.Duration
	for range starts {
		n := host.ItemCount()
		t0 := time.Now()
		cmd := startProc(tb, env, binary, "--config", cfg)
		host.WaitItems(tb, n+1, 10*time.Second)
		ups = append(ups, time.Since(t0))
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	}
	add(perfRow{"Start-up: exec → tray item registered on D-Bus, warm, median of " + strconv.Itoa(starts), fmtDur(median(ups)), "—", "—", "≤ 300 ms"})

	// 1. Idle: the resident, a Go program that only sleeps, and a minimal
	// Fyne tray app, side by side for the same minute.
	sleeper := buildGo(tb, "sleeper", "package main\n\nimport \"time\"\n\nfunc main() { time.Sleep(time.Hour) }\n")
	fyneTray := buildGo(tb, "fynetray", "./testdata/bench/fynetray")
	n := host.ItemCount()
	resident := startProc(tb, env, binary, "--config", cfg)
	host.WaitItems(tb, n+1, 10*time.Second)
	sl := startProc(tb, env, sleeper)
	ft := startProc(tb, env, fyneTray)
	time.Sleep(5 * time.Second) // past start-up
	a := []procSample{sampleProc(tb, resident.Process.Pid), sampleProc(tb, sl.Process.Pid), sampleProc(tb, ft.Process.Pid)}
	time.Sleep(idle)
	b := []procSample{sampleProc(tb, resident.Process.Pid), sampleProc(tb, sl.Process.Pid), sampleProc(tb, ft.Process.Pid)}
	r, base, fy := costBetween(a[0], b[0]), costBetween(a[1], b[1]), costBetween(a[2], b[2])
	secs := strconv.Itoa(int(idle.Seconds()))
	add(perfRow{"Idle tray, signed in, " + secs + " s: CPU", fmtPct(r.cpuPct), "sleeping Go program: " + fmtPct(base.cpuPct) + "; minimal Fyne 2.7 tray: " + fmtPct(fy.cpuPct),
		ratioF(r.cpuPct, fy.cpuPct) + " of Fyne's", "≤ 0.05 %"})
	add(perfRow{"Idle tray, signed in, " + secs + " s: context switches/s (all threads)", strconv.FormatFloat(r.switchesPerSec, 'f', 2, 64),
		"sleeping Go program: " + strconv.FormatFloat(base.switchesPerSec, 'f', 2, 64) + "; minimal Fyne tray: " + strconv.FormatFloat(fy.switchesPerSec, 'f', 0, 64),
		ratioF(r.switchesPerSec, fy.switchesPerSec) + " of Fyne's", "≤ 1/s"})
	add(perfRow{"Idle tray, signed in: RSS", strconv.FormatFloat(r.rssMB, 'f', 1, 64) + " MB",
		"sleeping Go program: " + strconv.FormatFloat(base.rssMB, 'f', 1, 64) + " MB; minimal Fyne tray: " + strconv.FormatFloat(fy.rssMB, 'f', 0, 64) + " MB",
		ratioF(r.rssMB, fy.rssMB) + " of Fyne's", "≤ 30 MB"})
	_ = ft.Process.Kill()
	_ = sl.Process.Kill()

	// 2. The commands tools run once per operation, through the tray,
	// interleaved with their peers and the floor in the same run: oidc-token
	// (a C client of oidc-agent, the goal), gh auth token, a Go binary
	// printing a constant, and the full program answering the same way
	// (what `tokentray` was before it answered these itself).
	oidcEnv := oidcAgent(tb, e)
	ghEnv := ghConfig(tb)
	// Where the time of a token through the tray goes: the same front
	// against the smallest server that gives the same answer, in Go and in
	// C, and the smallest C program, where oidc-token starts from.
	goServer, cServer := minimalServers(tb)
	for _, env := range [][]string{goServer, cServer} {
		// The front's own answer, not the full program's after a hand-over.
		cmd := exec.Command(binary, "--config", cfg, "token", "perf-tray")
		cmd.Env = append(os.Environ(), env...)
		if out, err := testkit.Bounded(cmd, time.Minute); err != nil || string(out) != "at-000001\n" {
			tb.Fatalf("the front against a minimal server: %v %q", err, out)
		}
	}
	agent := filepath.Join(filepath.Dir(binary), "tokentray-agent")
	gitReq := "protocol=https\nhost=git.example.test\npath=x.git\n\n"
	kinds := []struct {
		row, stdin string
		env        []string
		argv       []string
	}{
		{"`tokentray token` through the tray", "", env, []string{binary, "--config", cfg, "token", "perf-tray"}},
		{"`tokentray git-credential get` through the tray", gitReq, env, []string{binary, "--config", cfg, "git-credential", "get"}},
		{"`tokentray kubectl-credential` through the tray", "", env, []string{binary, "--config", cfg, "kubectl-credential", "perf-tray"}},
		{"The full program, `tokentray-agent token`, through the tray (`tokentray` before it answered these itself)", "", env, []string{agent, "--config", cfg, "token", "perf-tray"}},
		{"`tokentray token` against a minimal Go server (the same answer, nothing else)", "", goServer, []string{binary, "--config", cfg, "token", "perf-tray"}},
		{"`tokentray token` against a minimal C server (the same answer)", "", cServer, []string{binary, "--config", cfg, "token", "perf-tray"}},
		{"Go binary printing a constant (the floor for any Go program)", "", nil, []string{buildBaseline(tb)}},
		{"C binary printing a constant (the floor for a C client such as oidc-token)", "", nil, []string{buildC(tb, "constant", "#include <stdio.h>\nint main(void) { puts(\"constant\"); return 0; }\n")}},
		{"`gh auth token` (its hosts.yml; no network)", "", ghEnv, []string{"gh", "auth", "token"}},
		{"oidc-agent's `oidc-token`, the goal", "", oidcEnv, []string{"oidc-token", "perf"}},
	}
	times := make([][]time.Duration, len(kinds))
	for range runs { // interleaved, so drift hits all alike
		for k, c := range kinds {
			times[k] = append(times[k], timeRunIn(tb, c.env, c.stdin, c.argv[0], c.argv[1:]...))
		}
	}
	goal := median(times[len(kinds)-1])
	for k, c := range kinds {
		m, want := median(times[k]), "—"
		if k < 3 {
			want = "≤ 1.1× oidc-token"
		}
		if k == len(kinds)-1 {
			add(perfRow{c.row + ", median of " + strconv.Itoa(runs), fmtDur(m), "—", "—", "—"})
			continue
		}
		add(perfRow{c.row + ", median of " + strconv.Itoa(runs), fmtDur(m), "oidc-token: " + fmtDur(goal), ratio(m, goal), want})
	}
	_ = resident.Process.Signal(os.Interrupt)
}

// minimalServers starts the smallest servers that answer the front's token
// request as the tray does, one in Go and one in C, each on a socket where
// the front looks for the tray under the runtime directory the returned
// environment names. They answer a fixed token, whatever was asked.
func minimalServers(tb testing.TB) (goEnv, cEnv []string) {
	const answer = `{"token":{"access_token":"at-000001","token_type":"Bearer","expiry":"2099-01-01T00:00:00Z"},"done":true}`
	socket := func() (env []string, path string) {
		run := tb.TempDir()
		dir := filepath.Join(run, "tokentray")
		if err := os.Mkdir(dir, 0o700); err != nil {
			tb.Fatal(err)
		}
		return []string{"XDG_RUNTIME_DIR=" + run}, filepath.Join(dir, "control.sock")
	}
	goEnv, goSock := socket()
	cEnv, cSock := socket()
	goSrc := `package main

import (
	"bufio"
	"net"
	"os"
)

func main() {
	ln, err := net.Listen("unix", os.Args[1])
	if err != nil {
		panic(err)
	}
	for {
		c, err := ln.Accept()
		if err != nil {
			continue
		}
		go func() {
			defer c.Close()
			if _, err := bufio.NewReader(c).ReadBytes('\n'); err == nil {
				c.Write([]byte("{\"ack\":true}\n" + ` + "`" + answer + "`" + ` + "\n"))
			}
		}()
	}
}
`
	cSrc := `#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv) {
	const char *answer = "{\"ack\":true}\n` + strings.ReplaceAll(answer, `"`, `\"`) + `\n";
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	strncpy(a.sun_path, argv[1], sizeof a.sun_path - 1);
	int ln = socket(AF_UNIX, SOCK_STREAM, 0);
	if (ln < 0 || bind(ln, (struct sockaddr *)&a, sizeof a) || listen(ln, 16))
		return 1;
	char buf[4096];
	for (;;) {
		int c = accept(ln, 0, 0);
		if (c < 0)
			continue;
		if (read(c, buf, sizeof buf) > 0)
			write(c, answer, strlen(answer));
		close(c);
	}
}
`
	for _, s := range []struct {
		bin, sock string
		env       []string
	}{
		// On one processor, as the tray runs (app: goOnOneProcessor).
		{buildGo(tb, "goserver", goSrc), goSock, []string{"GOMAXPROCS=1"}},
		{buildC(tb, "cserver", cSrc), cSock, nil},
	} {
		startProc(tb, s.env, s.bin, s.sock)
		testkit.Eventually(tb, 10*time.Second, "the minimal server listens", func() bool {
			c, err := net.Dial("unix", s.sock)
			if err == nil {
				c.Close()
			}
			return err == nil
		})
	}
	return goEnv, cEnv
}

// buildC compiles a C program from source text with the system's cc, as a
// C client such as oidc-token is built: dynamically linked, -O2.
func buildC(tb testing.TB, name, src string) string {
	dir := tb.TempDir()
	c, out := filepath.Join(dir, name+".c"), filepath.Join(dir, name)
	if err := os.WriteFile(c, []byte(src), 0o600); err != nil {
		tb.Fatal(err)
	}
	if b, err := testkit.Bounded(exec.Command("cc", "-O2", "-o", out, c), time.Minute); err != nil {
		tb.Fatalf("build %s: %v\n%s", name, err, b)
	}
	return out
}

func fmtPct(p float64) string { return strconv.FormatFloat(p, 'f', 3, 64) + " %" }

func ratioF(a, b float64) string {
	if b == 0 {
		return "—"
	}
	return strconv.FormatFloat(a/b, 'f', 3, 64) + "×"
}
