// Command fynetray is the baseline `make bench` compares tokentray's idle
// tray with: the smallest Fyne 2.7 app with a tray icon and menu and no
// window open, as the figures were measured.
package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/driver/desktop"

	"github.com/tokentray/tokentray/assets"
)

func main() {
	a := app.NewWithID("io.github.tokentray.bench")
	if d, ok := a.(desktop.App); ok {
		d.SetSystemTrayIcon(fyne.NewStaticResource("tray.png", assets.TrayValid))
		d.SetSystemTrayMenu(fyne.NewMenu("bench", fyne.NewMenuItem("Copy", func() {})))
	}
	a.Run()
}
