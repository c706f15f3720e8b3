package assets

import (
	"bytes"
	"encoding/binary"
	"image/png"
	"testing"
)

// Every tray icon, wrapped for Windows, is an ICO whose one entry is the
// PNG itself with its true size.
func TestICO(t *testing.T) {
	for name, p := range map[string][]byte{"valid": TrayValid, "refreshing": TrayRefreshing, "retrying": TrayRetrying, "signed out": TraySignedOut, "app": Icon} {
		t.Run(name, func(t *testing.T) {
			ico := ICO(p)
			var head struct {
				Reserved, Type, Count uint16
				W, H, Colours, R      uint8
				Planes, Bits          uint16
				Size, Offset          uint32
			}
			if err := binary.Read(bytes.NewReader(ico), binary.LittleEndian, &head); err != nil {
				t.Fatal(err)
			}
			cfg, _ := png.DecodeConfig(bytes.NewReader(p))
			w := int(head.W)
			if w == 0 {
				w = 256
			}
			if head.Reserved != 0 || head.Type != 1 || head.Count != 1 || w != cfg.Width || head.Offset != 22 ||
				int(head.Size) != len(p) || !bytes.Equal(ico[22:], p) {
				t.Errorf("not an ICO holding the PNG: %+v", head)
			}
		})
	}
	if ICO([]byte("not a png")) != nil {
		t.Error("garbage wrapped")
	}
}
