//go:build !unix

package safefile

// openNonblock: no FIFOs that block an open outside Unix.
const openNonblock = 0
