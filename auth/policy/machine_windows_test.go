package policy

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/windows/registry"
)

// TestLoadRegistry writes values under a scratch key in HKCU (no
// administrator needed) and reads them as loadMachine reads HKLM.
func TestLoadRegistry(t *testing.T) {
	path := fmt.Sprintf(`SOFTWARE\tokentray-test-%d`, time.Now().UnixNano())
	t.Setenv("TOKENTRAY_TEST_DIR", `C:\ProgramData\tokentray`)
	tests := []struct {
		name    string
		set     func(k registry.Key) error
		want    *Policy // nil with wantErr ""; ignored with wantErr
		wantErr string
	}{
		{name: "no key: no policy"},
		{name: "every value", set: func(k registry.Key) error {
			return firstErr(k.SetStringValue("Organization", "ACME Corp"), k.SetExpandStringValue("AllowedSigners", `%TOKENTRAY_TEST_DIR%\allowed_signers`),
				k.SetDWordValue("RequireSigned", 2), k.SetStringValue("Profiles", `C:\ProgramData\tokentray\profiles.toml`), k.SetStringValue("Language", "de"))
		}, want: &Policy{Organization: "ACME Corp", AllowedSigners: `C:\ProgramData\tokentray\allowed_signers`, RequireSigned: true,
			Profiles: `C:\ProgramData\tokentray\profiles.toml`, Language: "de", Where: `HKCU\` + path,
			Source: map[string]string{"organization": `HKCU\` + path + `\Organization`, "allowed_signers": `HKCU\` + path + `\AllowedSigners`,
				"require_signed": `HKCU\` + path + `\RequireSigned`, "profiles": `HKCU\` + path + `\Profiles`, "language": `HKCU\` + path + `\Language`}}},
		{name: "an empty key is a policy", set: func(k registry.Key) error { return nil },
			want: &Policy{Where: `HKCU\` + path, Source: map[string]string{}}},
		{name: "RequireSigned 0", set: func(k registry.Key) error { return k.SetDWordValue("RequireSigned", 0) },
			want: &Policy{Where: `HKCU\` + path, Source: map[string]string{"require_signed": `HKCU\` + path + `\RequireSigned`}}},
		{name: "RequireSigned as text", set: func(k registry.Key) error { return k.SetStringValue("RequireSigned", "1") }, wantErr: `\RequireSigned must be a number (REG_DWORD)`},
		{name: "RequireSigned as a QWORD", set: func(k registry.Key) error { return k.SetQWordValue("RequireSigned", 1) }, wantErr: `\RequireSigned must be a number (REG_DWORD)`},
		{name: "Organization as a number", set: func(k registry.Key) error { return k.SetDWordValue("Organization", 1) }, wantErr: `\Organization must be text (REG_SZ)`},
		{name: "Organization expandable", set: func(k registry.Key) error { return k.SetExpandStringValue("Organization", "%USERNAME%") }, wantErr: `\Organization must be text (REG_SZ)`},
		{name: "a relative path", set: func(k registry.Key) error { return k.SetStringValue("Profiles", "profiles.toml") }, wantErr: `\Profiles must be a full path, not "profiles.toml"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.set != nil {
				k, _, err := registry.CreateKey(registry.CURRENT_USER, path, registry.ALL_ACCESS)
				if err != nil {
					t.Fatal(err)
				}
				defer registry.DeleteKey(registry.CURRENT_USER, path)
				defer k.Close()
				if err := tt.set(k); err != nil {
					t.Fatal(err)
				}
			}
			got, err := loadRegistry(registry.CURRENT_USER, `HKCU\`, path)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, want an error with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// firstErr returns the first error of several.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
