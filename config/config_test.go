package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/ghrepo"
	"github.com/fundwatch/fundwatch/internal/strictyaml"
)

const src = "fundwatch.yaml"

// envOf returns an env lookup over m.
func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// writeFile writes content to a new file in a test directory.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const noTokenWarning = "fundwatch.yaml: github: no token (set GITHUB_TOKEN or github.token_file)"

func TestParseGood(t *testing.T) {
	t.Parallel()
	tokenFile := writeFile(t, "token", "ghp_fromfile123\r\n")
	tests := []struct {
		name     string
		yaml     string
		env      map[string]string
		want     func(c *Config) // edits defaultT() into the expected Config
		warnings []string        // prefixes, in order
	}{
		{
			name: "minimal",
			yaml: "watch:\n  - curl/curl\n",
			want: func(c *Config) {
				c.Watch = []WatchItem{{Kind: "repo", Key: "watch[0]", Repo: ghrepo.MustParse("curl/curl"), Line: 2}}
			},
			warnings: []string{noTokenWarning},
		},
		{
			name:     "empty sections are defaults",
			yaml:     "github:\nstore:\nweb:\ncollectors:\nwatch:\n",
			want:     func(c *Config) {},
			warnings: []string{noTokenWarning, "fundwatch.yaml:5: watch: the watch list is empty; serve has nothing to do"},
		},
		{
			name:     "no watch key at all",
			yaml:     "store: {path: x.db}\n",
			env:      map[string]string{"GITHUB_TOKEN": "tok12345"},
			want:     func(c *Config) { c.Store.Path = "x.db"; c.GitHub.Token = "tok12345" },
			warnings: []string{"fundwatch.yaml: watch: the watch list is empty"},
		},
		{
			name: "everything set",
			yaml: `github:
  api_url: https://ghe.example.com/api/v3
  token_file: ` + tokenFile + `
  timeout: 1m30s
store:
  path: /var/lib/fundwatch/fw.db
web:
  listen_address: "127.0.0.1:9999"
  telemetry_path: /fw/metrics
collectors:
  commits: { schedule: "@every 2h" }
  users:   { schedule: "0 3 * * *", enabled: true }
  releases:
    enabled: false
  issues:
    schedule: "CRON_TZ=UTC 15 */2 * * 1-5"
watch:
  - repo: curl/curl
    tier: critical
    owner: platform-team
  - repo: samba-team/samba
  - madler/zlib
  - {repo: Microsoft/TypeScript, tier: low, owner: "Équipe web"}
`,
			want: func(c *Config) {
				c.GitHub = GitHub{APIURL: "https://ghe.example.com/api/v3/", Token: "ghp_fromfile123", TokenFile: tokenFile, Timeout: 90 * time.Second,
					Pacing: defaultT().GitHub.Pacing}
				c.Store.Path = "/var/lib/fundwatch/fw.db"
				c.Web = Web{ListenAddress: "127.0.0.1:9999", TelemetryPath: "/fw/metrics"}
				c.Collectors["commits"] = Collector{Schedule: "@every 2h", Enabled: true}
				c.Collectors["users"] = Collector{Schedule: "0 3 * * *", Enabled: true}
				c.Collectors["releases"] = Collector{Schedule: "@every 6h", Enabled: false}
				c.Collectors["issues"] = Collector{Schedule: "CRON_TZ=UTC 15 */2 * * 1-5", Enabled: true}
				c.Watch = []WatchItem{
					{Kind: "repo", Key: "watch[0]", Repo: ghrepo.MustParse("curl/curl"), Tier: "critical", Owner: "platform-team", Line: 18},
					{Kind: "repo", Key: "watch[1]", Repo: ghrepo.MustParse("samba-team/samba"), Line: 21},
					{Kind: "repo", Key: "watch[2]", Repo: ghrepo.MustParse("madler/zlib"), Line: 22},
					{Kind: "repo", Key: "watch[3]", Repo: ghrepo.MustParse("Microsoft/TypeScript"), Tier: "low", Owner: "Équipe web", Line: 23},
				}
			},
		},
		{
			name: "token from the environment, trimmed",
			yaml: "watch: [a/b]\n",
			env:  map[string]string{"GITHUB_TOKEN": "  ghp_env456\n"},
			want: func(c *Config) {
				c.GitHub.Token = "ghp_env456"
				c.Watch = []WatchItem{{Kind: "repo", Key: "watch[0]", Repo: ghrepo.MustParse("a/b"), Line: 1}}
			},
		},
		{
			name: "blank GITHUB_TOKEN counts as unset",
			yaml: "github: {token_file: " + tokenFile + "}\nwatch: [a/b]\n",
			env:  map[string]string{"GITHUB_TOKEN": " "},
			want: func(c *Config) {
				c.GitHub.Token, c.GitHub.TokenFile = "ghp_fromfile123", tokenFile
				c.Watch = []WatchItem{{Kind: "repo", Key: "watch[0]", Repo: ghrepo.MustParse("a/b"), Line: 2}}
			},
		},
		{
			name: "api_url without path gets a slash",
			yaml: "github: {api_url: 'HTTP://localhost:8080'}\nwatch: [a/b]\n",
			want: func(c *Config) {
				c.GitHub.APIURL = "HTTP://localhost:8080/"
				c.Watch = []WatchItem{{Kind: "repo", Key: "watch[0]", Repo: ghrepo.MustParse("a/b"), Line: 2}}
			},
			warnings: []string{noTokenWarning},
		},
		{
			name: "aliases resolve",
			yaml: `collectors:
  issues: &fast {schedule: "@every 5m"}
  comments: *fast
watch:
  - &zlib {repo: madler/zlib, tier: high}
`,
			want: func(c *Config) {
				c.Collectors["issues"] = Collector{Schedule: "@every 5m", Enabled: true}
				c.Collectors["comments"] = Collector{Schedule: "@every 5m", Enabled: true}
				c.Watch = []WatchItem{{Kind: "repo", Key: "watch[0]", Repo: ghrepo.MustParse("madler/zlib"), Tier: "high", Line: 5}}
			},
			warnings: []string{noTokenWarning},
		},
		{
			name: "analysis inputs",
			yaml: "analysis:\n  affiliations: " + tokenFile + "\n  mailmap: " + tokenFile + "\n  params: " + tokenFile + "\nwatch: [a/b]\n",
			want: func(c *Config) {
				c.Analysis = Analysis{Affiliations: tokenFile, Mailmap: tokenFile, Params: tokenFile}
				c.Watch = []WatchItem{{Kind: "repo", Key: "watch[0]", Repo: ghrepo.MustParse("a/b"), Line: 5}}
			},
			warnings: []string{noTokenWarning},
		},
		{
			// As a section whose keys are all commented out is empty.
			name: "list keys without items",
			yaml: "github:\n  token_files:\nweb:\n  metric_opt_in:\nwatch: [a/b]\n",
			want: func(c *Config) {
				c.Watch = []WatchItem{{Kind: "repo", Key: "watch[0]", Repo: ghrepo.MustParse("a/b"), Line: 5}}
			},
			warnings: []string{noTokenWarning},
		},
		{
			name: "collection",
			yaml: "collection:\n  git: false\n  git_cache: /var/cache/fundwatch\n  probe: false\n  max_skip: 12h\n  max_skip_quiet: 72h\n  issue_history: 400d\n  people_refresh: 72h\nwatch: [a/b]\n",
			want: func(c *Config) {
				c.Collection = Collection{Git: false, GitCache: "/var/cache/fundwatch", Probe: false, MaxSkip: 12 * time.Hour, MaxSkipQuiet: 72 * time.Hour,
					IssueHistory: 400 * 24 * time.Hour, PeopleRefresh: 72 * time.Hour}
				c.Watch = []WatchItem{{Kind: "repo", Key: "watch[0]", Repo: ghrepo.MustParse("a/b"), Line: 9}}
			},
			warnings: []string{noTokenWarning},
		},
		{
			name: "the whole issue history",
			yaml: "collection:\n  issue_history: all\nwatch: [a/b]\n",
			want: func(c *Config) {
				c.Collection.IssueHistory = WholeIssueHistory
				c.Watch = []WatchItem{{Kind: "repo", Key: "watch[0]", Repo: ghrepo.MustParse("a/b"), Line: 3}}
			},
			warnings: []string{noTokenWarning},
		},
		{
			name: "the whole issue history, as 0",
			yaml: "collection:\n  issue_history: 0\nwatch: [a/b]\n",
			want: func(c *Config) {
				c.Collection.IssueHistory = WholeIssueHistory
				c.Watch = []WatchItem{{Kind: "repo", Key: "watch[0]", Repo: ghrepo.MustParse("a/b"), Line: 3}}
			},
			warnings: []string{noTokenWarning},
		},
		{
			name: "issue history in Go's syntax",
			yaml: "collection:\n  issue_history: 9600h\nwatch: [a/b]\n",
			want: func(c *Config) {
				c.Collection.IssueHistory = 9600 * time.Hour
				c.Watch = []WatchItem{{Kind: "repo", Key: "watch[0]", Repo: ghrepo.MustParse("a/b"), Line: 3}}
			},
			warnings: []string{noTokenWarning},
		},
		{
			name: "descriptors and telemetry path /",
			yaml: "web: {telemetry_path: /}\ncollectors:\n  repo: {schedule: '@hourly'}\n  users: {schedule: '@weekly'}\nwatch: [a/b]\n",
			want: func(c *Config) {
				c.Web.TelemetryPath = "/"
				c.Collectors["repo"] = Collector{Schedule: "@hourly", Enabled: true}
				c.Collectors["users"] = Collector{Schedule: "@weekly", Enabled: true}
				c.Watch = []WatchItem{{Kind: "repo", Key: "watch[0]", Repo: ghrepo.MustParse("a/b"), Line: 5}}
			},
			warnings: []string{noTokenWarning},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseT(src, []byte(tt.yaml), envOf(tt.env))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			want := defaultT()
			want.Source = src
			tt.want(want)
			gotWarnings := got.Warnings
			got.Warnings = nil
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Parse:\n got %+v\nwant %+v", got, want)
			}
			if len(gotWarnings) != len(tt.warnings) {
				t.Fatalf("warnings = %q, want %d starting %q", gotWarnings, len(tt.warnings), tt.warnings)
			}
			for i, w := range tt.warnings {
				if !strings.HasPrefix(gotWarnings[i], w) {
					t.Errorf("warning[%d] = %q, want prefix %q", i, gotWarnings[i], w)
				}
			}
		})
	}
}

func TestDefault(t *testing.T) {
	t.Parallel()
	c := defaultT()
	if c.GitHub.APIURL != "https://api.github.com/" || c.GitHub.Timeout != 30*time.Second ||
		c.Store.Path != "fundwatch.db" || c.Web.ListenAddress != ":9864" || c.Web.TelemetryPath != "/metrics" {
		t.Errorf("defaultT() = %+v", c)
	}
	if len(c.Collectors) != len(testCollectors) {
		t.Fatalf("collectors %v, want %v", c.Collectors, testCollectors)
	}
	for _, d := range testCollectors {
		name := d.Name
		cc, ok := c.Collectors[name]
		if !ok || !cc.Enabled || cc.Schedule != d.Schedule {
			t.Errorf("defaultT().Collectors[%q] = %+v, %v", name, cc, ok)
		}
		if err := checkSchedule(cc.Schedule, time.Now()); err != nil {
			t.Errorf("default schedule of %s: %v", name, err)
		}
	}
	if c.Watch != nil || c.Warnings != nil {
		t.Errorf("defaultT() has a watch list or warnings: %+v", c)
	}
	// Each call is a fresh copy: callers may edit it.
	c.Collectors["repo"] = Collector{}
	if defaultT().Collectors["repo"].Schedule == "" {
		t.Error("defaultT() shares its Collectors map")
	}
}

func TestParseBad(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	emptyToken := write("empty", " \n\n")
	twoTokens := write("two", "ghp_aaaa\nghp_bbbb\n")
	bigToken := write("big", strings.Repeat("x", maxTokenFile+1))
	goodToken := write("good", "ghp_good\n")
	missing := filepath.Join(dir, "missing")

	tests := []struct {
		name string
		yaml string
		env  map[string]string
		want string // a substring of the error
	}{
		// The file as a whole.
		{"empty file", "", nil, "fundwatch.yaml: the file is empty"},
		{"only comments", "# nothing here\n\n", nil, "fundwatch.yaml: the file is empty"},
		{"only a document marker", "---\n", nil, "fundwatch.yaml: the file is empty"},
		{"two documents", "github: {}\n---\nstore: {}\n", nil, "fundwatch.yaml:2: a second YAML document"},
		{"syntax error", "github:\n  timeout: [\n", nil, "fundwatch.yaml:2: did not find expected node content"},
		{"tab indentation", "github:\n\ttimeout: 3s\n", nil, "fundwatch.yaml:2: found character that cannot start any token"},
		{"top level list", "- curl/curl\n", nil, "fundwatch.yaml:1: must be a mapping of sections (github, store, web, collection, collectors, watch, analysis), got a list"},
		{"top level scalar", "curl/curl\n", nil, `fundwatch.yaml:1: must be a mapping of sections (github, store, web, collection, collectors, watch, analysis), got "curl/curl"`},
		{"unknown section", "store: {}\ngihub: {}\n", nil, "fundwatch.yaml:2: gihub: unknown section (known: github, store, web, collection, collectors, watch, analysis); did you mean github?"},
		{"unknown section, no suggestion", "prometheus: {}\n", nil, "fundwatch.yaml:1: prometheus: unknown section (known: github, store, web, collection, collectors, watch, analysis)"},
		{"duplicate section", "store: {}\nweb: {}\nstore: {}\n", nil, "fundwatch.yaml:3: store: defined twice (first at line 1)"},
		{"non-scalar key", "? [a]\n: b\n", nil, "fundwatch.yaml:1: keys must be plain names, got a list"},
		{"merge key", "github:\n  <<: {timeout: 1s}\n", nil, `fundwatch.yaml:2: github."<<": merge keys (<<) are not supported`},
		{"odd key quoted", "github:\n  \"time out\": 1s\n", nil, `fundwatch.yaml:2: github."time out": unknown key`},

		// github
		{"github not a mapping", "github: yes\n", nil, `fundwatch.yaml:1: github: must be a mapping, got "yes"`},
		{"github unknown key", "github:\n  timeout: 1s\n  tokenfile: /x\n", nil, "fundwatch.yaml:3: github.tokenfile: unknown key (known: api_url, token_file, token_files, app, timeout, pacing); did you mean token_file?"},
		{"github.token refused", "github:\n  token: ghp_inline\n", nil, "fundwatch.yaml:2: github.token: the token does not belong in the config file; set GITHUB_TOKEN or github.token_file"},
		{"api_url scheme", "github:\n  api_url: ftp://example.com/\n", nil, `fundwatch.yaml:2: github.api_url: "ftp://example.com/" is not an http or https URL`},
		{"api_url no scheme", "github:\n  api_url: api.github.com\n", nil, `fundwatch.yaml:2: github.api_url: "api.github.com" is not an http or https URL`},
		{"api_url unparsable", "github:\n  api_url: 'http://[::1'\n", nil, "fundwatch.yaml:2: github.api_url: not a URL: missing ']' in host"},
		{"api_url no host", "github:\n  api_url: https:///v3\n", nil, `fundwatch.yaml:2: github.api_url: "https:///v3" has no host`},
		{"api_url query", "github:\n  api_url: https://x/?a=1\n", nil, `github.api_url: "https://x/" must not have a query or fragment (not shown`},
		{"api_url token in the query", "github:\n  api_url: https://ghe.example/api/v3?access_token=ghp_QueryT0kenLeak99\n", nil, `github.api_url: "https://ghe.example/api/v3" must not have a query or fragment`},
		{"api_url token in the fragment, bad scheme", "github:\n  api_url: ftp://x/#ghp_FragT0kenLeak99\n", nil, `github.api_url: "ftp://x/" is not an http or https URL`},
		{"api_url credentials", "github:\n  api_url: https://me:hunter2@ghe.example/\n", nil, "fundwatch.yaml:2: github.api_url: must not contain a user name or password"},
		{"api_url whitespace", "github:\n  api_url: 'https://x/ y'\n", nil, "github.api_url: must not contain whitespace"},
		{"api_url wrong type", "github:\n  api_url: 5\n", nil, `fundwatch.yaml:2: github.api_url: must be a string, got the integer "5" (quote it to make it a string)`},
		{"api_url null", "github:\n  api_url:\n", nil, "fundwatch.yaml:2: github.api_url: must be a string, got no value"},
		{"timeout without unit", "github:\n  timeout: 30\n", nil, `fundwatch.yaml:2: github.timeout: must be a duration with a unit, like 30s or 2m; got the integer "30"`},
		{"timeout garbage", "github:\n  timeout: soon\n", nil, `fundwatch.yaml:2: github.timeout: "soon" is not a duration (like 30s or 2m)`},
		{"timeout negative", "github:\n  timeout: -1s\n", nil, `fundwatch.yaml:2: github.timeout: must be positive, got "-1s"`},
		{"timeout zero", "github:\n  timeout: 0s\n", nil, `github.timeout: must be positive, got "0s"`},
		{"timeout list", "github:\n  timeout: [1s]\n", nil, "github.timeout: must be a duration with a unit, like 30s or 2m; got a list"},
		{"timeout duplicate", "github:\n  timeout: 1s\n  timeout: 2s\n", nil, "fundwatch.yaml:3: github.timeout: defined twice (first at line 2)"},
		{"token_file empty string", "github:\n  token_file: ''\n", nil, "fundwatch.yaml:2: github.token_file: must not be empty"},
		{"token_file missing", "github:\n  token_file: " + missing + "\n", nil, "fundwatch.yaml:2: github.token_file: open " + missing + ": no such file or directory"},
		{"token_file directory", "github:\n  token_file: " + dir + "\n", nil, "fundwatch.yaml:2: github.token_file: " + dir + " is not a regular file"},
		{"token_file blank", "github:\n  token_file: " + emptyToken + "\n", nil, "fundwatch.yaml:2: github.token_file: " + emptyToken + " is empty"},
		{"token_file two lines", "github:\n  token_file: " + twoTokens + "\n", nil, "fundwatch.yaml:2: github.token_file: " + twoTokens + ": the token contains whitespace or non-printable characters"},
		{"token_file too big", "github:\n  token_file: " + bigToken + "\n", nil, "fundwatch.yaml:2: github.token_file: " + bigToken + " is larger than 64 KiB"},
		{"token twice", "store: {}\ngithub:\n  token_file: " + goodToken + "\n", map[string]string{"GITHUB_TOKEN": "ghp_env"}, "fundwatch.yaml:3: github.token_file: set either GITHUB_TOKEN or github.token_file, not both"},
		{"env token with a space", "watch: [a/b]\n", map[string]string{"GITHUB_TOKEN": "ghp_a ghp_b"}, "fundwatch.yaml: GITHUB_TOKEN: the token contains whitespace or non-printable characters"},

		// store and web
		{"store path empty", "store:\n  path: ''\n", nil, "fundwatch.yaml:2: store.path: must not be empty"},
		{"store path list", "store:\n  path: [a]\n", nil, "fundwatch.yaml:2: store.path: must be a string, got a list"},
		{"store unknown key", "store:\n  dir: /x\n", nil, "fundwatch.yaml:2: store.dir: unknown key (known: path)"},
		{"collection git not a bool", "collection:\n  git: maybe\n", nil, "fundwatch.yaml:2: collection.git: must be true or false"},
		{"collection empty cache", "collection:\n  git_cache: ''\n", nil, "fundwatch.yaml:2: collection.git_cache: must not be empty (leave it out for the default, next to the store)"},
		{"collection bad duration", "collection:\n  max_skip: 1d\n", nil, `fundwatch.yaml:2: collection.max_skip: "1d" is not a duration (like 30s or 2m)`},
		{"collection quiet shorter", "collection:\n  max_skip: 48h\n  max_skip_quiet: 24h\n", nil, "fundwatch.yaml:3: collection.max_skip_quiet: 24h0m0s is shorter than max_skip (48h0m0s): quiet repositories are refreshed at most as often as active ones"},
		{"collection unknown key", "collection:\n  mirror: true\n", nil, "fundwatch.yaml:2: collection.mirror: unknown key (known: git, git_cache, probe, max_skip, max_skip_quiet, issue_history, people_refresh)"},
		{"people refresh under a day", "collection:\n  people_refresh: 12h\n", nil, "fundwatch.yaml:2: collection.people_refresh: 12h0m0s is shorter than a day: people are read again at most daily (their collectors run daily)"},
		{"issue history negative", "collection:\n  issue_history: -30d\n", nil, `fundwatch.yaml:2: collection.issue_history: must be positive, or "all" (or 0) for the whole history; got "-30d"`},
		{"issue history no unit", "collection:\n  issue_history: 400\n", nil, `fundwatch.yaml:2: collection.issue_history: "400" is neither "all" nor a duration (like 400d or 9600h)`},
		{"issue history a word", "collection:\n  issue_history: everything\n", nil, `fundwatch.yaml:2: collection.issue_history: "everything" is neither "all" nor a duration (like 400d or 9600h)`},
		{"issue history too long", "collection:\n  issue_history: 999999999d\n", nil, `fundwatch.yaml:2: collection.issue_history: "999999999d" is longer than any history; say "all"`},
		{"issue history a list", "collection:\n  issue_history: [30d]\n", nil, `fundwatch.yaml:2: collection.issue_history: must be "all" or a duration like 400d; got a list`},
		{"analysis missing file", "analysis:\n  affiliations: /nonexistent/affiliations.txt\n", nil, "fundwatch.yaml:2: analysis.affiliations: /nonexistent/affiliations.txt: no such file or directory"},
		{"analysis directory", "analysis:\n  mailmap: /\n", nil, "fundwatch.yaml:2: analysis.mailmap: /: not a regular file (a directory)"},
		{"analysis empty", "analysis:\n  params: ''\n", nil, "fundwatch.yaml:2: analysis.params: must not be empty; leave the key out instead"},
		{"analysis unknown key", "analysis:\n  affiliation: /x\n", nil, "fundwatch.yaml:2: analysis.affiliation: unknown key (known: affiliations, mailmap, params, grants); did you mean affiliations?"},
		{"listen address int", "web:\n  listen_address: 9864\n", nil, `fundwatch.yaml:2: web.listen_address: must be a string, got the integer "9864" (quote it to make it a string)`},
		{"listen address no port", "web:\n  listen_address: localhost\n", nil, `fundwatch.yaml:2: web.listen_address: "localhost" is not host:port (like ":9864"): missing port in address`},
		{"listen address named port", "web:\n  listen_address: ':http'\n", nil, `web.listen_address: port "http" is not a number from 0 to 65535`},
		{"listen address big port", "web:\n  listen_address: ':70000'\n", nil, `web.listen_address: port "70000" is not a number from 0 to 65535`},
		{"telemetry path relative", "web:\n  telemetry_path: metrics\n", nil, `fundwatch.yaml:2: web.telemetry_path: "metrics" must start with /`},
		{"telemetry path space", "web:\n  telemetry_path: /my metrics\n", nil, `web.telemetry_path: "/my metrics" may hold only letters, digits and - . _ ~ /`},
		{"telemetry path pattern", "web:\n  telemetry_path: /{x}\n", nil, `web.telemetry_path: "/{x}" may hold only`},
		{"telemetry path unclean", "web:\n  telemetry_path: /a//b\n", nil, `web.telemetry_path: "/a//b" is not a clean path ("/a/b")`},
		{"telemetry path dots", "web:\n  telemetry_path: /a/../metrics\n", nil, `web.telemetry_path: "/a/../metrics" is not a clean path ("/metrics")`},
		{"telemetry path reserved", "web:\n  telemetry_path: /-/healthy\n", nil, `web.telemetry_path: "/-/healthy" is served by fundwatch already`},
		{"telemetry path of the triage", "web:\n  telemetry_path: /triage\n", nil, `web.telemetry_path: "/triage" is served by fundwatch already`},
		{"metric opt-in not a list", "web:\n  metric_opt_in: fundwatch_repo_stars\n", nil, `fundwatch.yaml:2: web.metric_opt_in: must be a list of metric family names, got "fundwatch_repo_stars"`},
		{"metric opt-in of a number", "web:\n  metric_opt_in: [1]\n", nil, "fundwatch.yaml:2: web.metric_opt_in[0]: must be a string"},
		{"grafana url relative", "web:\n  grafana_url: grafana.example.org\n", nil, `fundwatch.yaml:2: web.grafana_url: "grafana.example.org" is not an absolute http or https URL (like https://grafana.example.org/)`},
		{"grafana url scheme", "web:\n  grafana_url: ftp://grafana.example.org/\n", nil, `fundwatch.yaml:2: web.grafana_url: "ftp://grafana.example.org/" is not an absolute http or https URL`},
		{"grafana url javascript", "web:\n  grafana_url: 'javascript:alert(1)'\n", nil, `fundwatch.yaml:2: web.grafana_url: "javascript:alert(1)" is not an absolute http or https URL`},
		{"grafana url no host", "web:\n  grafana_url: 'https:///d/x'\n", nil, `fundwatch.yaml:2: web.grafana_url: "https:///d/x" has no host`},
		{"grafana url query", "web:\n  grafana_url: 'https://g.example.org/?orgId=1&auth=T0kenLeak'\n", nil, `fundwatch.yaml:2: web.grafana_url: "https://g.example.org/" must not have a query or fragment`},
		{"grafana url fragment", "web:\n  grafana_url: 'https://g.example.org/#x'\n", nil, `web.grafana_url: "https://g.example.org/" must not have a query or fragment`},
		{"grafana url password", "web:\n  grafana_url: 'https://admin:T0kenLeak@g.example.org/'\n", nil, "fundwatch.yaml:2: web.grafana_url: must not contain a user name or password"},
		{"grafana url space", "web:\n  grafana_url: 'https://g.example.org/a b'\n", nil, "fundwatch.yaml:2: web.grafana_url: must not contain whitespace or control characters"},
		{"grafana url empty", "web:\n  grafana_url: ''\n", nil, "fundwatch.yaml:2: web.grafana_url: must not be empty; leave the key out for no Grafana links"},
		{"grafana url list", "web:\n  grafana_url: [a]\n", nil, "fundwatch.yaml:2: web.grafana_url: must be a string, got a list"},
		{"web unknown key", "web:\n  listen-address: ':1'\n", nil, "fundwatch.yaml:2: web.listen-address: unknown key (known: listen_address, telemetry_path, grafana_url, metric_opt_in); did you mean listen_address?"},
		{"web unknown key, grafana", "web:\n  grafana: https://g.example.org/\n", nil, "fundwatch.yaml:2: web.grafana: unknown key (known: listen_address, telemetry_path, grafana_url, metric_opt_in)"},

		// collectors
		{"collectors list", "collectors:\n  - repo\n", nil, "fundwatch.yaml:2: collectors: must be a mapping of collector names to settings, got a list"},
		{"unknown collector", "collectors:\n  repo: {}\n  comits: { schedule: '@hourly' }\n", nil, "fundwatch.yaml:3: collectors.comits: unknown collector (known: repo, commits, issues, comments, releases, users, sponsors); did you mean commits?"},
		{"unknown collector, case", "collectors:\n  Users: {}\n", nil, "fundwatch.yaml:2: collectors.Users: unknown collector (known: repo, commits, issues, comments, releases, users, sponsors); did you mean users?"},
		{"collector as a string", "collectors:\n  users: '@daily'\n", nil, `fundwatch.yaml:2: collectors.users: must be a mapping (schedule, enabled), got "@daily"`},
		{"collector unknown key", "collectors:\n  users:\n    interval: 1h\n", nil, "fundwatch.yaml:3: collectors.users.interval: unknown key (known: schedule, enabled)"},
		{"schedule 4 fields", "collectors:\n  users:\n    schedule: '0 3 * *'\n", nil, `fundwatch.yaml:3: collectors.users.schedule: "0 3 * *" is not a cron schedule: expected exactly 5 fields, found 4`},
		{"schedule 6 fields", "collectors:\n  users:\n    schedule: '0 0 3 * * *'\n", nil, `collectors.users.schedule: "0 0 3 * * *" is not a cron schedule: expected exactly 5 fields, found 6`},
		{"schedule out of range", "collectors:\n  users:\n    schedule: '0 25 * * *'\n", nil, `collectors.users.schedule: "0 25 * * *" is not a cron schedule: end of range (25) above maximum (23)`},
		{"schedule empty", "collectors:\n  users:\n    schedule: ''\n", nil, `collectors.users.schedule: "" is not a cron schedule: empty spec string`},
		{"schedule reboot", "collectors:\n  users:\n    schedule: '@reboot'\n", nil, `collectors.users.schedule: "@reboot" is not a cron schedule`},
		{"schedule bad every", "collectors:\n  users:\n    schedule: '@every often'\n", nil, `collectors.users.schedule: "@every often" is not a cron schedule`},
		{"schedule too often", "collectors:\n  users:\n    schedule: '@every 10s'\n", nil, `fundwatch.yaml:3: collectors.users.schedule: "@every 10s" runs more often than once a minute`},
		{"schedule negative every", "collectors:\n  users:\n    schedule: '@every -1h'\n", nil, `collectors.users.schedule: "@every -1h" runs more often than once a minute`},
		{"schedule never", "collectors:\n  users:\n    schedule: '0 0 30 2 *'\n", nil, `collectors.users.schedule: "0 0 30 2 *" never runs`},
		{"schedule TZ alone (panics robfig/cron)", "collectors:\n  users:\n    schedule: 'TZ=UTC'\n", nil, `collectors.users.schedule: "TZ=UTC" is not a cron schedule`},
		{"schedule bad zone", "collectors:\n  users:\n    schedule: 'CRON_TZ=Nowhere/Land 0 3 * * *'\n", nil, `collectors.users.schedule: "CRON_TZ=Nowhere/Land 0 3 * * *" is not a cron schedule: provided bad location Nowhere/Land`},
		{"enabled yes", "collectors:\n  users:\n    enabled: yes\n", nil, `fundwatch.yaml:3: collectors.users.enabled: must be true or false, got "yes"`},
		{"enabled 1", "collectors:\n  users:\n    enabled: 1\n", nil, `collectors.users.enabled: must be true or false, got the integer "1"`},
		{"enabled quoted", "collectors:\n  users:\n    enabled: 'true'\n", nil, `collectors.users.enabled: must be true or false, got "true"`},

		// watch
		{"watch scalar", "watch: curl/curl\n", nil, `fundwatch.yaml:1: watch: must be a list of repositories or sources, got "curl/curl"`},
		{"watch mapping", "watch:\n  repo: curl/curl\n", nil, "fundwatch.yaml:2: watch: must be a list of repositories or sources, got a mapping"},
		{"watch shorthand not a name", "watch:\n  - foo\n", nil, `fundwatch.yaml:2: watch[0]: "foo" is not owner/name`},
		{"watch repo not a name", "watch:\n  - repo: curl/curl\n  - repo: a/b\n  - c/d\n  - repo: foo\n", nil, `fundwatch.yaml:5: watch[3].repo: "foo" is not owner/name`},
		{"watch repo url", "watch:\n  - repo: https://github.com/curl/curl\n", nil, `fundwatch.yaml:2: watch[0].repo: "https://github.com/curl/curl" is not owner/name`},
		{"watch repo hyphen", "watch:\n  - repo: -x/y\n", nil, `fundwatch.yaml:2: watch[0].repo: owner "-x" must not start with a hyphen`},
		{"watch repo reserved", "watch:\n  - repo: x/..\n", nil, `fundwatch.yaml:2: watch[0].repo: repository name ".." is reserved`},
		{"watch repo .git", "watch:\n  - curl/curl.git\n", nil, `watch[0]: repository name "curl.git" must not end in .git`},
		{"watch repo escaped", "watch:\n  - curl/curl%2F..\n", nil, `watch[0]: repository name "curl%2F.." contains '%' (URL escapes are not allowed)`},
		{"watch repo int", "watch:\n  - repo: 1234\n", nil, `fundwatch.yaml:2: watch[0].repo: must be a string, got the integer "1234"`},
		{"watch repo missing", "watch:\n  - tier: critical\n    owner: x\n", nil, "fundwatch.yaml:2: watch[0]: missing a source: one of repo, org, gomod, npm, sbom"},
		{"watch duplicate via alias", "watch:\n  - &a {repo: a/b, tier: high}\n  - *a\n", nil, "fundwatch.yaml:3: watch[1].repo: a/b is listed twice (first at line 2)"},
		{"watch duplicate", "watch:\n  - curl/curl\n  - repo: a/b\n  - repo: Curl/CURL\n", nil, "fundwatch.yaml:4: watch[2].repo: Curl/CURL is listed twice (first at line 2)"},
		{"watch item list", "watch:\n  - [curl/curl]\n", nil, "fundwatch.yaml:2: watch[0]: must be owner/name or a mapping with one of repo, org, gomod, npm, sbom (and tier, owner); got a list"},
		{"watch item null", "watch:\n  -\n", nil, "fundwatch.yaml:2: watch[0]: must be owner/name or a mapping with one of repo, org, gomod, npm, sbom (and tier, owner); got no value"},
		{"watch unknown key", "watch:\n  - repo: a/b\n    teir: high\n", nil, "fundwatch.yaml:3: watch[0].teir: unknown key (known: repo, org, gomod, npm, sbom, tier, owner, forks, archived, indirect); did you mean tier?"},
		{"tier unknown", "watch:\n  - repo: a/b\n    tier: urgent\n", nil, `fundwatch.yaml:3: watch[0].tier: unknown tier "urgent" (known: critical, high, normal, low)`},
		{"tier case", "watch:\n  - repo: a/b\n    tier: Critical\n", nil, `watch[0].tier: unknown tier "Critical"`},
		{"tier empty", "watch:\n  - repo: a/b\n    tier: ''\n", nil, `watch[0].tier: unknown tier ""`},
		{"tier int", "watch:\n  - repo: a/b\n    tier: 1\n", nil, `watch[0].tier: must be a string, got the integer "1"`},
		{"owner empty", "watch:\n  - repo: a/b\n    owner: ''\n", nil, "fundwatch.yaml:3: watch[0].owner: must not be empty; leave the key out for none"},
		{"owner control", "watch:\n  - repo: a/b\n    owner: \"a\\tb\"\n", nil, `watch[0].owner: "a\tb" contains a control character`},
		{"owner long", "watch:\n  - repo: a/b\n    owner: " + strings.Repeat("x", 101) + "\n", nil, "watch[0].owner: is longer than 100 characters"},
		{"owner number", "watch:\n  - repo: a/b\n    owner: 42\n", nil, `watch[0].owner: must be a string, got the integer "42"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := parseT(src, []byte(tt.yaml), envOf(tt.env))
			if err == nil {
				t.Fatalf("Parse succeeded (%+v), want error containing %q", cfg, tt.want)
			}
			if cfg != nil {
				t.Errorf("Parse returned a Config with an error")
			}
			if strings.Contains(err.Error(), "T0kenLeak") {
				t.Errorf("the error echoes a secret: %v", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error:\n%v\nwant it to contain:\n%s", err, tt.want)
			}
			var ce *Error
			if !errors.As(err, &ce) || ce.File != src {
				t.Errorf("error is not a *config.Error for %s: %#v", src, err)
			}
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, src+":") {
					t.Errorf("error line %q does not start with %s:", line, src)
				}
			}
		})
	}
}

func TestParseReportsAllErrorsInLineOrder(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "nope")
	yaml := `github:
  token_file: ` + missing + `
  timeout: forever
collectors:
  comits: {}
watch:
  - foo
  - a/b
  - repo: A/B
    tier: urgent
web:
  listen_address: 9864
`
	_, err := parseT(src, []byte(yaml), nil)
	if err == nil {
		t.Fatal("Parse succeeded")
	}
	want := []string{
		"fundwatch.yaml:2: github.token_file: open " + missing + ": no such file or directory",
		`fundwatch.yaml:3: github.timeout: "forever" is not a duration`,
		"fundwatch.yaml:5: collectors.comits: unknown collector",
		`fundwatch.yaml:7: watch[0]: "foo" is not owner/name`,
		"fundwatch.yaml:9: watch[2].repo: A/B is listed twice (first at line 8)",
		`fundwatch.yaml:10: watch[2].tier: unknown tier "urgent"`,
		"fundwatch.yaml:12: web.listen_address: must be a string",
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%v", len(lines), len(want), err)
	}
	for i := range want {
		if !strings.HasPrefix(lines[i], want[i]) {
			t.Errorf("error %d = %q, want prefix %q", i, lines[i], want[i])
		}
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Error("errors.Is(err, fs.ErrNotExist) = false; the token file error should be wrapped")
	}
}

func TestParseCapsErrors(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("watch:\n")
	for range 200 {
		b.WriteString("  - nope\n")
	}
	_, err := parseT(src, []byte(b.String()), nil)
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != maxErrors+1 {
		t.Fatalf("got %d lines, want %d", len(lines), maxErrors+1)
	}
	if last := lines[len(lines)-1]; last != "fundwatch.yaml: 150 more errors not shown" {
		t.Errorf("last line = %q", last)
	}
}

// A token must never appear in an error or a warning, wherever it came
// from and whatever else is wrong.
func TestTokenNeverInMessages(t *testing.T) {
	t.Parallel()
	const tok = "ghp_S3cretT0kenValue0123456789abcdefXYZ"
	good := writeFile(t, "token", tok+"\n")
	bad := writeFile(t, "token", tok+"\n"+tok+"\n")
	tests := []struct {
		name string
		yaml string
		env  map[string]string
	}{
		{"file token, bad key elsewhere", "github:\n  token_file: " + good + "\nstore:\n  pth: x\nwatch: [foo]\n", nil},
		{"file token rejected", "github:\n  token_file: " + bad + "\nwatch: [a/b]\n", nil},
		{"env token and file", "github:\n  token_file: " + good + "\n", map[string]string{"GITHUB_TOKEN": tok}},
		{"env token rejected", "watch: [a/b]\n", map[string]string{"GITHUB_TOKEN": tok + " " + tok}},
		{"env token, bad value elsewhere", "web: {listen_address: x}\n", map[string]string{"GITHUB_TOKEN": tok}},
		// Pasted into the file by mistake: the value is refused and quoted nowhere.
		{"token pasted as github.token", "github:\n  token: " + tok + "\n", map[string]string{"GITHUB_TOKEN": tok}},
		{"token pasted as a key", "github:\n  token_file: " + good + "\n  " + tok + ": 1\n", nil},
		{"token pasted as a repo", "watch:\n  - " + tok + "\n", map[string]string{"GITHUB_TOKEN": tok}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := parseT(src, []byte(tt.yaml), envOf(tt.env))
			if err == nil {
				t.Fatalf("Parse succeeded: %+v", cfg)
			}
			if strings.Contains(err.Error(), tok) || strings.Contains(err.Error(), tok[:20]) {
				t.Errorf("error reveals the token:\n%v", err)
			}
		})
	}
	// The warnings of a good config, and the config rendered every way.
	cfg, err := parseT(src, []byte("github:\n  token_file: "+good+"\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.GitHub.Token.Reveal() != tok {
		t.Fatalf("token = %q", cfg.GitHub.Token.Reveal())
	}
	for _, s := range append(cfg.Warnings, renderings(cfg)...) {
		if strings.Contains(s, tok) {
			t.Errorf("reveals the token: %s", s)
		}
	}
}

func TestLoad(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "fundwatch.yaml")
	if err := os.WriteFile(path, []byte("watch:\n  - curl/curl\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := loadT(path, envOf(map[string]string{"GITHUB_TOKEN": "tok12345"}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Source != path || len(cfg.Watch) != 1 || cfg.Watch[0].Repo.String() != "curl/curl" || cfg.Warnings != nil {
		t.Errorf("Load = %+v", cfg)
	}
	if got := cfg.Repos(); len(got) != 1 || got[0] != ghrepo.MustParse("curl/curl") {
		t.Errorf("Repos() = %v", got)
	}

	empty := filepath.Join(dir, "empty.yaml")
	if err := os.WriteFile(empty, []byte("watch: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err = loadT(empty, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		empty + ": github: no token (set GITHUB_TOKEN or github.token_file); GitHub allows unauthenticated clients 60 requests an hour",
		empty + ":1: watch: the watch list is empty; serve has nothing to do",
	}
	if !reflect.DeepEqual(cfg.Warnings, want) {
		t.Errorf("Warnings = %q, want %q", cfg.Warnings, want)
	}

	missing := filepath.Join(dir, "missing.yaml")
	_, err = loadT(missing, nil)
	if err == nil || err.Error() != missing+": no such file or directory" || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("loadT(missing) = %v", err)
	}
	_, err = loadT(dir, nil)
	if err == nil || !strings.HasPrefix(err.Error(), dir+": ") {
		t.Errorf("loadT(dir) = %v", err)
	}
}

// web.grafana_url is kept as written: a Grafana served under a path, with
// or without the final "/", plain http on an internal network.
func TestParseGrafanaURL(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"https://grafana.example.org", "https://example.org/grafana/", "http://10.0.0.7:3000"} {
		cfg, err := parseT(src, []byte("web:\n  grafana_url: "+u+"\nwatch: [a/b]\n"), nil)
		if err != nil {
			t.Errorf("%s: %v", u, err)
			continue
		}
		if cfg.Web.GrafanaURL != u {
			t.Errorf("web.grafana_url %s parsed as %q", u, cfg.Web.GrafanaURL)
		}
	}
	if cfg, err := parseT(src, []byte("watch: [a/b]\n"), nil); err != nil {
		t.Error(err)
	} else if cfg.Web.GrafanaURL != "" {
		t.Errorf("without web.grafana_url: %q", cfg.Web.GrafanaURL)
	}
}

func TestExampleParses(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// The example points at the conventional secrets path; use a real file.
	const secretPath = "/run/secrets/github_token"
	if !strings.Contains(string(data), "token_file: "+secretPath) {
		t.Fatalf("example.yaml no longer sets token_file: %s", secretPath)
	}
	tokenFile := writeFile(t, "token", "ghp_example\n")
	data = []byte(strings.Replace(string(data), secretPath+"\n", tokenFile+"\n", 1))
	// And the other credentials too.
	const ciPath, keyPath = "/run/secrets/github_token_ci", "/run/secrets/github_app.pem"
	if !strings.Contains(string(data), ciPath) || !strings.Contains(string(data), keyPath) {
		t.Fatalf("example.yaml no longer sets %s and %s", ciPath, keyPath)
	}
	data = []byte(strings.Replace(string(data), ciPath, writeFile(t, "token_ci", "ghp_example_ci\n"), 1))
	data = []byte(strings.Replace(string(data), keyPath, writeFile(t, "app.pem", string(rsaKeyPEM(t, false))), 1))
	for _, f := range []string{"affiliations.txt", "mailmap", "params.yaml", "grants.yaml", "go.mod", "package-lock.json", "sbom.cdx.json"} {
		data = []byte(strings.Replace(string(data), "/etc/fundwatch/"+f, writeFile(t, f, "# empty\n"), 1))
	}
	cfg, err := parseT("example.yaml", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Warnings) != 0 {
		t.Errorf("warnings: %q", cfg.Warnings)
	}
	if cfg.GitHub.Token.Reveal() != "ghp_example" || cfg.GitHub.APIURL != DefaultAPIURL || cfg.GitHub.Timeout != DefaultTimeout ||
		len(cfg.GitHub.Tokens) != 1 || cfg.GitHub.App == nil || cfg.GitHub.Pacing != defaultT().GitHub.Pacing {
		t.Errorf("github = %+v", cfg.GitHub)
	}
	if cfg.Web.GrafanaURL != "https://grafana.example.org/" {
		t.Errorf("web.grafana_url = %q", cfg.Web.GrafanaURL)
	}
	if len(cfg.Watch) != 7 || cfg.Watch[3].Account != "prometheus" || !cfg.Watch[4].ExcludeIndirect || cfg.Watch[6].Kind != KindSBOM ||
		cfg.Watch[0].Tier != "critical" || cfg.Watch[0].Owner != "platform-team" || cfg.Watch[2].Repo.String() != "madler/zlib" {
		t.Errorf("watch = %+v", cfg.Watch)
	}
	// The example documents every key and every collector, each set
	// explicitly (uncommented), so that this test checks they parse.
	text := string(data)
	for _, keys := range [][]string{
		strictyaml.Keys(file{}), strictyaml.Keys(githubSection{}), strictyaml.Keys(appSection{}), strictyaml.Keys(pacingSection{}),
		strictyaml.Keys(storeSection{}), strictyaml.Keys(webSection{}), strictyaml.Keys(collectionSection{}),
		strictyaml.Keys(collectorSection{}), strictyaml.Keys(watchKeys{}), strictyaml.Keys(analysisSection{}),
		collectorNames(testCollectors),
	} {
		for _, k := range keys {
			if !strings.Contains(text, "\n"+k+":") && !strings.Contains(text, " "+k+":") {
				t.Errorf("example.yaml does not set %q", k)
			}
		}
	}
	for _, tier := range Tiers {
		if !strings.Contains(text, tier) {
			t.Errorf("example.yaml does not mention tier %q", tier)
		}
	}
}

func TestParseWatchSources(t *testing.T) {
	t.Parallel()
	gomod := writeFile(t, "go.mod", "module x\n")
	lock := writeFile(t, "package-lock.json", "{}\n")
	sbom := writeFile(t, "bom.json", "{}\n")
	yml := "watch:\n" +
		"  - repo: curl/curl\n    owner: platform-team\n" +
		"  - org: '@kubernetes'\n    forks: true\n    tier: high\n" +
		"  - org: prometheus\n    archived: true\n" +
		"  - gomod: " + gomod + "\n    indirect: false\n    owner: platform-team\n" +
		"  - gomod: " + sbom + "\n" + // a path is a path: the kind says how to read it
		"  - npm: " + lock + "\n    tier: low\n" +
		"  - sbom: " + sbom + "\n    owner: security-team\n"
	cfg, err := parseT(src, []byte(yml), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []WatchItem{
		{Kind: KindRepo, Repo: ghrepo.MustParse("curl/curl"), Owner: "platform-team", Line: 2, Key: "watch[0]"},
		{Kind: KindOrg, Account: "kubernetes", Forks: true, Tier: "high", Line: 4, Key: "watch[1]"},
		{Kind: KindOrg, Account: "prometheus", Archived: true, Line: 7, Key: "watch[2]"},
		{Kind: KindGoMod, Path: gomod, ExcludeIndirect: true, Owner: "platform-team", Line: 9, Key: "watch[3]"},
		{Kind: KindGoMod, Path: sbom, Line: 12, Key: "watch[4]"},
		{Kind: KindNPM, Path: lock, Tier: "low", Line: 13, Key: "watch[5]"},
		{Kind: KindSBOM, Path: sbom, Owner: "security-team", Line: 15, Key: "watch[6]"},
	}
	if !reflect.DeepEqual(cfg.Watch, want) {
		t.Errorf("watch:\n got %+v\nwant %+v", cfg.Watch, want)
	}
	if got := cfg.Repos(); len(got) != 1 || got[0].String() != "curl/curl" {
		t.Errorf("Repos() = %v, want the explicit repo only", got)
	}
	if cfg.Watch[1].Source() != "kubernetes" || cfg.Watch[3].Source() != gomod {
		t.Errorf("Source() = %q, %q", cfg.Watch[1].Source(), cfg.Watch[3].Source())
	}
}

func TestParseWatchSourcesBad(t *testing.T) {
	t.Parallel()
	gomod := writeFile(t, "go.mod", "module x\n")
	missing := filepath.Join(t.TempDir(), "nope", "go.mod")
	for _, tt := range []struct{ name, yaml, want string }{
		{"two kinds", "watch:\n  - repo: a/b\n    gomod: " + gomod + "\n",
			"fundwatch.yaml:3: watch[0].gomod: the item already has repo (line 2); one source per item: split it into two items"},
		{"unknown kind", "watch:\n  - cargo: Cargo.lock\n",
			"fundwatch.yaml:2: watch[0].cargo: unknown key (known: repo, org, gomod, npm, sbom, tier, owner, forks, archived, indirect)"},
		{"kind typo", "watch:\n  - gomd: go.mod\n", "watch[0].gomd: unknown key (known: repo, org, gomod, npm, sbom, tier, owner, forks, archived, indirect); did you mean gomod?"},
		{"option of another kind", "watch:\n  - repo: a/b\n    forks: true\n", "fundwatch.yaml:3: watch[0].forks: applies to org items only, not repo"},
		{"indirect on org", "watch:\n  - org: acme\n    indirect: false\n", "fundwatch.yaml:3: watch[0].indirect: applies to gomod items only, not org"},
		{"option not a bool", "watch:\n  - org: acme\n    archived: sometimes\n", `fundwatch.yaml:3: watch[0].archived: must be true or false, got "sometimes"`},
		{"org not an account", "watch:\n  - org: kubernetes/kubernetes\n", `fundwatch.yaml:2: watch[0].org: "kubernetes/kubernetes" is not a GitHub organisation or user`},
		{"org twice", "watch:\n  - org: Acme\n  - org: acme\n", "fundwatch.yaml:3: watch[1].org: acme is listed twice (first at line 2)"},
		{"file missing", "watch:\n  - gomod: " + missing + "\n", "fundwatch.yaml:2: watch[0].gomod: " + missing + ": no such file or directory"},
		{"file is a directory", "watch:\n  - sbom: /\n", "fundwatch.yaml:2: watch[0].sbom: /: not a regular file (a directory)"},
		{"file empty name", "watch:\n  - npm: ''\n", "fundwatch.yaml:2: watch[0].npm: must not be empty"},
		{"file twice", "watch:\n  - gomod: " + gomod + "\n  - gomod: " + gomod + "\n", "fundwatch.yaml:3: watch[1].gomod: " + gomod + " is listed twice (first at line 2)"},
		{"source not a string", "watch:\n  - org: [a]\n", "fundwatch.yaml:2: watch[0].org: must be a string, got a list"},
		{"owner with a comma", "watch:\n  - repo: a/b\n    owner: a,b\n", `fundwatch.yaml:3: watch[0].owner: "a,b" contains a comma`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := parseT(src, []byte(tt.yaml), nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error:\n%v\nwant it to contain:\n%s", err, tt.want)
			}
		})
	}
}

// A watch item with several things wrong says the one that matters, as
// its shape decides: an option of another kind is refused whatever its
// value, a second source is not read, and a missing source is said only
// when nothing else is wrong.
func TestParseWatchOneMessagePerMistake(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ name, yaml, want string }{
		{"bad tier, no source", "watch:\n  - tier: urgent\n",
			`fundwatch.yaml:2: watch[0].tier: unknown tier "urgent" (known: critical, high, normal, low)`},
		{"bad option, no source", "watch:\n  - forks: maybe\n",
			"fundwatch.yaml:2: watch[0]: missing a source: one of repo, org, gomod, npm, sbom"},
		{"bad option of another kind", "watch:\n  - {repo: a/b, forks: maybe}\n",
			"fundwatch.yaml:2: watch[0].forks: applies to org items only, not repo"},
		{"bad second source", "watch:\n  - {org: a, repo: [x]}\n",
			"fundwatch.yaml:2: watch[0].repo: the item already has org (line 2); one source per item: split it into two items"},
		{"alias of a bad shorthand", "watch:\n  - &a A\n  - *a\n",
			"fundwatch.yaml:2: watch[0]: \"A\" is not owner/name\nfundwatch.yaml:2: watch[1]: \"A\" is not owner/name"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := parseT(src, []byte(tt.yaml), nil)
			if err == nil || err.Error() != tt.want {
				t.Errorf("error:\n%v\nwant:\n%s", err, tt.want)
			}
		})
	}
}

// A FIFO (or a device) named as the config or as a file it points to is
// refused without being opened: opening a FIFO nobody writes would hang
// start-up past SIGTERM.
func TestFIFOsAreRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := loadT(fifo, nil); err == nil || !strings.Contains(err.Error(), fifo+": not a regular file (a named pipe)") {
		t.Errorf("loadT(FIFO): %v", err)
	}
	for _, yaml := range []string{"watch:\n  - sbom: " + fifo + "\n", "analysis:\n  grants: " + fifo + "\nwatch: [a/b]\n", "github:\n  token_file: " + fifo + "\n"} {
		if _, err := parseT("fundwatch.yaml", []byte(yaml), nil); err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("%q: %v", yaml, err)
		}
	}
}

func collectorNames(cs []CollectorDefault) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return out
}

// Without WithCollectors a config names no collector: the names come from
// the collectors' own declarations, never from a copy here.
func TestCollectorsComeFromTheCaller(t *testing.T) {
	t.Parallel()
	if c := Default(); len(c.Collectors) != 0 {
		t.Errorf("Default() without collectors: %v", c.Collectors)
	}
	_, err := Parse("fundwatch.yaml", []byte("collectors:\n  users: {}\nwatch: [a/b]\n"), nil)
	if err == nil || !strings.Contains(err.Error(), "collectors.users: unknown collector") {
		t.Errorf("err = %v", err)
	}
	off := WithCollectors([]CollectorDefault{{Name: "extra", Schedule: "@daily"}})
	c, err := Parse("fundwatch.yaml", []byte("collectors:\n  extra: {enabled: true}\nwatch: [a/b]\n"), nil, off)
	if err != nil || !c.Collectors["extra"].Enabled || c.Collectors["extra"].Schedule != "@daily" {
		t.Errorf("%+v, %v", c, err)
	}
}
