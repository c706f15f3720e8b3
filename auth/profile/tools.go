package profile

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// The keys of the tools that take the token from tokentray: `exec` puts it
// in a program's environment (env), git gets it for the hosts in git_urls.
// Both hand the token to something else, and a profile file may come from
// anyone: an environment variable can decide how a program starts
// (BASH_ENV, NODE_OPTIONS, LD_PRELOAD), and a git host can be anyone's.

// checkTools checks the keys of the tools that take the token.
func (p *Profile) checkTools() (key, msg string) {
	if p.Env != "" {
		if msg := CheckEnvName(p.Env); msg != "" {
			return "env", msg
		}
	}
	for _, u := range p.GitURLs {
		if _, err := GitPrefix(u); err != nil {
			return "git_urls", err.Error()
		}
	}
	if strings.ContainsAny(p.GitUsername, "\n\r\x00") {
		return "git_username", "must be one line"
	}
	return "", ""
}

// tokenNames are how the name of a variable that carries a token ends. An
// allow-list, not a list of dangerous names: no list of the variables that
// change how some program starts is ever complete (BASH_ENV, ENV,
// NODE_OPTIONS, PYTHONSTARTUP, PERL5OPT, RUBYOPT, JAVA_TOOL_OPTIONS,
// LD_PRELOAD, DYLD_INSERT_LIBRARIES, GIT_ASKPASS, PROMPT_COMMAND,
// HTTPS_PROXY, PATH, IFS…), and a token the provider chooses must never
// become one of them.
// Only endings that name a credential's value: …KEY and …AUTH also name
// settings (GOAUTH runs a command, PGSSLKEY names a key file, COMPOSER_AUTH
// holds a configuration: found by review), so of those only API_KEY and a
// bare AUTH.
var tokenNames = []string{"TOKEN", "SECRET", "PASSWORD", "AUTHORIZATION", "HEADER", "JWT", "BEARER", "API_KEY", "APIKEY"}

// notTokenPrefixes are families whose variables configure a program even
// when their names end like a token's: GIT_SSL_KEY names git's client key
// file, LESSKEY less's key bindings, npm_config__auth npm's settings.
var notTokenPrefixes = []string{"LD_", "DYLD_", "GIT_", "LESS", "BASH", "SSH_", "SSL", "PYTHON", "PERL", "RUBY", "JAVA", "_JAVA", "JDK_", "NPM_CONFIG_", "NODE_OPTIONS"}

// CheckEnvName says why name cannot carry a token into a program's
// environment, or "" when it can: a variable name (letters, digits and
// '_', not starting with a digit) that ends like a token's (API_TOKEN,
// GITHUB_TOKEN, VAULT_TOKEN, API_KEY, AUTHORIZATION) and is of no family
// that configures programs.
func CheckEnvName(name string) string {
	for i, r := range name {
		switch {
		case r == '_', r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return fmt.Sprintf("%q is not an environment variable name (letters, digits and '_', not starting with a digit)", name)
		}
	}
	up := strings.ToUpper(name)
	ends := up == "AUTH" || slices.ContainsFunc(tokenNames, func(s string) bool { return strings.HasSuffix(up, s) })
	family := slices.ContainsFunc(notTokenPrefixes, func(s string) bool { return strings.HasPrefix(up, s) })
	if name == "" || !ends || family {
		return fmt.Sprintf("%q cannot carry a token: some variables decide how a program starts (BASH_ENV, NODE_OPTIONS, LD_PRELOAD, GOAUTH, GIT_…), so a token goes only into a name that ends in TOKEN, SECRET, PASSWORD, API_KEY or AUTHORIZATION (or AUTH alone), such as API_TOKEN", name)
	}
	return ""
}

// GitPrefix is a git_urls entry in one canonical form —
// https://host[:port]/path, the host in lower case, no default port, no
// trailing slash — so that two spellings of one prefix are one prefix and
// the longest match means the most specific one, not the longest string.
// Anything that is not plainly a prefix is refused: user names, queries,
// fragments, empty or dot path segments.
func GitPrefix(raw string) (string, error) {
	bad := fmt.Errorf("%q is not an https URL prefix such as \"https://git.example.com/org/\"", raw)
	u, err := url.Parse(raw)
	switch {
	case err != nil, u.Host == "", u.User != nil, u.RawQuery != "", u.ForceQuery, u.Fragment != "", strings.Contains(raw, "#"), u.Opaque != "":
		return "", bad
	case strings.ContainsAny(u.Host, "%@") || checkHost(u.Host) != "":
		return "", bad
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "https" && !(scheme == "http" && isLoopbackHost(u.Hostname())) {
		return "", bad
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".") // git.example.com. is git.example.com
	if strings.Contains(host, ":") {
		host = "[" + host + "]" // an IPv6 literal
	}
	if p := u.Port(); p != "" {
		port, err := strconv.Atoi(p) // 0443 is 443
		if err != nil || port < 1 || port > 65535 {
			return "", bad
		}
		if !(scheme == "https" && port == 443 || scheme == "http" && port == 80) {
			host += ":" + strconv.Itoa(port)
		}
	}
	if strings.Contains(u.EscapedPath(), "%") {
		// %2F and %2E spell a slash or a dot that is not one: one prefix
		// two ways.
		return "", fmt.Errorf("%q has %%-escapes in its path; write the prefix as git shows the repository's address", raw)
	}
	path := strings.TrimSuffix(u.EscapedPath(), "/")
	if path != "" {
		for _, seg := range strings.Split(path[1:], "/") {
			if seg == "" || seg == "." || seg == ".." {
				return "", fmt.Errorf("%q has an empty or dot path segment; write the prefix as git shows the repository's address", raw)
			}
		}
	}
	return scheme + "://" + host + path, nil
}

// gitUnder tells whether the URL git asks about lies under prefix (a
// GitPrefix): the same origin, and the prefix's path or a path below it.
func gitUnder(prefix, asked string) bool {
	canon, err := GitPrefix(asked)
	if err != nil {
		return false
	}
	return canon == prefix || strings.HasPrefix(canon, prefix+"/")
}

// GitProfile is the profile whose git_urls hold the URL git asks about
// (the most specific prefix wins); nil when none does.
func (c *Config) GitProfile(u string) *Profile {
	var best *Profile
	bestLen := -1
	for _, name := range c.Names {
		p := c.Profiles[name]
		for _, raw := range p.GitURLs {
			prefix, err := GitPrefix(raw)
			if err == nil && gitUnder(prefix, u) && len(prefix) > bestLen {
				best, bestLen = p, len(prefix)
			}
		}
	}
	return best
}

// checkGitClaims refuses two profiles that claim one git prefix: which of
// them would answer for it would depend on the order in the file, and a
// profile added later could take over a host another one serves.
func (c *Config) checkGitClaims() error {
	owner := map[string]string{}
	for _, name := range c.Names {
		p := c.Profiles[name]
		for _, raw := range p.GitURLs {
			prefix, _ := GitPrefix(raw)
			if other, ok := owner[prefix]; ok && other != name {
				return p.KeyError("git_urls", fmt.Sprintf("%s is also in profile %s's git_urls; one git address can be answered for by one profile only", prefix, other))
			}
			owner[prefix] = name
		}
	}
	return nil
}
