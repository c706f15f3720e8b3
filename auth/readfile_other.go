//go:build !unix

package auth

// openNonblock: no FIFOs that block an open outside Unix.
const openNonblock = 0
