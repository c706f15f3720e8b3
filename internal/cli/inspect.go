package cli

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/internal/control"
)

// inspection is what `inspect` shows: the profile's one state, and what
// the access token says of itself — never a token or a secret.
type inspection struct {
	control.ProfileView
	// TokenFormat is "jwt" or "opaque".
	TokenFormat string `json:"token_format"`
	// Claims are the access token's JWT claims, decoded but not verified.
	Claims         map[string]any `json:"claims,omitempty"`
	ClaimsVerified bool           `json:"claims_verified"`
}

func (e *env) inspectCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "inspect [PROFILE]",
		Short: "Show what the access token is: issuer, account, audience, scopes, expiry, claims",
		Long: `Show the profile's sign-in and what its access token says of itself:
issuer, account, audience, the scopes granted, when it and the refresh
token expire, the last refresh, and — when the access token is a JWT — its
claims, decoded but NOT verified (the API that accepts the token verifies
it). Opaque tokens say so. No token or secret is printed.`,
		Example:           "  tokentray inspect work\n  tokentray inspect work --json | jq .claims",
		Args:              usage(cobra.MaximumNArgs(1)),
		ValidArgsFunction: e.profileNames,
		RunE: func(cmd *cobra.Command, args []string) error {
			p, b, err := e.profileAndClient(args)
			if err != nil {
				return err
			}
			tok, err := b.Token(e.ctx, p.Name, auth.DefaultMinValid)
			if err != nil {
				return err
			}
			v, err := b.Status(e.ctx)
			if err != nil {
				return err
			}
			pv, _ := v.Profile(p.Name)
			in := inspection{ProfileView: pv, TokenFormat: "opaque"}
			in.SignIn = control.SignInView{}
			if claims, ok := jwtClaims(tok.AccessToken); ok {
				in.TokenFormat, in.Claims = "jwt", claims
			}
			if asJSON {
				enc := json.NewEncoder(e.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(in)
			}
			e.printInspection(in)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (the status fields, token_format, claims, claims_verified)")
	return cmd
}

// jwtClaims decodes a JWT's payload without verifying it.
func jwtClaims(token string) (map[string]any, bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, false
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return nil, false
	}
	var claims map[string]any
	if json.Unmarshal(payload, &claims) != nil {
		return nil, false
	}
	return claims, true
}

func (e *env) printInspection(in inspection) {
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(tw, "%s\t%s\n", k, control.Printable(v))
		}
	}
	when := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Local().Format("2006-01-02 15:04:05")
	}
	row("profile", in.Name)
	row("issuer", in.Issuer)
	row("account", in.Who)
	row("grant", in.Grant)
	row("state", describeState(in.ProfileView))
	row("scopes granted", in.Scope)
	if aud, ok := in.Claims["aud"]; ok {
		row("audience", fmt.Sprint(aud))
	}
	row("access token", in.TokenFormat+", valid until "+when(in.Expiry))
	switch {
	case in.ServiceAccount && in.Grant == "client_credentials":
		row("renews with", "the client's own credentials")
	case in.ServiceAccount:
		row("renews with", "the service account's credentials")
	case !in.RefreshExpiry.IsZero():
		row("refresh token", "until "+when(in.RefreshExpiry))
	case in.HasRefreshToken:
		row("refresh token", "held (the provider did not say until when)")
	default:
		row("refresh token", "none: sign in again when the access token expires")
	}
	row("signed in", when(in.SignedInAt))
	row("last refresh", when(in.RefreshedAt))
	tw.Flush()
	if in.TokenFormat != "jwt" {
		fmt.Fprintln(e.stdout, "\nThe access token is opaque: it says nothing of itself; the API that accepts it knows what it means.")
		return
	}
	fmt.Fprintln(e.stdout, "\nClaims of the access token (decoded, NOT verified):")
	keys := make([]string, 0, len(in.Claims))
	for k := range in.Claims {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	tw = tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, k := range keys {
		v := in.Claims[k]
		s, _ := json.Marshal(v)
		text := string(s)
		if n, ok := v.(float64); ok && (k == "exp" || k == "iat" || k == "nbf" || k == "auth_time") {
			text = fmt.Sprintf("%d (%s)", int64(n), when(time.Unix(int64(n), 0)))
		}
		fmt.Fprintf(tw, "  %s\t%s\n", control.Printable(k), control.Printable(text))
	}
	tw.Flush()
}
