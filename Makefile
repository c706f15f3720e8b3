# tokentray — `make run` and `make test` work on a fresh Debian machine: they
# install what they need first (as root, or through sudo).

GO          ?= go
BIN         := tokentray
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
# Debian packages to build: cgo for Fyne's GL driver (the windows). The
# clipboard needs none: golang.design/x/clipboard speaks X11 and Wayland
# in pure Go.
BUILD_DEBS  := gcc libc6-dev pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev \
               libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev
# Debian packages the tests run against: a real browser, a real Secret
# Service (GNOME Keyring) on a private D-Bus session, a real X server with
# software GL for the clipboard and the windows, a headless Wayland
# compositor (sway) for the Wayland clipboard, and the programs that read
# both clipboards back (xclip, wl-clipboard).
TEST_DEBS   := $(BUILD_DEBS) chromium gnome-keyring libsecret-tools dbus-daemon ca-certificates \
               xvfb x11-utils libgl1-mesa-dri libglx-mesa0 git sway wl-clipboard xclip

# A count, not a duration: with a duration Go 1.26 can fail a clean run
# with "context deadline exceeded" at the deadline (golang/go#75804).
FUZZTIME    ?= 100000x
FUZZ        := FuzzCallback FuzzParseTokenResponse FuzzParseConfig

.PHONY: build build-deps run test test-deps lint crossbuild fuzz bench screenshots package windows windows-deps clean

# Two programs: tokentray (tray, command line) and tokentray-window (the
# Fyne windows, started by the tray on demand; it must sit next to it).
build: build-deps
	@[ -x ./tokentray-window ] || echo "Building tokentray — the first build takes a few minutes (it compiles the windows' GL and X11 parts)."
	$(GO) build -o . . ./cmd/tokentray-window

run: build
	./$(BIN) $(ARGS)

build-deps:
	@$(call apt_missing,$(BUILD_DEBS))

test: test-deps lint crossbuild
	testdata/keyring-session.sh $(GO) test -count=1 -timeout 20m ./...

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
	$(GO) run $(STATICCHECK) ./...

# auth/ is pure Go: it must build without cgo wherever tokentray runs.
crossbuild:
	for os in linux darwin windows; do CGO_ENABLED=0 GOOS=$$os $(GO) build ./auth/ || exit 1; done

# Measures against baselines in the same run and rewrites
# docs/PERFORMANCE.md. Go benchmarks alone, for benchstat:
#   testdata/keyring-session.sh go test -run '^$$' -bench BenchmarkRefresh -count 6 .
bench: test-deps
	testdata/keyring-session.sh $(GO) test -run '^$$' -bench '^BenchmarkReport$$' -benchtime 1x -timeout 30m . \
		-perf-out $(CURDIR)/docs/PERFORMANCE.md
	@cat docs/PERFORMANCE.md

# The README's screenshots: the real windows under Xvfb.
screenshots: test-deps
	testdata/keyring-session.sh $(GO) test -count=1 -run '^(TestWindowsRender|TestWithoutATrayHost)$$' . -screenshots $(CURDIR)/docs/screenshots

FYNE := fyne.io/tools/cmd/fyne@v1.7.4

# Linux package: fyne package makes the tarball (binary, .desktop file,
# icon, install Makefile) from FyneApp.toml; tokentray-window joins the
# binary in it, since the tray starts it from its own directory.
package: build
	rm -f tokentray.tar.xz
	$(GO) run $(FYNE) package -os linux -release
	rm -rf .pkg && mkdir .pkg && tar -C .pkg -xJf tokentray.tar.xz
	install -m 755 tokentray-window .pkg/tokentray/usr/local/bin/
	sed -i -e '/bin\/\$$(Exec)/{p;s/\$$(Exec)/tokentray-window/g;}' .pkg/tokentray/Makefile
	tar -C .pkg -cJf tokentray.tar.xz tokentray && rm -rf .pkg
	@tar -tJf tokentray.tar.xz

# Windows: tokentray.exe is a console program (the command line needs one;
# the tray lets go of a console made just for it), tokentray-window.exe a
# GUI one built with mingw (the windows' GL driver needs cgo).
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
	for f in $(FUZZ); do $(GO) test -run XXX -fuzz "^$$f$$" -fuzztime $(FUZZTIME) ./auth || exit 1; done

clean:
	rm -rf $(BIN) tokentray-window tokentray.tar.xz dist
