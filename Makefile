# tokentray — `make run` and `make test` work on a fresh Debian machine: they
# install what they need first (as root, or through sudo).

GO          ?= go
BIN         := tokentray
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
# Every build without build paths: release builds must be (reproducible),
# and the tests', the programs' and the release's builds then share one
# build cache — a cold machine compiles Fyne's cgo once, not twice.
export GOFLAGS += -trimpath
# Debian packages to build: cgo for Fyne's GL driver (the windows). The
# clipboard needs none: golang.design/x/clipboard speaks X11 and Wayland
# in pure Go.
BUILD_DEBS  := gcc libc6-dev pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev \
               libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev
# Debian packages the tests run against: a real browser, a real Secret
# Service (GNOME Keyring) on a private D-Bus session, a real X server with
# software GL for the clipboard and the windows, a headless Wayland
# compositor (sway) for the Wayland clipboard, the programs that read
# both clipboards back (xclip, wl-clipboard), OpenSSH's server and client
# (a server on loopback that `ssh -R` forwards the tray's socket to; the
# tests run their own sshd, but on a machine with systemd installing the
# package also starts the system's on port 22: `systemctl disable --now
# ssh` if that is not wanted) and bubblewrap (a container the socket is
# mounted into).
TEST_DEBS   := $(BUILD_DEBS) chromium gnome-keyring libsecret-tools dbus-daemon ca-certificates \
               xvfb x11-utils libgl1-mesa-dri libglx-mesa0 git sway wl-clipboard xclip xdotool \
               openssh-server openssh-client bubblewrap

# A count, not a duration: with a duration Go 1.26 can fail a clean run
# with "context deadline exceeded" at the deadline (golang/go#75804).
FUZZTIME    ?= 100000x
FUZZ        := ./auth:FuzzCallback ./auth:FuzzParseTokenResponse ./auth/profile:FuzzParseConfig

.PHONY: build build-deps run test test-deps lint crossbuild wine-test wine-test-deps fuzz bench bench-deps screenshots dist dist-deps dist-check dist-check-deps windows windows-deps clean

# Three programs, side by side, as the packages install them: tokentray
# (cmd/tokentray-front, small and static: it answers token, git-credential
# and kubectl-credential from a running tray and hands every other command
# to the next), tokentray-agent (the module's root, the full program: the
# tray and every command; what `go install` gives as tokentray) and
# tokentray-window (the Fyne windows, started by the tray on demand). See
# main.go.
build: build-deps
	@[ -x ./tokentray-window ] || echo "Building tokentray — the first build takes a few minutes (it compiles the windows' GL and X11 parts)."
	CGO_ENABLED=0 $(GO) build -o tokentray ./cmd/tokentray-front
	$(GO) build -o tokentray-agent .
	$(GO) build -o . ./cmd/tokentray-window

# Without a desktop session (an SSH login, a container) the tray cannot
# show: it says so itself and exits 1, and make then ends with what to do
# instead, not with an error of its own — the build worked, and the
# commands work here. A tray that fails anywhere else fails make too.
run: build
	@echo ./$(BIN) $(ARGS); ./$(BIN) $(ARGS) || { code=$$?; \
	if $(if $(strip $(ARGS)),false,true) && { [ -z "$$DISPLAY$$WAYLAND_DISPLAY" ] || \
		{ [ -z "$$DBUS_SESSION_BUS_ADDRESS" ] && [ ! -S "$${XDG_RUNTIME_DIR:-/run/user/$$(id -u)}/bus" ]; }; }; then \
		echo; \
		echo "tokentray is built, but its tray needs a desktop session and there is none here. Its commands work without one:"; \
		echo '  make run ARGS="profiles import FILE", then ARGS="login PROFILE" and ARGS="token PROFILE" (./$(BIN) --help lists them all).'; \
		exit 0; \
	fi; exit $$code; }

build-deps:
	@$(call apt_missing,$(BUILD_DEBS))

test: test-deps lint crossbuild
	# The tests read English whatever the machine speaks (a test that
	# wants another language sets it).
	LANGUAGE=en testdata/keyring-session.sh $(GO) test -count=1 -timeout 20m ./...

# Installs only the Debian packages that are missing, so a warm machine
# skips apt entirely.
define apt_missing
missing=""; \
for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
$(2) \
if [ -n "$$missing" ]; then \
	echo "installing:$$missing"; \
	$(SUDO) apt-get update -q && \
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $$missing; \
fi
endef

test-deps:
	@$(call apt_missing,$(TEST_DEBS),command -v node >/dev/null 2>&1 || missing="$$missing nodejs npm";)
	cd testdata/provider && npm ci --no-audit --no-fund --loglevel=error

lint:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) vet -tags wine ./e2e
	GOOS=windows $(GO) vet ./app/ .
	$(GO) run $(STATICCHECK) ./...

# auth/ is pure Go: it must build without cgo wherever tokentray runs, and
# so must the front (Linux, macOS) and the full program on Linux and
# Windows (macOS's tray is Cocoa, through cgo).
crossbuild:
	CGO_ENABLED=0 GOOS=linux $(GO) build ./auth/... ./cmd/tokentray-front .
	CGO_ENABLED=0 GOOS=darwin $(GO) build ./auth/... ./cmd/tokentray-front
	CGO_ENABLED=0 GOOS=windows $(GO) build ./auth/... .

# Windows end to end under Wine 8.0 on Xvfb (e2e/windows_wine_linux_test.go):
# tokentray.exe's command line against the test provider, the Credential
# Manager, and the tray in a Wine desktop (icon, menu, click to copy, the
# balloon). SCREENSHOTS=docs/screenshots keeps its screenshot.
WINE_DEBS   := wine wine64 gcc-mingw-w64-x86-64 xdotool xclip xvfb
SCREENSHOTS ?=
wine-test: test-deps wine-test-deps
	$(GO) test -tags wine -count=1 -timeout 8m -run '^TestWindowsUnderWine$$' ./e2e $(if $(SCREENSHOTS),-screenshots $(abspath $(SCREENSHOTS)))

wine-test-deps:
	@$(call apt_missing,$(WINE_DEBS))

# Measures against baselines in the same run and rewrites
# docs/PERFORMANCE.md. Go benchmarks alone, for benchstat:
#   testdata/keyring-session.sh go test -run '^$$' -bench BenchmarkRefresh -count 6 ./e2e
bench: test-deps bench-deps
	testdata/keyring-session.sh $(GO) test -run '^$$' -bench '^BenchmarkReport$$' -benchtime 1x -timeout 30m ./e2e \
		-perf-out $(CURDIR)/docs/PERFORMANCE.md
	@cat docs/PERFORMANCE.md

# The peers measured beside tokentray: oidc-agent's oidc-token and gh.
BENCH_DEBS := oidc-agent-cli gh
bench-deps:
	@$(call apt_missing,$(BENCH_DEBS))

# The README's screenshots: the real windows under Xvfb.
screenshots: test-deps
	testdata/keyring-session.sh $(GO) test -count=1 -run '^(TestWindowsRender|TestWithoutATrayHost|TestTheTrayInGerman|TestKeyboardOnTheRealWindows)$$' ./e2e -screenshots $(CURDIR)/docs/screenshots

# Release artifacts: the Linux tarball, the .deb, the per-user and the
# per-machine MSI and both Windows .exe files in dist/, with SHA256SUMS.
# One version, stamped into both programs and every package; reproducible
# (the same commit gives the same binaries). SIGN_PFX=cert.pfx SIGN_PASS=…
# signs the .exe files and the MSIs (SIGN_TS=URL adds a timestamp).
# The binaries, unsigned, stay in .build/. No fyne tool: `fyne package`
# builds the tray itself and its metadata file links Fyne into it (the tray
# is meant to run without it), and the tool takes minutes to build cold;
# the tarball is the tree the .deb is made from.
VERSION     ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
DIST_DEBS   := $(BUILD_DEBS) gcc-mingw-w64-x86-64 wixl osslsigncode xz-utils
# What dist-check adds: Wine runs the MSI, desktop-file-validate and
# lintian check the .deb.
CHECK_DEBS  := $(DIST_DEBS) wine wine64 desktop-file-utils lintian openssl
export SIGN_PFX SIGN_PASS SIGN_TS

dist: dist-deps
	VERSION=$(VERSION) GO=$(GO) packaging/dist.sh

dist-deps:
	@$(call apt_missing,$(DIST_DEBS))

# Builds dist/ twice (signed with a throw-away certificate, then unsigned
# from a copy of the tree elsewhere), compares the two, and installs, runs
# and removes the MSIs under Wine and the .deb here (it installs into
# /usr). STEP=build or STEP=test runs one half (CI builds beside the tests).
dist-check: dist-check-deps
	VERSION=$(VERSION) GO=$(GO) testdata/dist/check.sh $(STEP)

dist-check-deps:
	@$(call apt_missing,$(CHECK_DEBS))

# Windows: tokentray.exe, the full program (the module's root), is a
# console program (the command line needs one; the tray lets go of a
# console made just for it), tokentray-window.exe a GUI one built with
# mingw (the windows' GL driver needs cgo).
windows: windows-deps
	CGO_ENABLED=0 GOOS=windows GOARCH=amd64 $(GO) build -o dist/windows/ .
	CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc \
		$(GO) build -ldflags "-H=windowsgui" -o dist/windows/ ./cmd/tokentray-window
	@ls -l dist/windows

windows-deps:
	@$(call apt_missing,gcc-mingw-w64-x86-64)

# Each fuzz target for FUZZTIME executions (CI: a short run; see
# docs/RELIABILITY.md for long runs: FUZZTIME=1000000x).
fuzz:
	for t in $(FUZZ); do $(GO) test -run XXX -fuzz "^$${t#*:}$$" -fuzztime $(FUZZTIME) $${t%%:*} || exit 1; done

clean:
	rm -rf $(BIN) tokentray-agent tokentray-window tokentray.tar.xz dist .build
