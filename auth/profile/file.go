package profile

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"github.com/tokentray/tokentray/auth/policy"
	"github.com/tokentray/tokentray/auth/safefile"
)

// Import is a profile file read for import: what it would add, who
// vouches for it, and a digest of what was read — the file and its
// signature — so that only what the person was shown is imported.
type Import struct {
	File   string
	Config *Config
	Vouch  Vouch
	Sum    string
	// Refused says why it may not be imported (Vouch.Refusals); empty:
	// it may.
	Refused []string
}

// ReadImport reads and checks a profile file to import and its signature
// (FILE.sig), judged by the machine's policy pol (nil: none): what
// ImportProfiles would add, for the person to confirm first.
func ReadImport(src string, pol *policy.Policy) (*Import, error) {
	data, sig, v, err := readImportFile(src, pol)
	if err != nil {
		return nil, err
	}
	cfg, err := ParseConfig(src, data)
	if err != nil {
		return nil, err
	}
	return &Import{File: src, Config: cfg, Vouch: v, Sum: digest(data, sig), Refused: v.Refusals(cfg)}, nil
}

// readImportFile reads a file to import and its signature, and judges
// them.
func readImportFile(src string, pol *policy.Policy) (data, sig []byte, v Vouch, err error) {
	data, err = safefile.ReadSmall(src)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil, v, &ConfigError{File: src, Msg: "there is no such file", Err: err}
		}
		return nil, nil, v, &ConfigError{File: src, Msg: fmt.Sprintf("cannot read it: %v", err)}
	}
	if pol == nil {
		pol = &policy.Policy{}
	}
	if pol.Err != nil {
		return nil, nil, v, &ConfigError{File: src, Managed: true, Err: pol.Err,
			Msg: fmt.Sprintf("this computer's policy for tokentray cannot be read, so no profile file can be imported until it is fixed: %v", pol.Err)}
	}
	v = Vouch{Organization: pol.Organization, RequireSigned: pol.RequireSigned}
	sig, unread := policy.ReadSignature(src)
	if unread != nil {
		v.Verdict = *unread
	} else {
		v.Verdict = pol.CheckSignature(data, sig, time.Now())
	}
	return data, sig, v, nil
}

// digest is the SHA-256 of a file and its signature (none is not empty).
func digest(data, sig []byte) string {
	h := sha256.New()
	h.Write(data)
	if sig != nil {
		h.Write([]byte{0})
		h.Write(sig)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Imported is what an import did.
type Imported struct {
	Names []string
	// SetAside is where the profile file that could not be read was kept
	// before the import started a new one ("" when it was fine).
	SetAside string
}

// ImportProfiles adds the profiles of the file at src (one that IT sent, or
// one of tokentray's examples) to the profile file at dst, creating it if
// needed — if the file and its signature are still what ReadImport read
// (sum), and pol lets it in (Vouch.Refusals). Comments are kept; a profile
// that exists already — in dst, or among the names taken by the profiles
// IT manages — is an error, not an overwrite. A dst that cannot be read
// (a mistake the person cannot fix) is set aside as dst.broken-DATE and
// the import starts a new one: importing IT's corrected file is the
// repair. The result is checked: every profile and setting that was there
// is exactly as it was, and every profile added is exactly as read — or
// nothing is written.
func ImportProfiles(dst, src, sum string, pol *policy.Policy, managed *Config) (Imported, error) {
	var res Imported
	srcText, sig, v, err := readImportFile(src, pol)
	if err != nil {
		return res, err
	}
	if digest(srcText, sig) != sum {
		return res, &ConfigError{File: src, Msg: "the file or its signature changed since its profiles were shown, so nothing was imported; import it again"}
	}
	in, err := ParseConfig(src, srcText)
	if err != nil {
		return res, err
	}
	if refused := v.Refusals(in); len(refused) > 0 {
		return res, &RefusedError{File: src, Reasons: refused}
	}
	dstText, err := safefile.ReadSmall(dst)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return res, &ConfigError{File: dst, Msg: fmt.Sprintf("cannot read the profile file: %v", err)}
	}
	cur := EmptyConfig(dst)
	if len(dstText) > 0 {
		if cur, err = parse(dst, dstText, managed); err != nil {
			// Setting the person's file aside is for IT's file to do:
			// where IT can sign, an unsigned one may not (it would take
			// the names and the default the broken file held).
			if !v.Vouched() && pol != nil && pol.AllowedSigners != "" {
				return res, &RefusedError{File: src, Reasons: []string{"Your profile file cannot be read, and only a file your IT team signed may replace it."}}
			}
			if res.SetAside, err = setAside(dst); err != nil {
				return res, err
			}
			cur, dstText = EmptyConfig(dst), nil
		}
	}
	for _, name := range in.Names {
		if _, ok := cur.Profiles[name]; ok {
			return res, &ConfigError{File: dst, Profile: name, Msg: fmt.Sprintf("already exists; remove it first, or rename it in %s", src)}
		}
		if managed.has(name) {
			return res, &ConfigError{File: src, Profile: name, Msg: "is the name of a profile your organisation manages on this computer; rename it in " + src}
		}
	}
	var out bytes.Buffer
	body := string(srcText)
	if in.Default != "" {
		// A top-level key must come before every table: move it to the
		// top — into an empty file only, with no profiles IT manages
		// either: an import adds profiles, it does not change which one
		// the commands use.
		idx, _ := indexKeys(srcText)
		body = dropLine(body, idx.lines["default"])
		if len(cur.Names) == 0 && !managed.any() {
			fmt.Fprintf(&out, "default = %q\n", in.Default)
		}
	}
	out.Write(dstText)
	if len(dstText) > 0 && !bytes.HasSuffix(dstText, []byte("\n")) {
		out.WriteByte('\n')
	}
	if out.Len() > 0 {
		out.WriteByte('\n')
	}
	signed := ""
	if v.Vouched() {
		signed = ", signed by " + printable(v.Principal)
	}
	fmt.Fprintf(&out, "# Imported from %s%s on %s\n", printable(filepath.Base(src)), signed, time.Now().Format("2006-01-02"))
	out.WriteString(body)
	merged, err := parse(dst, out.Bytes(), managed)
	if err != nil {
		return res, fmt.Errorf("the merged profile file would not be valid, so nothing was changed: %w", err)
	}
	if err := sameAfterImport(cur, in, merged, managed.any()); err != nil {
		return res, &ConfigError{File: src, Msg: "importing it would change more than it adds, so nothing was changed: " + err.Error()}
	}
	if err := safefile.WriteAtomic(dst, out.Bytes()); err != nil {
		return res, err
	}
	res.Names = in.Names
	return res, nil
}

// Broken tells whether the profile file at path exists but cannot be
// read: an import would set it aside (ImportProfiles), which the person
// is told before agreeing.
func Broken(path string, managed *Config) bool {
	data, err := safefile.ReadSmall(path)
	if err != nil || len(data) == 0 {
		return err != nil && !errors.Is(err, os.ErrNotExist)
	}
	_, err = parse(path, data, managed)
	return err != nil
}

// setAside keeps a profile file that cannot be read next to where it was,
// as path.broken-DATE (never over an earlier one), for IT to look at.
func setAside(path string) (string, error) {
	base := path + ".broken-" + time.Now().Format("2006-01-02")
	aside := base
	for n := 2; ; n++ {
		if _, err := os.Lstat(aside); errors.Is(err, os.ErrNotExist) {
			break
		}
		aside = fmt.Sprintf("%s-%d", base, n)
	}
	if err := os.Rename(path, aside); err != nil {
		return "", fmt.Errorf("set the profile file that cannot be read aside: %w", err)
	}
	return aside, nil
}

// sameAfterImport checks a merged file: the profiles and settings that were
// there are untouched, and each profile added is as it was read.
func sameAfterImport(cur, in, merged *Config, managed bool) error {
	for _, name := range cur.Names {
		if m := merged.Profiles[name]; m == nil || !m.Same(cur.Profiles[name]) {
			return fmt.Errorf("profile %s would change", name)
		}
	}
	if cur.ClipboardClear != merged.ClipboardClear {
		return errors.New("clipboard_clear would change")
	}
	if cur.Forwarded != merged.Forwarded {
		return errors.New("forwarded would change")
	}
	if (len(cur.Names) > 0 || managed) && merged.Default != cur.Default {
		return errors.New("the default profile would change")
	}
	for _, name := range in.Names {
		m := merged.Profiles[name]
		if m == nil {
			return fmt.Errorf("profile %s would be missing", name)
		}
		// Relative ca_file and private_key_file now resolve next to the
		// profile file; everything else must be as read.
		a, b := *m, *in.Profiles[name]
		a.CAFile, b.CAFile, a.PrivateKeyFile, b.PrivateKeyFile = "", "", "", ""
		if !a.Same(&b) {
			return fmt.Errorf("profile %s would not be as in the file", name)
		}
	}
	if len(merged.Names) != len(cur.Names)+len(in.Names) {
		return errors.New("it would add other profiles than it holds")
	}
	return nil
}

// printable is s with every control character replaced, for a line of its
// own in a file: a file name must not be able to start a new line.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return '?'
		}
		return r
	}, s)
}

func dropLine(text string, line int) string {
	if line <= 0 {
		return text
	}
	lines := strings.SplitAfter(text, "\n")
	if line > len(lines) {
		return text
	}
	return strings.Join(append(lines[:line-1:line-1], lines[line:]...), "")
}

// SetDefault makes name the profile used when a command names none.
func SetDefault(path, name string, managed *Config) error {
	return editConfig(path, managed, func(cfg *Config, text string, idx keyIndex) (string, error) {
		if _, ok := cfg.Profiles[name]; !ok && !managed.has(name) {
			return "", &ConfigError{File: path, Key: "default", Msg: fmt.Sprintf("there is no profile named %q", name)}
		}
		return setTopLevel(text, idx, "default", fmt.Sprintf("%q", name)), nil
	})
}

// SetClipboardClear sets clipboard_clear, in whole seconds (0 = never).
func SetClipboardClear(path string, d time.Duration, managed *Config) error {
	return editConfig(path, managed, func(_ *Config, text string, idx keyIndex) (string, error) {
		return setTopLevel(text, idx, "clipboard_clear", fmt.Sprint(int(d/time.Second))), nil
	})
}

// RemoveProfile deletes a profile's table from the file (and the default
// line when it named that profile). The keychain is not touched: sign out
// first to revoke and delete the tokens.
func RemoveProfile(path, name string, managed *Config) error {
	return editConfig(path, managed, func(cfg *Config, text string, idx keyIndex) (string, error) {
		if managed.has(name) {
			return "", &ConfigError{File: path, Profile: name, Msg: "is managed by your organisation on this computer and cannot be removed here"}
		}
		if _, ok := cfg.Profiles[name]; !ok {
			return "", &ConfigError{File: path, Profile: name, Msg: "no such profile"}
		}
		start := idx.lines["profile."+name]
		lines := strings.SplitAfter(text, "\n")
		end := len(lines) // the last line of the profile, 1-based
		for key, line := range idx.lines {
			mine := key == "profile."+name || strings.HasPrefix(key, "profile."+name+".")
			if !mine && line > start && line-1 < end {
				end = line - 1
			}
		}
		// Comments just above a table belong to it.
		isComment := func(n int) bool { return strings.HasPrefix(strings.TrimSpace(lines[n-1]), "#") }
		for end > start && end < len(lines) && isComment(end) {
			end--
		}
		for start > 1 && isComment(start-1) {
			start--
		}
		lines = append(lines[:start-1:start-1], lines[end:]...)
		text = strings.Join(lines, "")
		if cfg.Default == name {
			text = dropLine(text, idx.lines["default"])
		}
		return text, nil
	})
}

// editConfig applies edit to the profile file's text, checks that the result
// is still a valid profile file, and replaces the file atomically; on any
// error the file is left as it was.
func editConfig(path string, managed *Config, edit func(cfg *Config, text string, idx keyIndex) (string, error)) error {
	data, err := safefile.ReadSmall(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return &ConfigError{File: path, Msg: fmt.Sprintf("cannot read the profile file: %v", err)}
	}
	cfg, err := parse(path, data, managed)
	if err != nil {
		return fmt.Errorf("fix the profile file first: %w", err)
	}
	idx, _ := indexKeys(data)
	text, err := edit(cfg, string(data), idx)
	if err != nil {
		return err
	}
	if _, err := parse(path, []byte(text), managed); err != nil {
		return fmt.Errorf("the edited profile file would not be valid, so nothing was changed: %w", err)
	}
	return safefile.WriteAtomic(path, []byte(text))
}

// setTopLevel replaces the line of a top-level key, or adds the key at the
// top, where TOML wants top-level keys (before any table).
func setTopLevel(text string, idx keyIndex, key, value string) string {
	line := fmt.Sprintf("%s = %s\n", key, value)
	if n := idx.lines[key]; n > 0 {
		lines := strings.SplitAfter(text, "\n")
		lines[n-1] = line
		return strings.Join(lines, "")
	}
	return line + text
}
