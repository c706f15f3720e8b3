package profile

import (
	"slices"
	"strings"
	"time"

	"github.com/tokentray/tokentray/words"

	"github.com/tokentray/tokentray/auth/plain"
	"github.com/tokentray/tokentray/auth/policy"
)

// A profile file is how IT deploys tokentray and how an attacker reaches
// staff: a lookalike "IT profile" in a phishing mail looks exactly like the
// real one. So every key that sends a credential somewhere else than where
// the person signs in, or runs or loads something, is a power: shown
// before an import, and carried only by a file the person's organisation
// vouches for — signed by an allowed signer, or placed by machine policy.
// A profile a person writes into their own file stays theirs to shape: the
// check is on import, not on their editor.

// Power is one such key and what it names.
type Power struct {
	Key   string // the profile key, such as "git_urls"
	Value string // what it names: an origin, a git prefix, a variable, a path
}

// Powers are the profile's powers, in the order a person reads them.
func (p *Profile) Powers() []Power {
	var out []Power
	page := Origin(p.signInPage())
	seen := map[string]bool{page: true}
	elsewhere := func(key, raw string) {
		if o := Origin(raw); raw != "" && !seen[o] {
			seen[o] = true
			out = append(out, Power{key, o})
		}
	}
	for _, k := range endpointKeys {
		elsewhere(k, p.explicit(k))
	}
	elsewhere("issuer", p.Issuer)
	for _, o := range p.SendTokensToOtherOrigins {
		elsewhere("send_tokens_to_other_origins", o)
	}
	for _, raw := range p.GitURLs {
		prefix, err := GitPrefix(raw)
		if err != nil {
			prefix = raw
		}
		out = append(out, Power{"git_urls", prefix})
	}
	if p.Env != "" {
		out = append(out, Power{"env", p.Env})
	}
	if p.Browser != "" {
		out = append(out, Power{"browser", strings.Join(slices.DeleteFunc(strings.Fields(p.Browser), func(s string) bool { return s == "{url}" }), " ")})
	}
	if p.PrivateKeyFile != "" {
		out = append(out, Power{"private_key_file", p.PrivateKeyFile})
	}
	if p.CAFile != "" {
		out = append(out, Power{"ca_file", p.CAFile})
	}
	for k, v := range p.TokenHeaders {
		out = append(out, Power{"token_headers", k + ": " + v})
	}
	if port := p.FixedCallbackPort(); port != "" {
		out = append(out, Power{"redirect_url", port})
	}
	return out
}

// Vouch is who vouches for a file: its signature as the machine's policy
// judges it, and what the policy asks.
type Vouch struct {
	policy.Verdict
	// Organization is the policy's name for the organisation ("" without
	// one).
	Organization string
	// RequireSigned: the policy refuses files it does not vouch for.
	RequireSigned bool
}

// Vouched tells whether the file may carry powers.
func (v Vouch) Vouched() bool { return v.Status == policy.Signed }

// VouchFor judges file (its bytes as read) by pol, at now; pol may be
// nil (no policy: nothing is signed).
func VouchFor(pol *policy.Policy, file string, data []byte, now time.Time) Vouch {
	if pol == nil {
		pol = &policy.Policy{}
	}
	return Vouch{Verdict: pol.Check(file, data, now), Organization: pol.Organization, RequireSigned: pol.RequireSigned}
}

// Refusals say why cfg may not be imported as v vouches for it — one
// sentence each, naming each key — or nothing when it may: a signature
// that does not match is refused always, an unsigned file where the policy
// asks for signed ones whole, and an unsigned file's powers one by one.
func (v Vouch) Refusals(cfg *Config) []string {
	switch {
	case v.Status == policy.Mismatch:
		return []string{words.T("The signature does not match this file: it was changed after IT signed it ({why}).", "why", v.Why)}
	case v.RequireSigned && !v.Vouched():
		org := words.T("Your organisation")
		if v.Organization != "" {
			org = v.Organization
		}
		return []string{words.T("{organization} accepts only profile files its IT team signed, and this one is not ({why}).", "organization", org, "why", v.Why)}
	}
	// Relative paths resolve next to the file: next to the one imported
	// while it is shown, next to the person's profile file once imported —
	// another file than the one shown, whoever signed it.
	var out []string
	for _, name := range cfg.Names {
		for _, key := range cfg.Profiles[name].relative {
			out = append(out, words.T("Profile {profile}: {key} is a relative path; a file to import names its files by their full path ({key}).", "profile", name, "key", key))
		}
	}
	if v.Vouched() {
		return out
	}
	for _, name := range cfg.Names {
		for _, pw := range cfg.Profiles[name].Powers() {
			out = append(out, words.T("Profile {profile}: {power} ({key}) — only a file your IT team signed may do that.", "profile", name, "power", PowerWords(pw), "key", pw.Key))
		}
	}
	return out
}

// RefusedError is an import its file's vouching does not allow.
type RefusedError struct {
	File    string
	Reasons []string
}

func (e *RefusedError) Error() string {
	return e.File + ": nothing was imported: " + strings.Join(e.Reasons, " ")
}

// PowerWords says what a power does, for a person to judge; what it names
// is cut to a line (a 200 KB path would otherwise come back whole).
func PowerWords(pw Power) string {
	pw.Value = plain.Line(pw.Value, 200)
	switch pw.Key {
	case "token_url", "revocation_url", "userinfo_url", "device_authorization_url", "issuer", "send_tokens_to_other_origins":
		return words.T("sends sign-in codes or tokens also to {value}", "value", pw.Value)
	case "git_urls":
		return words.T("gives its token to git for {value}", "value", pw.Value)
	case "env":
		return words.T("puts its token in the variable {value} of programs started with it", "value", pw.Value)
	case "browser":
		return words.T("opens the sign-in page with {value}", "value", pw.Value)
	case "private_key_file":
		return words.T("signs with the key file {value}", "value", pw.Value)
	case "ca_file":
		return words.T("trusts the certificates in {value} for its provider", "value", pw.Value)
	case "token_headers":
		return words.T("sends {value} with its token requests", "value", pw.Value)
	case "redirect_url":
		return words.T("receives the sign-in on this computer's port {value}", "value", pw.Value)
	}
	return pw.Key + " " + pw.Value
}
