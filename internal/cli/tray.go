package cli

import (
	"errors"
	"io"
	"log/slog"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/tokentray/tokentray/words"
)

// TrayOptions are what the resident tray runs with: tokentray with no
// command, parsed.
type TrayOptions struct {
	// Config is the profile file, absolute: the tray serves it whatever
	// directory it was started in.
	Config string
	// Log receives what the tray does (--verbose); nil logs nothing.
	Log *slog.Logger
	// Stderr receives the window processes' output.
	Stderr io.Writer
}

// tray starts the resident tray process (tokentray with no command)
// through the program's Tray.
func (e *env) tray(cmd *cobra.Command, _ []string) error {
	path, err := e.configPath()
	if err != nil {
		return err
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return runOr(e, &TrayOptions{Config: path, Log: e.logger(), Stderr: e.stderr}, func(o *TrayOptions) error {
		if e.program.Tray == nil { // a program built without the tray
			return errors.New(words.T("this tokentray has no tray; its commands work (tokentray --help)"))
		}
		return e.program.Tray(e.ctx, *o)
	})
}
