package auth

import (
	"errors"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// wallChanges reports wall-clock changes with no polling: a timerfd on
// CLOCK_REALTIME armed far ahead with TFD_TIMER_CANCEL_ON_SET is cancelled
// by the kernel whenever the wall clock moves against the monotonic one —
// when it is set, and when the machine resumes from suspend (timerfd_resume
// since Linux 5.x). It returns an error at once when it cannot run; else it
// calls changed on each change until stop is closed.
func wallChanges(stop <-chan struct{}, changed func()) error {
	fd, err := unix.TimerfdCreate(unix.CLOCK_REALTIME, unix.TFD_NONBLOCK|unix.TFD_CLOEXEC)
	if err != nil {
		return err
	}
	f := os.NewFile(uintptr(fd), "timerfd") // non-blocking: read parks the goroutine, no thread
	arm := func() error {
		at := time.Now().Add(365 * 24 * time.Hour)
		spec := unix.ItimerSpec{Value: unix.NsecToTimespec(at.UnixNano())}
		return unix.TimerfdSettime(fd, unix.TFD_TIMER_ABSTIME|unix.TFD_TIMER_CANCEL_ON_SET, &spec, nil)
	}
	if err := arm(); err != nil {
		f.Close()
		return err
	}
	go func() {
		<-stop
		f.Close()
	}()
	go func() {
		buf := make([]byte, 8)
		for {
			_, err := f.Read(buf)
			switch {
			case errors.Is(err, syscall.ECANCELED):
				changed()
			case err != nil && !errors.Is(err, syscall.EAGAIN):
				return // closed
			}
			if arm() != nil {
				return
			}
		}
	}()
	return nil
}
