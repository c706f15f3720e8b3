package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/keychain"
	"github.com/tokentray/tokentray/auth/profile"
	"github.com/tokentray/tokentray/internal/control"
	"github.com/tokentray/tokentray/internal/control/client"
)

// An error keeps its kind and facts across the control protocol, so the
// command line exits alike through the tray and directly, and a window
// can name the port without reading the message.
func TestErrorsCrossTheSocketTyped(t *testing.T) {
	cases := []struct {
		err  error
		kind control.Kind
		port int
	}{
		{fmt.Errorf("refresh w: %w", auth.ErrSignInNeeded), control.KindSignIn, 0},
		{fmt.Errorf("refresh w: %w", auth.ErrProviderUnreachable), control.KindUnreachable, 0},
		{&profile.ConfigError{File: "p.toml", Line: 3, Key: "issuer", Msg: "bad"}, control.KindConfig, 0},
		{&keychain.Error{Op: "read", Hint: "unlock it", Err: errors.New("locked")}, control.KindKeychain, 0},
		{&auth.PortInUseError{Profile: "w", Addr: "127.0.0.1:3000"}, control.KindPortInUse, 3000},
		{&auth.ProviderError{Code: "access_denied"}, control.KindDeclined, 0},
		{&auth.ProviderError{Code: "invalid_scope", Description: "scope api is not allowed"}, control.KindRefused, 0},
		{fmt.Errorf("refresh w: %w; check client_id", auth.ErrClientRefused), control.KindClient, 0},
		{&profile.PlaceholderError{Profile: "w", Key: "client_id", Value: "YOUR-ID"}, control.KindPlaceholder, 0},
		{&auth.MisconfiguredError{Profile: "w", Issuer: "a", Discovered: "b"}, control.KindMisconfigured, 0},
		{&profile.ProfileError{File: "p.toml"}, control.KindNoProfiles, 0},
		{&profile.ProfileError{File: "p.toml", Name: "x", Known: []string{"a"}}, control.KindUnknownProfile, 0},
		{fmt.Errorf("x: %w", auth.ErrNoSecret), control.KindSecret, 0},
		{context.Canceled, control.KindCanceled, 0},
		{context.DeadlineExceeded, control.KindTimeout, 0},
		{errors.New("something else"), control.KindOther, 0},
	}
	for _, c := range cases {
		t.Run(string(c.kind), func(t *testing.T) {
			svc := func(context.Context, control.Request, func(control.Message) error) (control.Message, error) {
				return control.Message{}, c.err
			}
			cl := &client.Client{Direct: pipeTo(svc)}
			err := cl.Ping(context.Background())
			var e *control.Error
			if !errors.As(err, &e) {
				t.Fatalf("got %T %v, want a *control.Error", err, err)
			}
			var ce *profile.ConfigError
			if errors.As(c.err, &ce) && e.Line != ce.Line {
				t.Errorf("line %d, want %d", e.Line, ce.Line)
			}
			if e.Kind != c.kind || e.Port != c.port || e.Msg != c.err.Error() || e.Said != auth.ProviderSaid(c.err) {
				t.Errorf("got kind %s port %d %q, want %s %d %q", e.Kind, e.Port, e.Msg, c.kind, c.port, c.err.Error())
			}
		})
	}
}

// pipeTo connects a client to h in this process, as Direct does.
func pipeTo(h handler) func() net.Conn {
	return func() net.Conn {
		client, server := net.Pipe()
		go serve(context.Background(), server, h)
		return client
	}
}
