package quick

import (
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/tokentray/tokentray/internal/control"
)

// The front's one request and its answer, written out by hand. Its whole
// job takes about a third of a millisecond beyond starting a Go program,
// and encoding/json's first use in a process — building its encoder and
// decoder for a type by reflection — cost 0.15 to 0.25 ms of it. The
// request is the same bytes json.Marshal makes (FuzzAppendRequest), and an
// answer this parser is not sure of is read by encoding/json instead
// (FuzzParseAnswer): the hand-written path is a shortcut, never a second
// dialect of the contract.

// appendRequest appends req as json.Marshal encodes it, for the fields a
// token request of the front uses; any other field set falls back to
// json.Marshal.
func appendRequest(dst []byte, req control.Request) ([]byte, error) {
	rest := req
	rest.Op, rest.Config, rest.Profile, rest.MinValid, rest.GitURL = "", "", "", 0, ""
	if rest != (control.Request{}) {
		b, err := json.Marshal(req)
		return append(dst, b...), err
	}
	dst = append(dst, `{"op":`...)
	dst = appendString(dst, string(req.Op))
	if req.Config != "" {
		dst = appendString(append(dst, `,"config":`...), req.Config)
	}
	if req.Profile != "" {
		dst = appendString(append(dst, `,"profile":`...), req.Profile)
	}
	if req.MinValid != 0 {
		dst = strconv.AppendInt(append(dst, `,"min_valid":`...), int64(req.MinValid), 10)
	}
	if req.GitURL != "" {
		dst = appendString(append(dst, `,"git_url":`...), req.GitURL)
	}
	return append(dst, '}'), nil
}

const hex = "0123456789abcdef"

// appendString is encoding/json's string encoding, HTML escaping
// included (json.Marshal's default).
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case c == utf8.RuneError && size == 1:
			dst = append(append(dst, s[start:i]...), `\ufffd`...)
		case c == '\u2028' || c == '\u2029':
			dst = append(append(dst, s[start:i]...), '\\', 'u', '2', '0', '2', hex[c&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	return append(append(dst, s[start:]...), '"')
}

// answer is what the front reads of the tray's messages.
type answer struct {
	Token  *control.Token  `json:"token"`
	Err    json.RawMessage `json:"error"`
	Done   bool            `json:"done"`
	Asking string          `json:"asking"`
}

// readAnswer reads one message line: by hand when it is a token's answer
// as the tray writes it, else by encoding/json.
func readAnswer(line []byte) (answer, error) {
	if a, ok := parseAnswer(line); ok {
		return a, nil
	}
	var a answer
	err := json.Unmarshal(line, &a)
	return a, err
}

// parseAnswer reads {"token":{…},"done":true} and {"done":true} as the
// tray's encoder writes them: known keys, strings without escapes, no
// spaces. ok is false for anything else — an error, a question, an
// escaped character, a key in other letters — and then encoding/json
// decides, with its rules.
func parseAnswer(line []byte) (a answer, ok bool) {
	p := parser{b: line}
	if n := len(p.b); n > 0 && p.b[n-1] == '\n' {
		p.b = p.b[:n-1]
	}
	ok = p.object(func(key string) bool {
		switch key {
		case "token":
			if a.Token == nil { // a second "token" fills the same one, as in encoding/json
				a.Token = new(control.Token)
			}
			return p.token(a.Token)
		case "done":
			return p.bool(&a.Done)
		}
		return false
	})
	return a, ok && p.i == len(p.b)
}

// parser is a position in a line of JSON.
type parser struct {
	b []byte
	i int
}

func (p *parser) next(c byte) bool {
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

// object reads {"key":value,…}, each value by field(key).
func (p *parser) object(field func(key string) bool) bool {
	if !p.next('{') {
		return false
	}
	if p.next('}') {
		return true
	}
	for {
		var key string
		if !p.string(&key) || !p.next(':') || !field(key) {
			return false
		}
		if p.next('}') {
			return true
		}
		if !p.next(',') {
			return false
		}
	}
}

// string reads a string that needs no unescaping, in valid UTF-8 (which
// encoding/json would keep byte for byte).
func (p *parser) string(s *string) bool {
	if !p.next('"') {
		return false
	}
	start := p.i
	for ; p.i < len(p.b); p.i++ {
		switch c := p.b[p.i]; {
		case c == '"':
			v := p.b[start:p.i]
			p.i++
			if !utf8.Valid(v) {
				return false
			}
			*s = string(v)
			return true
		case c == '\\' || c < 0x20:
			return false
		}
	}
	return false
}

func (p *parser) bool(v *bool) bool {
	for _, lit := range []string{"true", "false"} {
		if len(p.b)-p.i >= len(lit) && string(p.b[p.i:p.i+len(lit)]) == lit {
			p.i += len(lit)
			*v = lit == "true"
			return true
		}
	}
	return false
}

func (p *parser) token(t *control.Token) bool {
	return p.object(func(key string) bool {
		switch key {
		case "access_token":
			return p.string(&t.AccessToken)
		case "token_type":
			return p.string(&t.TokenType)
		case "warning":
			return p.string(&t.Warning)
		case "git_username":
			return p.string(&t.GitUsername)
		case "expiry":
			var s string
			var when time.Time
			if !p.string(&s) || when.UnmarshalText([]byte(s)) != nil {
				return false
			}
			t.Expiry = when
			return true
		}
		return false
	})
}
