// Package keychain keeps each profile's sign-in (a Record) and its client
// secret in the OS keychain — Secret Service, macOS Keychain, Windows
// Credential Manager — through go-keyring: every call bounded in time,
// records larger than an item split so that a crash leaves the old record
// or the new one, and every value tied to the settings it was saved for.
package keychain

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/tokentray/tokentray/words"
)

// Name is what people call this system's keychain, in English (Said says
// it in the language in use).
var Name = map[string]string{
	"darwin":  nameMacOS,
	"windows": nameWindows,
}[runtime.GOOS]

func init() {
	if Name == "" {
		Name = nameSecretService
	}
}

// The store's words for people, in English: where it keeps sign-ins (Name,
// Store.Name) and why no desktop keychain is used (keychainAbsent).
const (
	nameMacOS         = "the macOS Keychain"
	nameWindows       = "the Windows Credential Manager"
	nameSecretService = "the system keychain (Secret Service)"
	nameSealed        = "a sealed file (no desktop keychain; key in the kernel keyring)"
	nameSealedPass    = "a sealed file (no desktop keychain; key under your passphrase)"
	nameInsecure      = "a file that is NOT sealed (no desktop keychain; --insecure-store: its key lies beside it in plain text)"
	absentNoBus       = "no D-Bus session bus"
	absentNoService   = "no Secret Service on the D-Bus session bus"
	absentNoListener  = "no D-Bus session bus listens at DBUS_SESSION_BUS_ADDRESS"
)

// Said is one of the store's words — Name, Store.Name, why no desktop
// keychain answers — as people read it, in the language in use. They stay
// English where they are detail: in an error's message, a log and
// `status --json`. Any other text is returned as it is.
func Said(s string) string {
	switch s {
	case nameMacOS:
		return words.T("the macOS Keychain")
	case nameWindows:
		return words.T("the Windows Credential Manager")
	case nameSecretService:
		return words.T("the system keychain (Secret Service)")
	case nameSealed:
		return words.T("a sealed file (no desktop keychain; key in the kernel keyring)")
	case nameSealedPass:
		return words.T("a sealed file (no desktop keychain; key under your passphrase)")
	case nameInsecure:
		return words.T("a file that is NOT sealed (no desktop keychain; --insecure-store: its key lies beside it in plain text)")
	case absentNoBus:
		return words.T("no D-Bus session bus")
	case absentNoService:
		return words.T("no Secret Service on the D-Bus session bus")
	case absentNoListener:
		return words.T("no D-Bus session bus listens at DBUS_SESSION_BUS_ADDRESS")
	}
	return s
}

// usesSecretService is true where go-keyring talks to the Secret Service over
// the D-Bus session bus.
var usesSecretService = runtime.GOOS != "darwin" && runtime.GOOS != "windows"

var errNoSessionBus = errors.New("no D-Bus session bus")

// keychainReachable fails fast where there is no session bus at all. Without
// this, godbus would autolaunch a private bus (and a keyring daemon with it)
// that outlives tokentray and holds nothing the desktop can see.
func keychainReachable() error {
	if !usesSecretService || os.Getenv("DBUS_SESSION_BUS_ADDRESS") != "" {
		return nil
	}
	if dir := os.Getenv("XDG_RUNTIME_DIR"); dir != "" {
		if _, err := os.Stat(filepath.Join(dir, "bus")); err == nil {
			return nil
		}
	}
	return errNoSessionBus
}

// keychainHint turns a keychain failure into what the user can do about it.
func keychainHint(err error) string {
	msg := err.Error()
	switch {
	case errors.Is(err, errNoSessionBus):
		return "there is no D-Bus session (DBUS_SESSION_BUS_ADDRESS is not set); run tokentray inside your desktop session"
	case strings.Contains(msg, "org.freedesktop.secrets") && (strings.Contains(msg, "not provided") || strings.Contains(msg, "ServiceUnknown") || strings.Contains(msg, "was not provided")):
		return "no Secret Service is running; start GNOME Keyring (gnome-keyring-daemon) or enable KeePassXC's Secret Service integration"
	case strings.Contains(msg, "unlock") || strings.Contains(msg, "locked") || strings.Contains(msg, "prompt") || strings.Contains(msg, "dismissed"):
		return "the keychain is locked; unlock it (for example in Passwords and Keys) and try again"
	case strings.Contains(msg, "dbus") || strings.Contains(msg, "D-Bus") || strings.Contains(msg, "connection refused") || strings.Contains(msg, "no such file"):
		return "cannot reach the D-Bus session; run tokentray inside your desktop session"
	case runtime.GOOS == "darwin":
		return "the Keychain refused; open Keychain Access, make sure the login keychain is unlocked, and try again"
	case runtime.GOOS == "windows":
		return "the Credential Manager refused; make sure you are logged in to Windows with your own account"
	default:
		return "the keychain refused; make sure it is running and unlocked"
	}
}
