package words

import (
	"testing"
	"time"
)

func TestDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		3*time.Hour + 58*time.Minute + 10*time.Second: "3 h 58 min",
		2 * time.Hour:                   "2 h",
		59*time.Minute + 29*time.Second: "59 min",
		45 * time.Second:                "45 s",
		0:                               "0 s",
	} {
		if got := Duration(d); got != want {
			t.Errorf("Duration(%s) = %q, want %q", d, got, want)
		}
	}
}
