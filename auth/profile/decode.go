package profile

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// Turning go-toml's errors into a person's words, at the file, line and key
// they are about.

func decodeError(path string, err error) error {
	var strict *toml.StrictMissingError
	if errors.As(err, &strict) && len(strict.Errors) > 0 {
		e := &strict.Errors[0]
		line, _ := e.Position()
		ce := keyError(path, line, e.Key(), "unknown key")
		if len(ce.Key) == 0 && ce.Profile == "" {
			ce.Msg = fmt.Sprintf("unknown key %q", strings.Join(e.Key(), "."))
		}
		return ce
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		line, _ := de.Position()
		msg := strings.TrimPrefix(de.Error(), "toml: ")
		if m, ok := plainTypeError(msg); ok {
			if m == "" { // keys right under [profile]: not a profile name
				return &ConfigError{File: path, Line: line, Msg: "a profile's keys go under [profile.NAME], such as [profile.work], not under [profile]"}
			}
			return keyError(path, line, de.Key(), m)
		}
		if k, ok := strings.CutPrefix(msg, "key "); ok && strings.HasSuffix(k, " is already defined") {
			return keyError(path, line, de.Key(), "set a second time, or as both a value and a table; keep one")
		}
		if len(de.Key()) == 0 {
			msg = "not valid TOML: " + msg
		}
		return keyError(path, line, de.Key(), msg)
	}
	var pe *unstable.ParserError
	if errors.As(err, &pe) {
		return &ConfigError{File: path, Msg: "not valid TOML: " + pe.Message}
	}
	return &ConfigError{File: path, Msg: err.Error()}
}

// plainTypeError says go-toml's "cannot decode TOML integer into struct
// field profile.Profile.ClientID of type string" without Go's names (named here by reflection, so that a
// rename cannot silently break it): what the
// key takes, and what it got. "" with ok: keys right under [profile].
func plainTypeError(msg string) (plain string, ok bool) {
	rest, ok := strings.CutPrefix(msg, "cannot decode TOML ")
	if !ok {
		return "", false
	}
	got, into, _ := strings.Cut(rest, " into ")
	goType := into
	if _, t, found := strings.Cut(into, " of type "); found {
		goType = t
	}
	if goType == reflect.TypeFor[Profile]().String() {
		return "", true
	}
	takes, known := map[string]string{
		"string":                             "text in quotes, such as \"…\"",
		"[]string":                           "a list of texts, such as [\"openid\", \"email\"]",
		"int":                                "a whole number",
		"bool":                               "true or false",
		"map[string]string":                  "a table of texts, such as { name = \"value\" }",
		reflect.TypeFor[Duration]().String(): "a duration in quotes, such as \"5m\", or whole seconds",
		reflect.TypeFor[map[string]*Profile]().String(): "a table of profiles, such as [profile.work]",
	}[goType]
	if !known {
		takes = "another kind of value"
	}
	return "takes " + takes + ", not " + tomlWords(got), true
}

// tomlWords names a kind of TOML value as go-toml does ("integer",
// "inline table"…) in plain words.
func tomlWords(kind string) string {
	if w := map[string]string{"integer": "a number", "float": "a decimal number", "string": "text", "boolean": "true or false",
		"array": "a list", "inline table": "a table", "table": "a table"}[kind]; w != "" {
		return w
	}
	return "a date or other value"
}

// keyError names the profile and key of a dotted TOML key.
func keyError(path string, line int, key toml.Key, msg string) *ConfigError {
	ce := &ConfigError{File: path, Line: line, Msg: msg}
	if len(key) >= 2 && key[0] == "profile" {
		ce.Profile = key[1]
		ce.Key = strings.Join(key[2:], ".")
	} else {
		ce.Key = strings.Join(key, ".")
	}
	return ce
}

type keyIndex struct {
	lines  map[string]int // dotted key → first line it appears on
	tables []string       // profile names in order of their [profile.NAME] tables
	// badDuration is the first duration key whose value is neither text
	// nor a whole number, and what it is instead.
	badDuration *keyValueKind
}

// keyValueKind is a key, its line, and the value it holds, in words.
type keyValueKind struct {
	key  toml.Key
	line int
	got  string
}

// badDurationValue says what a duration key holds when Duration cannot
// take it ("" when it can, or when Duration says better itself): neither
// text nor whole seconds.
func badDurationValue(v *unstable.Node) string {
	switch v.Kind {
	case unstable.String:
		return ""
	case unstable.Integer:
		if _, ok := wholeSeconds(string(v.Data)); !ok {
			return string(v.Data)
		}
		return ""
	}
	name := map[unstable.Kind]string{unstable.Bool: "boolean", unstable.Float: "float", unstable.Array: "array",
		unstable.InlineTable: "inline table"}[v.Kind]
	return tomlWords(name)
}

// durationKeys are the keys whose values are Durations.
var durationKeys = map[string]bool{"refresh_margin": true, "refresh_token_lifetime": true}

// indexKeys records the line of every key, so errors found after decoding
// (a bad value rather than bad syntax) can still point at a line.
func indexKeys(data []byte) (keyIndex, error) {
	idx := keyIndex{lines: map[string]int{}}
	seen := map[string]bool{}
	var p unstable.Parser
	p.Reset(data)
	var table []string
	for p.NextExpression() {
		n := p.Expression()
		var parts []string
		line := 0
		for it := n.Key(); it.Next(); {
			k := it.Node()
			parts = append(parts, string(k.Data))
			if line == 0 {
				line = p.Shape(k.Raw).Start.Line
			}
		}
		switch n.Kind {
		case unstable.Table, unstable.ArrayTable:
			table = parts
		case unstable.KeyValue:
			parts = append(append([]string{}, table...), parts...)
		default:
			continue
		}
		full := strings.Join(parts, ".")
		if _, ok := idx.lines[full]; !ok {
			idx.lines[full] = line
		}
		if n.Kind == unstable.KeyValue && len(parts) == 3 && parts[0] == "profile" && durationKeys[parts[2]] && idx.badDuration == nil {
			if got := badDurationValue(n.Value()); got != "" {
				idx.badDuration = &keyValueKind{key: parts, line: line, got: got}
			}
		}
		if len(parts) >= 2 && parts[0] == "profile" && !seen[parts[1]] {
			seen[parts[1]] = true
			idx.tables = append(idx.tables, parts[1])
			if _, ok := idx.lines["profile."+parts[1]]; !ok {
				idx.lines["profile."+parts[1]] = line
			}
		}
	}
	return idx, p.Error()
}
