package policy

import (
	"encoding/base64"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
)

// Signer is one line of an OpenSSH allowed-signers file (ssh-keygen(1),
// "ALLOWED SIGNERS").
type Signer struct {
	Principals []string // as written; may be patterns with * and ?
	Key        ssh.PublicKey
	Namespaces []string // patterns; none = every namespace
	// ValidAfter and ValidBefore bound when the key may sign; zero = no
	// bound.
	ValidAfter, ValidBefore time.Time
	// CertAuthority marks a cert-authority line. tokentray does not
	// support certificates, so such a line never vouches for a file.
	CertAuthority bool
	Line          int
}

// ParseAllowedSigners reads an allowed-signers file. Errors name file and
// line: a list IT wrote must not be half-read.
func ParseAllowedSigners(file string, data []byte) ([]Signer, error) {
	var signers []Signer
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.Trim(line, " \t\r")
		if line == "" || line[0] == '#' {
			continue
		}
		s, err := parseSigner(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", file, i+1, err)
		}
		s.Line = i + 1
		signers = append(signers, s)
	}
	return signers, nil
}

// parseSigner reads "principals [options] keytype base64 [comment]".
func parseSigner(line string) (Signer, error) {
	var s Signer
	principals, rest, err := principalsField(line)
	if err != nil {
		return s, err
	}
	for _, p := range strings.Split(principals, ",") {
		if p != "" {
			s.Principals = append(s.Principals, p)
		}
	}
	if len(s.Principals) == 0 {
		return s, errors.New("the line names no principals")
	}
	if rest == "" {
		return s, errors.New("a key must follow the principals")
	}
	// As OpenSSH does: a key right away, or else options and then a key.
	var keyErr error
	if s.Key, keyErr = parseKey(rest); keyErr == nil {
		return s, nil
	}
	opts, rest := splitOptions(rest)
	if len(opts) == 1 && looksLikeKeyType(opts[0]) {
		return s, keyErr
	}
	if err := s.parseOptions(opts); err != nil {
		return s, err
	}
	if s.Key, err = parseKey(rest); err != nil {
		return s, err
	}
	return s, nil
}

// principalsField splits off the first field, which may be quoted.
func principalsField(line string) (field, rest string, err error) {
	if strings.HasPrefix(line, `"`) {
		end := strings.IndexByte(line[1:], '"')
		if end < 0 {
			return "", "", errors.New("the quoted principals have no closing quote")
		}
		return line[1 : end+1], strings.TrimLeft(line[end+2:], " \t"), nil
	}
	field, rest, _ = strings.Cut(strings.ReplaceAll(line, "\t", " "), " ")
	return field, strings.TrimLeft(rest, " "), nil
}

// splitOptions splits `a,b="x,y" rest` at the commas and the first space
// outside quotes (where \" is a quote within a value).
func splitOptions(s string) (opts []string, rest string) {
	quoted, start := false, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && quoted && i+1 < len(s) && s[i+1] == '"':
			i++
		case c == '"':
			quoted = !quoted
		case c == ',' && !quoted:
			opts, start = append(opts, s[start:i]), i+1
		case (c == ' ' || c == '\t') && !quoted:
			return append(opts, s[start:i]), strings.TrimLeft(s[i:], " \t")
		}
	}
	return append(opts, s[start:]), ""
}

// parseOptions reads cert-authority, namespaces="…", valid-after="…" and
// valid-before="…", names in any case (as OpenSSH).
func (s *Signer) parseOptions(opts []string) error {
	seen := map[string]bool{}
	for _, opt := range opts {
		if opt == "" {
			return errors.New("an option is empty (a comma too many?)")
		}
		name, value, hasValue := strings.Cut(opt, "=")
		name = strings.ToLower(name)
		if hasValue {
			if len(value) < 2 || value[0] != '"' || value[len(value)-1] != '"' {
				return fmt.Errorf("the value of option %s must be in quotes", name)
			}
			value = strings.ReplaceAll(value[1:len(value)-1], `\"`, `"`)
		}
		if seen[name] {
			return fmt.Errorf("option %s is given twice", name)
		}
		seen[name] = true
		switch {
		case name == "cert-authority" && !hasValue:
			s.CertAuthority = true
		case name == "namespaces" && hasValue:
			s.Namespaces = strings.Split(value, ",")
		case (name == "valid-after" || name == "valid-before") && hasValue:
			t, err := parseSignerTime(value)
			if err != nil {
				return fmt.Errorf("%s=%q is not a time such as \"20260101\" or \"20260101120000Z\"", name, value)
			}
			if name == "valid-after" {
				s.ValidAfter = t
			} else {
				s.ValidBefore = t
			}
		default:
			return fmt.Errorf(`unknown option %q (known: cert-authority, namespaces="…", valid-after="…", valid-before="…")`, opt)
		}
	}
	if !s.ValidAfter.IsZero() && !s.ValidBefore.IsZero() && !s.ValidBefore.After(s.ValidAfter) {
		return errors.New("valid-before must be later than valid-after")
	}
	return nil
}

// looksLikeKeyType tells a broken key from options, for a better error.
func looksLikeKeyType(s string) bool {
	return strings.HasPrefix(s, "ssh-") || strings.HasPrefix(s, "ecdsa-") || strings.HasPrefix(s, "sk-")
}

// parseKey reads "keytype base64 [comment]".
func parseKey(s string) (ssh.PublicKey, error) {
	f := strings.Fields(s)
	if len(f) < 2 {
		return nil, errors.New("a key must follow the principals and options, such as ssh-ed25519 AAAA…")
	}
	blob, err := base64.StdEncoding.DecodeString(f[1])
	if err != nil {
		return nil, fmt.Errorf("the %s key is not valid base64", f[0])
	}
	key, err := ssh.ParsePublicKey(blob)
	if err != nil || key.Type() != f[0] {
		return nil, fmt.Errorf("the %s key is not a valid OpenSSH public key", f[0])
	}
	return key, nil
}

// parseSignerTime reads YYYYMMDD[HHMM[SS]], with Z or UTC for UTC and the
// local time otherwise, as OpenSSH does.
func parseSignerTime(s string) (time.Time, error) {
	loc := time.Local
	if t, ok := strings.CutSuffix(strings.ToUpper(s), "Z"); ok {
		s, loc = t, time.UTC
	} else if t, ok := strings.CutSuffix(strings.ToUpper(s), "UTC"); ok {
		s, loc = t, time.UTC
	}
	layout := map[int]string{8: "20060102", 12: "200601021504", 14: "20060102150405"}[len(s)]
	if layout == "" {
		return time.Time{}, errors.New("bad length")
	}
	return time.ParseInLocation(layout, s, loc)
}

// matchList reports whether s matches a list of patterns, where a pattern
// starting with ! excludes (OpenSSH's match_pattern_list).
func matchList(s string, patterns []string) bool {
	matched := false
	for _, p := range patterns {
		neg, isNeg := strings.CutPrefix(p, "!")
		if ok, _ := path.Match(sshWildcards.Replace(neg), s); ok && isNeg {
			return false
		} else if ok {
			matched = true
		}
	}
	return matched
}

// sshWildcards leaves path.Match only OpenSSH's * and ?; their one other
// difference, that * stops at a slash, cannot matter for the namespace
// matched here.
var sshWildcards = strings.NewReplacer(`\`, `\\`, `[`, `\[`)
