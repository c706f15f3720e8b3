package testkit

import (
	"net"
	"testing"
)

// ServeUnix serves each connection to a Unix socket at path with serve,
// each on a goroutine of its own, until the test ends.
func ServeUnix(t testing.TB, path string, serve func(net.Conn)) {
	t.Helper()
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go serve(c)
		}
	}()
}
