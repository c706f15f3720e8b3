package app

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/sys/windows/registry"
)

// Start at login on Windows: a value under the user's Run key.
const runKey = `Software\Microsoft\Windows\CurrentVersion\Run`

func autostartEnabled() bool {
	k, err := registry.OpenKey(registry.CURRENT_USER, runKey, registry.QUERY_VALUE)
	if err != nil {
		return false
	}
	defer k.Close()
	_, _, err = k.GetStringValue("tokentray")
	return err == nil
}

func setAutostart(on bool, exe string, args []string) error {
	k, _, err := registry.CreateKey(registry.CURRENT_USER, runKey, registry.SET_VALUE)
	if err != nil {
		return fmt.Errorf("start at login: %w", err)
	}
	defer k.Close()
	if !on {
		if err := k.DeleteValue("tokentray"); err != nil && !errors.Is(err, registry.ErrNotExist) {
			return fmt.Errorf("start at login: %w", err)
		}
		return nil
	}
	cmd := []string{`"` + exe + `"`}
	for _, a := range args {
		cmd = append(cmd, `"`+strings.ReplaceAll(a, `"`, `\"`)+`"`)
	}
	if err := k.SetStringValue("tokentray", strings.Join(cmd, " ")); err != nil {
		return fmt.Errorf("start at login: %w", err)
	}
	return nil
}
