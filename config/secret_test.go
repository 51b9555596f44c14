package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// renderings renders v every way a program might print or log it.
func renderings(v any) []string {
	var out []string
	for _, verb := range []string{"%v", "%s", "%+v", "%#v", "%q", "%x", "%X", "%d", "%10s", "%-12v"} {
		out = append(out, fmt.Sprintf(verb, v))
	}
	out = append(out, fmt.Sprint(v), fmt.Sprintln(v))
	j, err := json.Marshal(v)
	out = append(out, string(j), fmt.Sprint(err))
	y, err := yaml.Marshal(v)
	out = append(out, string(y), fmt.Sprint(err))
	for _, h := range []func(*bytes.Buffer) slog.Handler{
		func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
		func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
	} {
		var b bytes.Buffer
		log := slog.New(h(&b))
		log.Info("msg", "value", v)
		log.Info("msg", slog.Any("any", v), slog.Group("g", "nested", v))
		out = append(out, b.String())
	}
	return out
}

func TestSecretRedacted(t *testing.T) {
	t.Parallel()
	const value = "ghp_hunter2hunter2"
	s := Secret(value)
	type holder struct {
		Token Secret
		Ptr   *Secret
	}
	cfg := defaultT()
	cfg.GitHub.Token = s
	for _, v := range []any{s, &s, holder{Token: s, Ptr: &s}, cfg, *cfg, cfg.GitHub, []Secret{s}, map[string]Secret{"k": s}} {
		for _, r := range renderings(v) {
			if strings.Contains(r, value) || strings.Contains(r, "hunter2") {
				t.Errorf("%T rendered the secret: %s", v, r)
			}
			// hex of the value must not leak either (%x, %X)
			if strings.Contains(strings.ToLower(r), fmt.Sprintf("%x", value)[:16]) {
				t.Errorf("%T rendered the secret in hex: %s", v, r)
			}
		}
	}
	if s.Reveal() != value {
		t.Errorf("Reveal() = %q", s.Reveal())
	}
}

func TestSecretRenderings(t *testing.T) {
	t.Parallel()
	s := Secret("ghp_x")
	tests := []struct{ got, want string }{
		{s.String(), "<secret>"},
		{fmt.Sprintf("%v", s), "<secret>"},
		{fmt.Sprintf("%s", s), "<secret>"},
		{fmt.Sprintf("%+v", s), "<secret>"},
		{fmt.Sprintf("%#v", s), `config.Secret("<secret>")`},
		{fmt.Sprintf("%q", s), `"<secret>"`},
		{fmt.Sprintf("%x", s), "<secret>"},
		{fmt.Sprintf("%+v", struct{ T Secret }{s}), "{T:<secret>}"},
		{s.LogValue().String(), "<secret>"},
		{fmt.Sprintf("%v|%#v", Secret(""), Secret("")), `|config.Secret("")`},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%d: got %q, want %q", i, tt.got, tt.want)
		}
	}
	var round struct{ T Secret }
	j, _ := json.Marshal(struct{ T Secret }{s})
	if err := json.Unmarshal(j, &round); err != nil || round.T != "<secret>" {
		t.Errorf("json = %s (%v)", j, err)
	}
	y, err := yaml.Marshal(struct{ T Secret }{s})
	if err != nil || string(y) != "t: <secret>\n" {
		t.Errorf("yaml = %q (%v)", y, err)
	}
	var b bytes.Buffer
	slog.New(slog.NewJSONHandler(&b, nil)).Info("m", "token", s)
	if !strings.Contains(b.String(), `"token":"<secret>"`) {
		t.Errorf("slog json = %s", b.String())
	}
	txt, _ := s.MarshalText()
	if string(txt) != "<secret>" {
		t.Errorf("MarshalText = %q", txt)
	}
}
