package cli

import "strconv"

// count says n things, in the singular for one: "1 profile", "2 profiles",
// "0 profiles".
func count(n int, one, many string) string {
	return strconv.Itoa(n) + " " + plural(n, one, many)
}

// plural is one for n == 1, else many.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
