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

	"github.com/tokentray/tokentray/auth/safefile"
)

// ReadImport reads and checks a profile file to import: what ImportProfiles
// would add, for the person to confirm first (see Profile.Where), and a
// digest of the file as read: ImportProfiles adds it only if it is still
// exactly what was shown.
func ReadImport(src string) (cfg *Config, sum string, err error) {
	data, err := readImportFile(src)
	if err != nil {
		return nil, "", err
	}
	cfg, err = ParseConfig(src, data)
	return cfg, digest(data), err
}

func readImportFile(src string) ([]byte, error) {
	data, err := safefile.ReadSmall(src)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, &ConfigError{File: src, Msg: "there is no such file", Err: err}
		}
		return nil, &ConfigError{File: src, Msg: fmt.Sprintf("cannot read it: %v", err)}
	}
	return data, nil
}

func digest(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// ImportProfiles adds the profiles of the file at src (one that IT sent, or
// one of tokentray's examples) to the profile file at dst, creating it if
// needed — if the file is still the one ReadImport read (sum). Comments are
// kept; a profile that exists already is an error, not an overwrite. The
// result is checked: every profile and setting that was there is exactly as
// it was, and every profile added is exactly as read — or nothing is
// written. It returns the names added.
func ImportProfiles(dst, src, sum string) ([]string, error) {
	srcText, err := readImportFile(src)
	if err != nil {
		return nil, err
	}
	if digest(srcText) != sum {
		return nil, &ConfigError{File: src, Msg: "the file changed since its profiles were shown, so nothing was imported; import it again"}
	}
	in, err := ParseConfig(src, srcText)
	if err != nil {
		return nil, err
	}
	dstText, err := safefile.ReadSmall(dst)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, &ConfigError{File: dst, Msg: fmt.Sprintf("cannot read the profile file: %v", err)}
	}
	cur := EmptyConfig(dst)
	if len(dstText) > 0 {
		if cur, err = ParseConfig(dst, dstText); err != nil {
			return nil, fmt.Errorf("fix the profile file before importing into it: %w", err)
		}
	}
	for _, name := range in.Names {
		if _, ok := cur.Profiles[name]; ok {
			return nil, &ConfigError{File: dst, Profile: name, Msg: fmt.Sprintf("already exists; remove it first, or rename it in %s", src)}
		}
	}
	var out bytes.Buffer
	body := string(srcText)
	if in.Default != "" {
		// A top-level key must come before every table: move it to the
		// top — into an empty file only: an import adds profiles, it does
		// not change which one the commands use.
		idx, _ := indexKeys(srcText)
		body = dropLine(body, idx.lines["default"])
		if len(cur.Names) == 0 {
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
	fmt.Fprintf(&out, "# Imported from %s on %s\n", printable(filepath.Base(src)), time.Now().Format("2006-01-02"))
	out.WriteString(body)
	merged, err := ParseConfig(dst, out.Bytes())
	if err != nil {
		return nil, fmt.Errorf("the merged profile file would not be valid, so nothing was changed: %w", err)
	}
	if err := sameAfterImport(cur, in, merged); err != nil {
		return nil, &ConfigError{File: src, Msg: "importing it would change more than it adds, so nothing was changed: " + err.Error()}
	}
	if err := safefile.WriteAtomic(dst, out.Bytes()); err != nil {
		return nil, err
	}
	return in.Names, nil
}

// sameAfterImport checks a merged file: the profiles and settings that were
// there are untouched, and each profile added is as it was read.
func sameAfterImport(cur, in, merged *Config) error {
	for _, name := range cur.Names {
		if m := merged.Profiles[name]; m == nil || !m.Same(cur.Profiles[name]) {
			return fmt.Errorf("profile %s would change", name)
		}
	}
	if cur.ClipboardClear != merged.ClipboardClear {
		return errors.New("clipboard_clear would change")
	}
	if len(cur.Names) > 0 && merged.Default != cur.Default {
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
func SetDefault(path, name string) error {
	return editConfig(path, func(cfg *Config, text string, idx keyIndex) (string, error) {
		if _, ok := cfg.Profiles[name]; !ok {
			return "", &ConfigError{File: path, Key: "default", Msg: fmt.Sprintf("there is no profile named %q", name)}
		}
		return setTopLevel(text, idx, "default", fmt.Sprintf("%q", name)), nil
	})
}

// SetClipboardClear sets clipboard_clear, in whole seconds (0 = never).
func SetClipboardClear(path string, d time.Duration) error {
	return editConfig(path, func(_ *Config, text string, idx keyIndex) (string, error) {
		return setTopLevel(text, idx, "clipboard_clear", fmt.Sprint(int(d/time.Second))), nil
	})
}

// RemoveProfile deletes a profile's table from the file (and the default
// line when it named that profile). The keychain is not touched: sign out
// first to revoke and delete the tokens.
func RemoveProfile(path, name string) error {
	return editConfig(path, func(cfg *Config, text string, idx keyIndex) (string, error) {
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
func editConfig(path string, edit func(cfg *Config, text string, idx keyIndex) (string, error)) error {
	data, err := safefile.ReadSmall(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return &ConfigError{File: path, Msg: fmt.Sprintf("cannot read the profile file: %v", err)}
	}
	cfg, err := ParseConfig(path, data)
	if err != nil {
		return fmt.Errorf("fix the profile file first: %w", err)
	}
	idx, _ := indexKeys(data)
	text, err := edit(cfg, string(data), idx)
	if err != nil {
		return err
	}
	if _, err := ParseConfig(path, []byte(text)); err != nil {
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
