package words

import (
	"strconv"
	"time"
)

// Duration says how long, as people say it: "3 h 58 min", "12 min",
// "45 s".
func Duration(d time.Duration) string {
	switch {
	case d >= time.Hour:
		d = d.Round(time.Minute)
		h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
		if m == 0 {
			return T("{h} h", "h", strconv.Itoa(h))
		}
		return T("{h} h {m} min", "h", strconv.Itoa(h), "m", strconv.Itoa(m))
	case d >= time.Minute:
		return T("{m} min", "m", strconv.Itoa(int(d.Round(time.Minute)/time.Minute)))
	case d > 0:
		return T("{s} s", "s", strconv.Itoa(int(d.Round(time.Second)/time.Second)))
	}
	return T("{s} s", "s", "0")
}
