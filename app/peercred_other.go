//go:build !linux && !darwin

package app

import "net"

// peerIsUser: Windows has no peer credentials for AF_UNIX sockets; the
// socket's directory under %LocalAppData% admits only the user.
func peerIsUser(net.Conn) error { return nil }
