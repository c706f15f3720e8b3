package cli

import (
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/tokentray/tokentray/app"
)

// tray starts the resident tray process (tokentray with no command).
func (e *env) tray(cmd *cobra.Command, _ []string) error {
	path, err := e.configPath()
	if err != nil {
		return err
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return app.RunResident(e.ctx, app.Options{Config: path, Log: e.logger(), Stderr: e.stderr})
}
