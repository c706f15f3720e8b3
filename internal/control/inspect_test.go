package control

import (
	"encoding/base64"
	"strings"
	"testing"
)

// A claim is copied as text: a provider's line break, escape or
// reordering mark becomes a space, as the window shows it.
func TestClaimCopyIsText(t *testing.T) {
	body := base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"alice\n\u001b[2Jrm -rf ~\u202e","aud":["a","b"]}`))
	in := Inspect(ProfileView{Name: "w", State: Valid}, "eyJhbGciOiJub25lIn0."+body+".sig")
	got, ok := in.ClaimCopy("sub")
	if !ok || strings.ContainsAny(got, "\n\x1b\u202e") || !strings.HasPrefix(got, "alice") {
		t.Errorf("sub copies as %q", got)
	}
	if got, _ := in.ClaimCopy("aud"); got != `["a","b"]` {
		t.Errorf("aud copies as %q", got)
	}
}
