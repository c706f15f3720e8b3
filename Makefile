# tokentray — `make run` and `make test` work on a fresh Debian machine: they
# install what they need first (as root, or through sudo).

GO          ?= go
BIN         := tokentray
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
# Debian packages the tests run against: a real browser, a real Secret
# Service (GNOME Keyring) on a private D-Bus session.
TEST_DEBS   := chromium gnome-keyring libsecret-tools dbus-daemon ca-certificates

FUZZTIME    ?= 15s
FUZZ        := FuzzCallback FuzzParseTokenResponse FuzzParseConfig

.PHONY: build run test test-deps lint crossbuild fuzz clean

build:
	$(GO) build -o $(BIN) .

run: build
	./$(BIN) $(ARGS)

test: test-deps lint crossbuild
	testdata/keyring-session.sh $(GO) test -count=1 -timeout 20m ./...

# Installs only what is missing, so a warm machine skips apt entirely.
test-deps:
	@missing=""; \
	for p in $(TEST_DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	command -v node >/dev/null 2>&1 || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $$missing; \
	fi
	cd testdata/provider && npm ci --no-audit --no-fund --loglevel=error

lint:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

# auth/ is pure Go: it must build without cgo wherever tokentray runs.
crossbuild:
	for os in linux darwin windows; do CGO_ENABLED=0 GOOS=$$os $(GO) build ./auth/ || exit 1; done

# Each fuzz target for FUZZTIME (CI: a short fixed time; see
# docs/RELIABILITY.md for long runs: FUZZTIME=1000000x).
fuzz:
	for f in $(FUZZ); do $(GO) test -run XXX -fuzz "^$$f$$" -fuzztime $(FUZZTIME) ./auth || exit 1; done

clean:
	rm -f $(BIN)
