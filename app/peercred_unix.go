//go:build linux || darwin

package app

import (
	"errors"
	"net"
	"os"
)

// peerIsUser tells whether the other end of c runs as this user.
func peerIsUser(c net.Conn) error {
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return errors.New("not a unix socket")
	}
	raw, err := uc.SyscallConn()
	if err != nil {
		return err
	}
	var uid uint32
	var serr error
	if err := raw.Control(func(fd uintptr) { uid, serr = peerUID(int(fd)) }); err != nil {
		return err
	}
	if serr != nil {
		return serr
	}
	if int(uid) != os.Getuid() {
		return errors.New("the peer is another user")
	}
	return nil
}
