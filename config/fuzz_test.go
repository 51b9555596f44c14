package config

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/ghrepo"
)

// FuzzParse checks that Parse never panics, that every error line names
// the source, and that whatever it accepts is valid. Seeds are the example
// file, the snippets below and testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	if example, err := os.ReadFile("example.yaml"); err == nil {
		f.Add(string(example))
	}
	for _, s := range []string{
		"",
		"watch: [curl/curl]\n",
		"watch:\n  - repo: curl/curl\n    tier: critical\n    owner: team\n  - samba-team/samba\n",
		"github: {api_url: 'https://ghe/api/v3', timeout: 10s}\nstore: {path: x.db}\nweb: {listen_address: ':1', telemetry_path: /m}\n",
		"collectors:\n  users: {schedule: '0 3 * * *', enabled: false}\n  issues: {schedule: '@every 5m'}\n",
		"collectors:\n  users: {schedule: 'TZ=UTC'}\n",
		"collectors:\n  users: {schedule: '@foo\\nbar'}\n",
		"a: &x {b: *x}\n",
		"x: &a [*a, *a, *a]\ny: &b [*a, *a, *a]\nwatch: *b\n",
		"github:\n  <<: {timeout: 1s}\n",
		"? [a]\n: b\n",
		"---\n---\n",
		"github:\n\ttimeout: 3s\n",
		"watch:\n  - foo\n  - a/b\n  - A/B\n",
		"github:\n  token: x\n  token_file: ''\n",
		"\xff\xfe",
		"watch:\n  - org: acme\n    forks: true\n  - repo: a/b\n    gomod: x\n",
		"watch:\n  - org: '@x'\n    indirect: false\n  - sbom: /\n",
		"github:\n  token_files: [/, '']\n  tokens: [x]\n  app: {app_id: '7', installation_id: 0x10, private_key_file: /}\n",
		"github:\n  pacing: {max_in_flight: 4, pace_below: .5, reserve: 0, max_wait: 1m}\n  app: {private_key: x}\n",
		"github:\n  pacing: {pace_below: 1e-9, reserve: .5, max_in_flight: 100}\n  token_files: {a: b}\n",
	} {
		f.Add(s)
	}
	const source = "fuzz.yaml"
	now := time.Now()
	f.Fuzz(func(t *testing.T, data string) {
		cfg, err := parseT(source, []byte(data), nil)
		if err != nil {
			if cfg != nil {
				t.Fatal("a Config with an error")
			}
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, source+":") {
					t.Fatalf("error line %q does not start with %q", line, source+":")
				}
			}
			return
		}
		if cfg.Source != source || !strings.HasSuffix(cfg.GitHub.APIURL, "/") || cfg.GitHub.Timeout <= 0 ||
			cfg.Store.Path == "" || !strings.HasPrefix(cfg.Web.TelemetryPath, "/") {
			t.Fatalf("accepted an invalid config: %+v", cfg)
		}
		if pc := cfg.GitHub.Pacing; pc.MaxInFlight < 1 || pc.PaceBelow <= 0 || pc.PaceBelow > 1 || pc.Reserve < 0 || pc.Reserve > 0.5 || pc.MaxWait <= 0 {
			t.Fatalf("accepted pacing %+v", pc)
		}
		names := map[string]bool{}
		for _, c := range cfg.GitHub.Credentials() {
			if names[c.Name] || (c.Token == "") == (c.App == nil) {
				t.Fatalf("credentials %+v", cfg.GitHub.Credentials())
			}
			names[c.Name] = true
		}
		if len(cfg.GitHub.Credentials()) > 0 && len(cfg.Warnings) > 0 && strings.Contains(strings.Join(cfg.Warnings, "\n"), "no token") {
			t.Fatalf("warns of no token with credentials")
		}
		if len(cfg.Collectors) != len(testCollectors) {
			t.Fatalf("collectors = %v", cfg.Collectors)
		}
		for name, c := range cfg.Collectors {
			if err := checkSchedule(c.Schedule, now); err != nil {
				t.Fatalf("collector %s: accepted %v", name, err)
			}
		}
		seen := map[string]bool{}
		for _, w := range cfg.Watch {
			if w.Line < 1 || w.Key == "" {
				t.Fatalf("watch item %+v has no line or key", w)
			}
			if w.Kind != KindRepo {
				if w.Kind == KindOrg {
					if _, err := ghrepo.ParseOwner(w.Account); err != nil {
						t.Fatalf("accepted account %q: %v", w.Account, err)
					}
				} else if w.Path == "" {
					t.Fatalf("accepted %s item without a path", w.Kind)
				}
				continue
			}
			if n, err := ghrepo.Parse(w.Repo.String()); err != nil || n != w.Repo {
				t.Fatalf("accepted watch item %+v: %v", w, err)
			}
			if seen[w.Repo.Key()] {
				t.Fatalf("accepted %s twice", w.Repo)
			}
			seen[w.Repo.Key()] = true
			if w.Line < 1 {
				t.Fatalf("watch item %s has line %d", w.Repo, w.Line)
			}
		}
		for _, w := range cfg.Warnings {
			if !strings.HasPrefix(w, source+":") {
				t.Fatalf("warning %q does not start with %q", w, source+":")
			}
		}
	})
}
