// Package words is the one catalogue of what people read — in the tray's
// menu and notifications, the windows, the sign-in page in the browser and
// the command line — and its translations.
//
// The English text is written in the code, where it is used, and is the
// key: words.T("Sign in to {profile}…", "profile", name). Each language is
// a flat JSON map from that English text to its translation in
// lang/LANG.json (the format of Fyne's lang package, which Fyne's own
// dialogs use). A text missing from a language is said in English.
//
// The language is the person's (LANGUAGE, LC_ALL, LC_MESSAGES, LANG; the
// user's UI language on Windows and macOS) unless the profile file's
// `language` or IT's policy names one. It is read once, at the first text
// a program says, and only then: the small front, which answers tokens
// only, never reads a catalogue unless it has an error to say.
package words

import (
	"embed"
	"encoding/json"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/jeandeaual/go-locale"
)

//go:embed lang/*.json
var files embed.FS

var (
	mu     sync.RWMutex
	chosen bool              // Use was called, or the first text chose
	choose func() string     // how the first text chooses (Defer); nil: the system's language
	lang   = "en"            // the language in use
	table  map[string]string // its translations; nil for English
	pseudo bool              // the test language: every text marked
)

// Env names the language a program hands the programs it starts (the
// tray its windows), so that they speak as it does.
const Env = "TOKENTRAY_LANGUAGE"

// Pseudo is the test language: every text from the catalogue is marked
// ⟦like this⟧, so that a test walking a window finds any text built
// outside the catalogue.
const Pseudo = "qps"

// Languages are the languages the catalogue has, English first.
func Languages() []string {
	out := []string{"en"}
	entries, _ := files.ReadDir("lang")
	for _, e := range entries {
		out = append(out, strings.TrimSuffix(e.Name(), ".json"))
	}
	sort.Strings(out[1:])
	return out
}

// Use sets the language: choice ("" = the system's) as a language tag or
// a POSIX locale ("de", "de-CH", "de_DE.UTF-8"), English when the
// catalogue does not have it. It returns the language used.
func Use(choice string) string {
	mu.Lock()
	defer mu.Unlock()
	chosen = true
	tags := []string{choice}
	if choice == "" {
		tags, _ = locale.GetLocales()
	}
	lang, table, pseudo = "en", nil, false
	for _, t := range tags {
		base := Base(t)
		if base == Pseudo {
			lang, pseudo = Pseudo, true
			return lang
		}
		if base == "en" {
			return lang
		}
		if m, ok := load(base); ok {
			lang, table = base, m
			return lang
		}
	}
	return lang
}

// Pick is the language to use: IT's policy over the person's setting
// over the system's ("").
func Pick(policy, setting string) string {
	if policy != "" {
		return policy
	}
	return setting
}

// Language is the language in use.
func Language() string {
	ensure()
	mu.RLock()
	defer mu.RUnlock()
	return lang
}

// Base is a tag's or locale's language: "de_DE.UTF-8" → "de"; Norwegian
// in any of its names is Bokmål ("no", "nb", "nn" → "nb").
func Base(tag string) string {
	tag = strings.ToLower(strings.TrimSpace(tag))
	tag, _, _ = strings.Cut(tag, ".")
	tag, _, _ = strings.Cut(tag, "@")
	for _, sep := range []string{"-", "_"} {
		tag, _, _ = strings.Cut(tag, sep)
	}
	switch tag {
	case "no", "nn":
		return "nb"
	case "", "c", "posix":
		return "en"
	}
	return tag
}

func load(base string) (map[string]string, bool) {
	data, err := files.ReadFile(path.Join("lang", base+".json"))
	if err != nil {
		return nil, false
	}
	var m map[string]string
	if json.Unmarshal(data, &m) != nil {
		return nil, false
	}
	return m, true
}

// Defer sets how the language is chosen at the first text said, instead
// of now: a program whose choice costs I/O (the command line reads the
// profile file for `language`) pays it only when it has something to say,
// not on every `token`.
func Defer(choice func() string) {
	mu.Lock()
	defer mu.Unlock()
	chosen, choose = false, choice
}

func ensure() {
	mu.RLock()
	done := chosen
	mu.RUnlock()
	if done {
		return
	}
	mu.Lock()
	if chosen { // another text chose meanwhile
		mu.Unlock()
		return
	}
	chosen = true // a text said while choosing is said in English, not again chosen
	f := choose
	mu.Unlock()
	choice := ""
	if f != nil {
		choice = f()
	}
	Use(choice)
}

// T is text in the language in use, with each {name} in it replaced by
// the value that follows name in args ("profile", "work", …). Values are
// data (names, addresses, numbers), never translated.
func T(text string, args ...string) string {
	ensure()
	mu.RLock()
	s := text
	if t, ok := table[text]; ok && t != "" {
		s = t
	}
	if pseudo {
		s = "⟦" + s + "⟧"
	}
	mu.RUnlock()
	if len(args) == 0 {
		return s
	}
	pairs := make([]string, 0, len(args))
	for i := 0; i+1 < len(args); i += 2 {
		pairs = append(pairs, "{"+args[i]+"}", args[i+1])
	}
	return strings.NewReplacer(pairs...).Replace(s)
}
