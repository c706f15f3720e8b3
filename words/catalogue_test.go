package words

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// texts finds every text the code says through the catalogue: the first
// argument of each words.T call (or of T in a file that set T :=
// words.T), across the module. A call whose text is not a literal is
// reported: its text could not be translated.
func texts(t *testing.T) map[string]string {
	t.Helper()
	root := ".."
	found := map[string]string{} // text → where
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); n == "node_modules" || n == "testdata" || (strings.HasPrefix(n, ".") && path != root) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			switch fn := call.Fun.(type) {
			case *ast.SelectorExpr:
				if x, ok := fn.X.(*ast.Ident); !ok || x.Name != "words" || fn.Sel.Name != "T" {
					return true
				}
			case *ast.Ident:
				if fn.Name != "T" {
					return true
				}
			default:
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				t.Errorf("%s: a text that is not a literal cannot be translated", fset.Position(call.Pos()))
				return true
			}
			s, _ := strconv.Unquote(lit.Value)
			found[s] = fset.Position(call.Pos()).String()
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) < 100 {
		t.Fatalf("found only %d texts: the scan is broken", len(found))
	}
	return found
}

var placeholder = regexp.MustCompile(`\{[a-z]+\}`)

func placeholders(s string) []string {
	p := placeholder.FindAllString(s, -1)
	slices.Sort(p)
	return slices.Compact(p)
}

// Every text the code says has every language, with the same
// placeholders; no language keeps a text the code no longer says.
func TestEveryTextHasEveryLanguage(t *testing.T) {
	used := texts(t)
	langs := Languages()[1:]
	if len(langs) < 3 {
		t.Fatalf("languages %v: want German, French and Spanish at least", langs)
	}
	for _, l := range langs {
		t.Run(l, func(t *testing.T) {
			data, err := files.ReadFile("lang/" + l + ".json")
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]string
			if err := json.Unmarshal(data, &m); err != nil {
				t.Fatalf("lang/%s.json: %v", l, err)
			}
			var missing []string
			for text, where := range used {
				tr, ok := m[text]
				switch {
				case !ok || tr == "":
					missing = append(missing, strconv.Quote(text)+" ("+where+")")
				case !slices.Equal(placeholders(tr), placeholders(text)):
					t.Errorf("%q: the translation %q has placeholders %v, want %v", text, tr, placeholders(tr), placeholders(text))
				}
			}
			slices.Sort(missing)
			for _, m := range missing {
				t.Errorf("no translation of %s", m)
			}
			for text := range m {
				if _, ok := used[text]; !ok {
					t.Errorf("%q is translated but no longer said", text)
				}
			}
		})
	}
	if out := os.Getenv("WORDS_DUMP"); out != "" {
		keys := make([]string, 0, len(used))
		for k := range used {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b, _ := json.MarshalIndent(keys, "", "  ")
		_ = os.WriteFile(out, b, 0o600)
	}
}

func TestUse(t *testing.T) {
	defer Use("en")
	for _, c := range []struct{ choice, want string }{
		{"de_DE.UTF-8", "de"}, {"fr-CA", "fr"}, {"es", "es"}, {"nb_NO", "nb"}, {"no", "nb"},
		{"C", "en"}, {"POSIX", "en"}, {"en_GB", "en"}, {"xx", "en"}, {Pseudo, Pseudo},
	} {
		if got := Use(c.choice); got != c.want {
			t.Errorf("Use(%q) = %q, want %q", c.choice, got, c.want)
		}
	}
	Use("de")
	if got := T("Sign in to {profile}…", "profile", "work"); got == "Sign in to work…" || !strings.Contains(got, "work") {
		t.Errorf("in German: %q", got)
	}
	Use(Pseudo)
	if got := T("Sign in to {profile}…", "profile", "work"); got != "⟦Sign in to work…⟧" {
		t.Errorf("pseudo: %q", got)
	}
}

// A deferred choice is made at the first text, once, and not before.
func TestDefer(t *testing.T) {
	defer Use("en")
	asked := 0
	Defer(func() string { asked++; return "fr" })
	if asked != 0 {
		t.Fatal("the choice was made before any text")
	}
	if got := T("Close"); got != "Fermer" || asked != 1 {
		t.Errorf("first text %q after %d choices, want Fermer after 1", got, asked)
	}
	T("Cancel")
	if asked != 1 {
		t.Errorf("chosen %d times, want once", asked)
	}
}
