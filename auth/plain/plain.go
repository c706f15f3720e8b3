// Package plain makes text from others — a provider's error description,
// a claim, a profile file's name for a provider — safe to show: one line,
// no control characters a terminal would obey, no format characters that
// reorder what is shown (a right-to-left override can make "exe.txt" read
// "txt.exe"). And it tells a token from anything else: a token is sent in
// headers, printed to terminals and handed to git and to programs'
// environments, so it may hold nothing but visible ASCII.
package plain

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text is s with every control, format and line-separator character
// replaced by a space and invalid UTF-8 dropped.
func Text(s string) string {
	return strings.Map(func(r rune) rune {
		if Unsafe(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, ""))
}

// Line is Text cut to at most max runes, marked "…" where it was cut.
func Line(s string, max int) string {
	s = Text(s)
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	n := 0
	for i := range s {
		if n == max {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// Unsafe tells whether r may change how text around it is shown: a
// control character (C0, DEL, C1), a format character (bidirectional
// overrides and isolates, zero-width joiners), or a line or paragraph
// separator.
func Unsafe(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029'
}

// Clean tells whether s is already plain: Text would not change it.
func Clean(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if Unsafe(r) {
			return false
		}
	}
	return true
}

// Token tells whether s can be a token: one or more visible ASCII
// characters (RFC 6749's VSCHAR without the space) — nothing a shell, a
// terminal, git's credential protocol or an HTTP header would read as
// anything but the token.
func Token(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// AccessToken tells whether s can be an access token: what RFC 6750 lets a
// bearer token be in an Authorization header (b64token: letters, digits
// and - . _ ~ + /, then = padding), and '!' (Salesforce's) — no character
// a shell or cmd.exe reads as syntax (quotes, $, %, &, |, ^, ;, <, >…),
// since the token lands in scripts' variables and environments.
func AccessToken(s string) bool {
	if !Token(s) {
		return false
	}
	pad := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '=':
			pad = true
		case pad:
			return false // = only at the end
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte("-._~+/!", c) >= 0:
		default:
			return false
		}
	}
	return s[0] != '='
}
