package sealed

import (
	"errors"
	"fmt"
	"runtime"

	"golang.org/x/sys/unix"
)

// blockKeyctl makes keyctl fail as under Docker's default seccomp profile;
// for tests.
var blockKeyctl bool

// kernelRing finds the user's persistent keyring, which also resets its
// expiry. It is linked into the session keyring so that this process
// possesses it and may read keys in it, whatever keyrings the login set up.
// A kernel without persistent keyrings gives the user keyring.
func kernelRing() (id int, name string, err error) {
	id, err = unix.KeyctlInt(unix.KEYCTL_GET_PERSISTENT, -1, unix.KEY_SPEC_SESSION_KEYRING, 0, 0)
	if blockKeyctl {
		err = unix.EPERM
	}
	switch {
	case err == nil:
		return id, "persistent", nil
	case errors.Is(err, unix.EOPNOTSUPP):
		return unix.KEY_SPEC_USER_KEYRING, "user", nil
	case errors.Is(err, unix.EPERM), errors.Is(err, unix.ENOSYS), errors.Is(err, unix.EACCES):
		return 0, "", fmt.Errorf("%w: keyctl was refused (%v), as in containers under Docker's default seccomp profile", ErrNoKernelKeyring, err)
	}
	return 0, "", fmt.Errorf("find your kernel keyring: %w", err)
}

// Every use of the kernel keyring runs on one OS thread, from finding the
// keyring to the last call: where a process starts without a session
// keyring, the kernel gives the thread that asks one of its own, and only
// that thread then possesses the persistent keyring linked into it.

// kernelGet reads the key named desc; nil if there is none.
func kernelGet(desc string) ([]byte, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	id, ring, err := kernelRing()
	if err != nil {
		return nil, err
	}
	kid, err := unix.KeyctlSearch(id, "user", desc, 0)
	if err == nil {
		buf := make([]byte, 64)
		var n int
		if n, err = unix.KeyctlBuffer(unix.KEYCTL_READ, kid, buf, 0); err == nil {
			return buf[:min(n, len(buf))], nil
		}
	}
	// An expired or invalidated key may linger until the kernel collects it.
	if errors.Is(err, unix.ENOKEY) || errors.Is(err, unix.EKEYEXPIRED) || errors.Is(err, unix.EKEYREVOKED) {
		return nil, nil
	}
	return nil, fmt.Errorf("read the data key from your kernel %s keyring: %w", ring, err)
}

// kernelSet adds the key named desc, or replaces its value.
func kernelSet(desc string, key []byte) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	id, ring, err := kernelRing()
	if err != nil {
		return err
	}
	if _, err := unix.AddKey("user", desc, key, id); err != nil {
		return fmt.Errorf("keep the data key in your kernel %s keyring: %w", ring, err)
	}
	return nil
}

// kernelForget invalidates the key named desc, if there is one: the kernel
// drops it at once, from every keyring.
func kernelForget(desc string) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	id, ring, err := kernelRing()
	if err != nil {
		return err
	}
	kid, err := unix.KeyctlSearch(id, "user", desc, 0)
	if errors.Is(err, unix.ENOKEY) || errors.Is(err, unix.EKEYEXPIRED) || errors.Is(err, unix.EKEYREVOKED) {
		return nil
	}
	if err == nil {
		_, err = unix.KeyctlInt(unix.KEYCTL_INVALIDATE, kid, 0, 0, 0)
	}
	if err != nil {
		return fmt.Errorf("forget the data key in your kernel %s keyring: %w", ring, err)
	}
	return nil
}

// lockDir waits for an exclusive flock on path, so that two processes making
// the kernel data key at once end with one. The kernel releases it if the
// process dies.
func lockDir(path string) (unlock func(), err error) {
	fd, err := unix.Open(path, unix.O_CREAT|unix.O_RDWR|unix.O_CLOEXEC|unix.O_NOFOLLOW, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open the lock %s: %w", path, err)
	}
	err = unix.Flock(fd, unix.LOCK_EX)
	for err == unix.EINTR { // a signal to the Go runtime, not a reason to give up
		err = unix.Flock(fd, unix.LOCK_EX)
	}
	if err != nil {
		_ = unix.Close(fd)
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() { _ = unix.Close(fd) }, nil
}
