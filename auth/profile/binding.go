package profile

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
)

// A saved sign-in, a client secret and a key belong to the provider and
// client they were made for, not merely to a profile's name: each is saved
// with its profile's Binding and refused on any mismatch, so that a profile
// of the same name that points elsewhere — another file, an edit, a
// lookalike — gets none of them.

// Binding is a digest of every setting that decides where a profile's
// codes, tokens, secrets and assertions go.
func (p *Profile) Binding() string {
	fields := []string{"grant", p.Grant, "ca_file", p.CAFile}
	if p.JWTBearer() {
		fields = append(fields, "token_url", p.TokenURL, "key_id", p.KeyID, "email", p.Email,
			"audience", p.Audience, "jwt_alg", p.JWTAlg, "private_key_file", p.PrivateKeyFile)
	} else {
		fields = append(fields, "issuer", p.Issuer, "auth_url", p.AuthURL, "token_url", p.TokenURL,
			"revocation_url", p.RevocationURL, "userinfo_url", p.UserinfoURL, "client_id", p.ClientID)
		if p.DeviceAuthURL != "" {
			// Only when set: sign-ins saved before the key existed stay theirs.
			fields = append(fields, "device_authorization_url", p.DeviceAuthURL)
		}
	}
	fields = append(fields, "send_tokens_to_other_origins")
	fields = append(fields, p.SendTokensToOtherOrigins...)
	h := sha256.New()
	for _, f := range fields {
		// Length-prefixed: no two lists of fields write the same bytes.
		h.Write([]byte(strconv.Itoa(len(f)) + ":" + f))
	}
	return "v1:" + hex.EncodeToString(h.Sum(nil)[:16])
}
