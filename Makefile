# tokentray — `make run` and `make test` work on a fresh Debian machine: they
# install what they need first (as root, or through sudo).

GO          ?= go
BIN         := tokentray
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
# Debian packages to build: cgo for Fyne's GL driver (the windows) and the
# X11 clipboard (loads libX11.so at run time).
BUILD_DEBS  := gcc libc6-dev pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev \
               libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev
# Debian packages the tests run against: a real browser, a real Secret
# Service (GNOME Keyring) on a private D-Bus session, a real X server with
# software GL for the clipboard and the windows.
TEST_DEBS   := $(BUILD_DEBS) chromium gnome-keyring libsecret-tools dbus-daemon ca-certificates \
               xvfb x11-utils libgl1-mesa-dri libglx-mesa0

FUZZTIME    ?= 15s
FUZZ        := FuzzCallback FuzzParseTokenResponse FuzzParseConfig

.PHONY: build build-deps run test test-deps lint crossbuild fuzz bench clean

# Two programs: tokentray (tray, command line) and tokentray-window (the
# Fyne windows, started by the tray on demand; it must sit next to it).
build: build-deps
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

# Each fuzz target for FUZZTIME (CI: a short fixed time; see
# docs/RELIABILITY.md for long runs: FUZZTIME=1000000x).
fuzz:
	for f in $(FUZZ); do $(GO) test -run XXX -fuzz "^$$f$$" -fuzztime $(FUZZTIME) ./auth || exit 1; done

clean:
	rm -f $(BIN) tokentray-window
