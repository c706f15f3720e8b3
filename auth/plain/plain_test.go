package plain

import "testing"

func TestText(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"plain", "Invalid grant: expired", "Invalid grant: expired"},
		{"escape", "a\x1b]0;owned\x07b", "a ]0;owned b"},
		{"newline", "line\nnext\r", "line next "},
		{"C1", "a\u009bb", "a b"},
		{"bidi override", "invoice\u202Efdp.exe", "invoice fdp.exe"},
		{"isolate", "a\u2066b\u2069", "a b "},
		{"zero width", "a\u200bb", "a b"},
		{"line separator", "a\u2028b", "a b"},
		{"invalid UTF-8", "a\xffb", "ab"},
		{"letters kept", "Zoë Ångström 日本", "Zoë Ångström 日本"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Text(c.in); got != c.want {
				t.Errorf("Text(%q) = %q, want %q", c.in, got, c.want)
			}
			if Clean(c.in) != (c.in == c.want) {
				t.Errorf("Clean(%q) = %t", c.in, Clean(c.in))
			}
		})
	}
}

func TestLine(t *testing.T) {
	for _, c := range []struct {
		in   string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{"exactly", 7, "exactly"},
		{"ååååå", 3, "ååå…"}, // runes, not bytes: no letter is cut in half
		{"a\nb", 5, "a b"},
	} {
		if got := Line(c.in, c.max); got != c.want {
			t.Errorf("Line(%q, %d) = %q, want %q", c.in, c.max, got, c.want)
		}
	}
}

func TestAccessToken(t *testing.T) {
	for _, c := range []struct {
		in   string
		want bool
	}{
		{"eyJhbGciOiJSUzI1NiJ9.e30.c2ln", true},
		{"ya29.a0AfH6SMB-x_y~z", true},
		{"00Dxx0000001gEH!AQ4AQFh5sUhYY", true}, // Salesforce
		{"YWJj+ZGVm/Zw==", true},
		{"abc=def", false},
		{"=abc", false},
		{`x"&calc&"`, false},
		{"%PATH%", false},
		{"$(id)", false},
		{"a|b", false},
		{"a^b", false},
		{"a;b", false},
		{"a b", false},
	} {
		if got := AccessToken(c.in); got != c.want {
			t.Errorf("AccessToken(%q) = %t, want %t", c.in, got, c.want)
		}
	}
}

func TestToken(t *testing.T) {
	for _, c := range []struct {
		in   string
		want bool
	}{
		{"eyJhbGciOiJSUzI1NiJ9.e30.c2ln", true},
		{"2YotnFZFEjr1zCsicMWpAA", true},
		{"a~b+c/d=_-.!#$%&'()*", true},
		{"", false},
		{"two words", false},
		{"$(touch${IFS}/tmp/owned)", true}, // visible ASCII: what keeps it from running is exec's env rule
		{"tok\nusername=evil", false},
		{"tok\x1b[2J", false},
		{"tok\x00", false},
		{"tök", false},
		{"tok\t", false},
	} {
		if got := Token(c.in); got != c.want {
			t.Errorf("Token(%q) = %t, want %t", c.in, got, c.want)
		}
	}
}
