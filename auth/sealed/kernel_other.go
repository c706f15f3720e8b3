//go:build !linux

package sealed

import "fmt"

var errNoKernel = fmt.Errorf("%w: only Linux has one", ErrNoKernelKeyring)

func kernelRing() (int, string, error) { return 0, "", errNoKernel }

func kernelGet(string) ([]byte, error) { return nil, errNoKernel }

func kernelSet(string, []byte) error { return errNoKernel }

func kernelForget(string) error { return errNoKernel }

// lockDir has nothing to lock: only the kernel data key is made under it.
func lockDir(string) (func(), error) { return func() {}, nil }
