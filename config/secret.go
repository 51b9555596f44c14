package config

import (
	"fmt"
	"io"
	"log/slog"
	"strconv"
)

// redacted is what every rendering of a non-empty Secret shows.
const redacted = "<secret>"

// Secret holds a credential (the GitHub token). Every way the standard
// library and our logging render a value — fmt with any verb (%v %s %q %x
// %#v …), encoding/json, yaml.v3, encoding.TextMarshaler users, slog —
// shows "<secret>" instead of the value, so a Config can be logged or
// dumped whole. Reveal is the one deliberate way to get the value; call it
// only where the token is put on the wire.
//
// An empty Secret renders as "": there is nothing to hide, and "no token
// configured" is worth seeing in a config dump.
type Secret string

// Reveal returns the secret value.
func (s Secret) Reveal() string { return string(s) }

func (s Secret) shown() string {
	if s == "" {
		return ""
	}
	return redacted
}

// String implements fmt.Stringer.
func (s Secret) String() string { return s.shown() }

// GoString implements fmt.GoStringer (%#v).
func (s Secret) GoString() string { return "config.Secret(" + strconv.Quote(s.shown()) + ")" }

// Format implements fmt.Formatter. It takes precedence over String and
// GoString for every verb, so that no verb (%x, %q, %d …) can print the
// bytes of the value.
func (s Secret) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'v' && f.Flag('#'):
		_, _ = io.WriteString(f, s.GoString())
	case verb == 'q':
		_, _ = io.WriteString(f, strconv.Quote(s.shown()))
	default:
		_, _ = io.WriteString(f, s.shown())
	}
}

// MarshalText implements encoding.TextMarshaler.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.shown()), nil }

// MarshalJSON implements json.Marshaler.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(strconv.Quote(s.shown())), nil }

// MarshalYAML implements yaml.Marshaler.
func (s Secret) MarshalYAML() (any, error) { return s.shown(), nil }

// LogValue implements slog.LogValuer.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.shown()) }
