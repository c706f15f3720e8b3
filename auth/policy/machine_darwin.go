package policy

import (
	"errors"
	"fmt"
	"io/fs"
	"os/user"
	"path/filepath"
	"strings"

	"github.com/tokentray/tokentray/auth/safefile"
)

// managedDir is where MDM profiles leave managed preferences. These
// locations were not verified on a Mac: they are the documented ones, and
// only the parsing (parsePlist) is tested, on Linux.
var managedDir = "/Library/Managed Preferences"

// loadMachine reads the device's managed preferences for com.tokentray and
// then the current user's, whose keys take precedence; nil, nil without
// either.
func loadMachine() (*Policy, error) {
	paths := []string{filepath.Join(managedDir, "com.tokentray.plist")}
	if u, err := user.Current(); err == nil && u.Username != "" && !strings.ContainsAny(u.Username, `/\`) {
		paths = append(paths, filepath.Join(managedDir, u.Username, "com.tokentray.plist"))
	}
	var p *Policy
	for _, path := range paths {
		data, err := safefile.Read(path, safefile.MaxSize, nil)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("could not read the policy: %w", err)
		}
		if p == nil {
			p = newPolicy("")
		}
		if err := p.readPlist(path, data); err != nil {
			return nil, err
		}
	}
	return p, nil
}
