package control

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestStatusLine(t *testing.T) {
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	cases := []struct {
		p    ProfileView
		want string
	}{
		{ProfileView{State: Valid, Who: "alice", Expiry: now.Add(3*time.Hour + 58*time.Minute)}, "alice · valid more than 3 h 55 min"},
		{ProfileView{State: Valid, Who: "alice", Expiry: now.Add(14*time.Minute + 59*time.Second)}, "alice · valid more than 10 min"},
		{ProfileView{State: Valid, Who: "alice", Expiry: now.Add(9*time.Minute + 59*time.Second)}, "alice · valid 9 min"},
		{ProfileView{State: Valid, Expiry: now.Add(30 * time.Second)}, "signed in · expires in less than a minute"},
		{ProfileView{State: Retrying, Who: "alice", Expiry: now.Add(20 * time.Minute)}, "alice · provider unreachable, valid more than 20 min"},
		{ProfileView{State: Retrying, Who: "alice", Expiry: now.Add(-time.Minute)}, "alice · provider unreachable, token expired"},
		{ProfileView{State: Refreshing, Who: "alice"}, "alice · renewing…"},
		{ProfileView{State: NeedsSignIn}, "Sign-in needed"},
		{ProfileView{State: SignedOut}, "Signed out"},
		{ProfileView{State: SigningIn}, "Signing in…"},
		{ProfileView{State: Unknown}, "Checking…"},
		{ProfileView{State: Unknown, Err: &Error{Kind: KindKeychain}}, "The keychain is locked or not available."},
	}
	for _, c := range cases {
		if got := StatusLine(c.p, now); got != c.want {
			t.Errorf("StatusLine(%v) = %q, want %q", c.p.State, got, c.want)
		}
	}
}

// NextChange lands just after the moment the line changes, and not before:
// the tray re-renders then and only then.
func TestNextChange(t *testing.T) {
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	for _, left := range []time.Duration{3*time.Hour + 58*time.Minute + 7*time.Second, time.Hour, 12*time.Minute + 50*time.Second,
		10 * time.Minute, 9*time.Minute + 59*time.Second, 61 * time.Second, 45 * time.Second, time.Millisecond} {
		p := ProfileView{State: Valid, Who: "alice", Expiry: now.Add(left)}
		next := NextChange(p.Expiry, now)
		if next <= 0 || next > 5*time.Minute+time.Second {
			t.Fatalf("left %s: next change in %s", left, next)
		}
		line := StatusLine(p, now)
		if before := StatusLine(p, now.Add(next-2*time.Millisecond)); before != line {
			t.Errorf("left %s: the line changed before %s: %q → %q", left, next, line, before)
		}
		if after := StatusLine(p, now.Add(next)); after == line {
			t.Errorf("left %s: the line did not change at %s: %q", left, next, line)
		}
	}
	if next := NextChange(now.Add(-time.Second), now); next != 0 {
		t.Errorf("expired: next change in %s, want none", next)
	}
}

// Every kind a failure can have has a headline and, unless there is
// nothing to do, a next step; provider detail never reaches the headline.
func TestEveryKindIsExplained(t *testing.T) {
	for _, k := range declaredKinds(t) {
		if k == KindElsewhere {
			continue // never shown: the caller runs the command itself
		}
		t.Run(string(k), func(t *testing.T) {
			w := Explain(&Error{Kind: k, Msg: "invalid_client: detail from the provider", Profile: "work", Port: 3000})
			if w.Headline == "" || (w.Next == "" && k != KindCanceled) {
				t.Errorf("%s: headline %q, next %q", k, w.Headline, w.Next)
			}
			for _, s := range []string{w.Headline, w.Next} {
				if s != "" && s[len(s)-1] != '.' {
					t.Errorf("%s: %q is not a sentence", k, s)
				}
			}
			if strings.Contains(w.Headline+w.Next, "invalid_client") {
				t.Errorf("%s: the provider's code reached the words: %+v", k, w)
			}
		})
	}
	if w := Explain(&Error{Kind: KindPortInUse, Port: 3000}); !strings.Contains(w.Headline, "port 3000") {
		t.Errorf("port in use: %q does not name the port", w.Headline)
	}
	// A line to fix only where the detail names one (not for a file that
	// cannot be read, or a name already taken).
	if w := Explain(&Error{Kind: KindConfig, Line: 3}); !strings.HasPrefix(w.Next, "Fix the line named below") {
		t.Errorf("a broken line: %q", w.Next)
	}
	if w := Explain(&Error{Kind: KindConfig}); strings.Contains(w.Next, "line") {
		t.Errorf("no line, but: %q", w.Next)
	}
	if w := Explain(&Error{Kind: KindSignIn, Profile: "work"}); w.Command != "tokentray login work" {
		t.Errorf("sign-in needed: command %q", w.Command)
	}
}

// Printable leaves nothing a terminal would act on.
func TestPrintable(t *testing.T) {
	if got := Printable("a\x1b]0;x\x07b\nc\u009bd é"); got != "a ]0;x b c d é" {
		t.Errorf("Printable = %q", got)
	}
}

// declaredKinds are the Kind constants errors.go declares, read from the
// source: a kind added there is checked here without a list to keep.
func declaredKinds(t *testing.T) []Kind {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "errors.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []Kind
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, spec := range g.Specs {
			v := spec.(*ast.ValueSpec)
			if id, ok := v.Type.(*ast.Ident); ok && id.Name == "Kind" {
				lit := v.Values[0].(*ast.BasicLit)
				name, _ := strconv.Unquote(lit.Value)
				kinds = append(kinds, Kind(name))
			}
		}
	}
	if len(kinds) < 20 {
		t.Fatalf("found %d kinds in errors.go", len(kinds))
	}
	return kinds
}
