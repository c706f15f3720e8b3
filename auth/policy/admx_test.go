package policy

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

type admx struct {
	Policies []struct {
		Name         string `xml:"name,attr"`
		Class        string `xml:"class,attr"`
		Key          string `xml:"key,attr"`
		ValueName    string `xml:"valueName,attr"`
		Presentation string `xml:"presentation,attr"`
		Category     struct {
			Ref string `xml:"ref,attr"`
		} `xml:"parentCategory"`
		Enabled  *decimal `xml:"enabledValue>decimal"`
		Disabled *decimal `xml:"disabledValue>decimal"`
		Texts    []struct {
			ID         string `xml:"id,attr"`
			ValueName  string `xml:"valueName,attr"`
			Expandable bool   `xml:"expandable,attr"`
		} `xml:"elements>text"`
	} `xml:"policies>policy"`
	Categories []struct {
		Name string `xml:"name,attr"`
	} `xml:"categories>category"`
}

type decimal struct {
	Value string `xml:"value,attr"`
}

type adml struct {
	Strings []struct {
		ID string `xml:"id,attr"`
	} `xml:"resources>stringTable>string"`
	Presentations []struct {
		ID       string `xml:"id,attr"`
		TextBoxs []struct {
			RefID string `xml:"refId,attr"`
		} `xml:"textBox"`
	} `xml:"resources>presentationTable>presentation"`
}

// readXML fails on XML that is not well-formed, to the last token.
func readXML(t *testing.T, path string, v any) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return data
}

// TestGroupPolicyTemplate checks that the ADMX template writes exactly the
// values, types and key that loadMachine reads on Windows.
func TestGroupPolicyTemplate(t *testing.T) {
	dir := filepath.Join("..", "..", "packaging", "windows", "policy")
	var def admx
	defData := readXML(t, filepath.Join(dir, "tokentray.admx"), &def)
	var res adml
	readXML(t, filepath.Join(dir, "en-US", "tokentray.adml"), &res)

	strs, texts := map[string]bool{}, map[string]bool{}
	for _, s := range res.Strings {
		strs[s.ID] = true
	}
	for _, p := range res.Presentations {
		for _, b := range p.TextBoxs {
			texts[p.ID+"/"+b.RefID] = true
		}
	}
	for _, m := range regexp.MustCompile(`\$\(string\.([^)]+)\)`).FindAllSubmatch(defData, -1) {
		if !strs[string(m[1])] {
			t.Errorf("string %s is used in the ADMX but missing from the ADML", m[1])
		}
	}
	if len(def.Categories) != 1 || def.Categories[0].Name != "tokentray" {
		t.Errorf("got categories %+v, want one, tokentray", def.Categories)
	}

	written := map[string]bool{}
	for _, p := range def.Policies {
		t.Run(p.Name, func(t *testing.T) {
			if p.Class != "Machine" || p.Key != registryKey || p.Category.Ref != "tokentray" {
				t.Errorf("got class %q, key %q, category %q; want Machine, %s, tokentray", p.Class, p.Key, p.Category.Ref, registryKey)
			}
			if p.ValueName != "" {
				written[p.ValueName] = true
				if p.Enabled == nil || p.Enabled.Value != "1" || p.Disabled == nil || p.Disabled.Value != "0" {
					t.Errorf("%s: want enabled = DWORD 1, disabled = DWORD 0", p.ValueName)
				}
			}
			for _, e := range p.Texts {
				written[e.ValueName] = true
				if p.Presentation != "$(presentation."+p.Name+")" || !texts[p.Name+"/"+e.ID] {
					t.Errorf("text %s has no text box in the ADML presentation %s", e.ID, p.Name)
				}
				for _, f := range fields {
					if f.name == e.ValueName && (f.isBool || f.isPath != e.Expandable) {
						t.Errorf("%s: expandable=%v, but tokentray reads it as a path: %v", e.ValueName, e.Expandable, f.isPath)
					}
				}
			}
		})
	}
	for _, f := range fields {
		if !written[f.name] {
			t.Errorf("no policy writes %s", f.name)
		}
		delete(written, f.name)
	}
	for name := range written {
		t.Errorf("the template writes %s, which tokentray does not read", name)
	}
}
