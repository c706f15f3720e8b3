//go:build !darwin && !windows

package keychain

import (
	"errors"
	"net"
	"syscall"

	"github.com/godbus/dbus/v5"
)

// keychainAbsent tells whether err means that no Secret Service is there
// at all — no session bus, a bus address where no bus listens, or a bus on
// which nothing provides org.freedesktop.secrets — and says which, in
// words. A Secret Service that is there but locked, has no collection it
// can unlock without a prompt ("failed to unlock correct collection"), or
// does not answer, is not absent: its sign-ins must not be shadowed by
// files, so those stay errors.
func keychainAbsent(err error) (string, bool) {
	var de dbus.Error
	var oe *net.OpError
	switch {
	case err == nil:
		return "", false
	case errors.Is(err, errNoSessionBus):
		return absentNoBus, true
	case errors.As(err, &de) && (de.Name == "org.freedesktop.DBus.Error.ServiceUnknown" || de.Name == "org.freedesktop.DBus.Error.NameHasNoOwner"):
		return absentNoService, true
	case errors.As(err, &oe) && oe.Op == "dial" && (errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.ECONNREFUSED)):
		return absentNoListener, true
	}
	return "", false
}
