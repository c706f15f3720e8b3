package quick

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/tokentray/tokentray/internal/control"
	"github.com/tokentray/tokentray/words"
)

// PrintToken prints token's answer: the access token and a newline, or
// the Authorization header, or JSON; a warning goes to stderr, as does a
// --min-valid (minValid) longer than the provider's tokens last.
func PrintToken(stdout, stderr io.Writer, tok control.Token, minValid time.Duration, header, asJSON bool) error {
	Warn(stderr, tok)
	WarnShortLived(stderr, tok, minValid)
	switch {
	case header:
		_, err := fmt.Fprintf(stdout, "Authorization: %s %s\n", tok.TokenType, tok.AccessToken)
		return err
	case asJSON:
		out := struct {
			AccessToken string `json:"access_token"`
			TokenType   string `json:"token_type"`
			Expiry      string `json:"expiry,omitempty"`
		}{tok.AccessToken, tok.TokenType, ""}
		if !tok.Expiry.IsZero() {
			out.Expiry = tok.Expiry.Format(time.RFC3339)
		}
		return json.NewEncoder(stdout).Encode(out)
	default:
		_, err := io.WriteString(stdout, tok.AccessToken+"\n")
		return err
	}
}

// PrintGit prints git-credential get's answer (gitcredentials(7)).
func PrintGit(stdout, stderr io.Writer, tok control.Token) error {
	Warn(stderr, tok)
	s := "username=" + tok.GitUsername + "\npassword=" + tok.AccessToken + "\n"
	if !tok.Expiry.IsZero() {
		// git 2.41+ forgets the password when it expires.
		s += fmt.Sprintf("password_expiry_utc=%d\n", tok.Expiry.Unix())
	}
	_, err := io.WriteString(stdout, s)
	return err
}

// PrintExecCredential prints the ExecCredential kubectl reads from a
// credential plugin, in the version its KUBERNETES_EXEC_INFO (info) asks
// for, client.authentication.k8s.io/v1 otherwise.
func PrintExecCredential(stdout, stderr io.Writer, info string, tok control.Token) error {
	Warn(stderr, tok)
	const group = "client.authentication.k8s.io/"
	version := group + "v1"
	var asked struct {
		APIVersion string `json:"apiVersion"`
	}
	if json.Unmarshal([]byte(info), &asked) == nil && strings.HasPrefix(asked.APIVersion, group) {
		version = asked.APIVersion
	}
	type status struct {
		Token  string `json:"token"`
		Expiry string `json:"expirationTimestamp,omitempty"`
	}
	out := struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Status     status `json:"status"`
	}{version, "ExecCredential", status{Token: tok.AccessToken}}
	if !tok.Expiry.IsZero() {
		out.Status.Expiry = tok.Expiry.UTC().Format(time.RFC3339)
	}
	return json.NewEncoder(stdout).Encode(out)
}

// Warn says on stderr that the token could not be renewed for as long as
// asked: a plain headline with how long it still lasts, then the detail.
func Warn(stderr io.Writer, tok control.Token) {
	if tok.Warning == "" {
		return
	}
	speak(tok)
	head := words.T("The access token could not be renewed; this one is still good.")
	switch d, more := control.Left(tok.Expiry, time.Now()); {
	case more:
		head = words.T("The access token could not be renewed; this one is still good for more than {duration}.", "duration", words.Duration(d))
	case d > 0:
		head = words.T("The access token could not be renewed; this one is still good for {duration}.", "duration", words.Duration(d))
	}
	Warning(stderr, head+"\n  "+control.Printable(tok.Warning))
}

// WarnShortLived says on stderr, in one line, that the provider's tokens
// last less than minValid (--min-valid) asks for, and returns whether it
// did. Such a token was renewed for this call — a token is handed out
// unrenewed only with more than minValid left — and every call will renew
// it again: a round trip to the provider each time, unsaid until now.
// Not for a token that could not be renewed (Warn says that).
func WarnShortLived(stderr io.Writer, tok control.Token, minValid time.Duration) bool {
	left := time.Until(tok.Expiry)
	if tok.Warning != "" || tok.Expiry.IsZero() || left <= 0 || left > minValid {
		return false
	}
	// Read just after the renewal: the lifetime to the second.
	life := left.Round(time.Second)
	less := life / 2
	if less >= 2*time.Minute {
		less = less.Truncate(time.Minute)
	} else {
		less = max(less.Truncate(time.Second), time.Second)
	}
	speak(tok)
	Warning(stderr, words.T("Every call renews the token: this provider's tokens last only {life}, and --min-valid asks for {asked}. Ask for less, such as --min-valid {less}.",
		"life", words.Duration(life), "asked", words.Duration(minValid), "less", FlagDuration(less)))
	return true
}

// Warning writes a warning to stderr: "tokentray: warning: " and text,
// the one way every command says one. text is said already: in the
// language in use (words.T), with anything from elsewhere made printable.
func Warning(stderr io.Writer, text string) {
	_, _ = io.WriteString(stderr, "tokentray: "+words.T("warning: {text}", "text", text)+"\n")
}

// speak says what follows in the language of the tray that answered, if
// one did: only when there is something to say, since choosing a language
// reads its catalogue.
func speak(tok control.Token) {
	if tok.Lang != "" {
		words.Use(tok.Lang)
	}
}
