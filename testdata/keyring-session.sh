#!/bin/sh
# Runs a command inside a private D-Bus session with a real, unlocked GNOME
# Keyring (the Secret Service tokentray uses on Linux). Everything it starts
# ends with the session. No DISPLAY: a locked keyring must fail, not prompt.
set -eu
if [ -z "${TOKENTRAY_IN_KEYRING_SESSION:-}" ]; then
	export TOKENTRAY_IN_KEYRING_SESSION=1
	exec dbus-run-session -- "$0" "$@"
fi
# The keyring lives in a scratch data dir; Go's caches stay where they are.
GOCACHE=$(go env GOCACHE) GOMODCACHE=$(go env GOMODCACHE)
export GOCACHE GOMODCACHE
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export XDG_DATA_HOME="$scratch/data" XDG_CONFIG_HOME="$scratch/config" XDG_CACHE_HOME="$scratch/cache"
export XDG_RUNTIME_DIR="$scratch/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
unset DISPLAY WAYLAND_DISPLAY
eval "$(printf 'test-only-password' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
"$@"
