// Package config loads fundwatch's YAML configuration file: the GitHub API
// to talk to and how to authenticate, where the store lives, where the
// exporter listens, each collector's schedule, and the watch list.
//
// Loading is strict. Unknown keys, wrong types, bad values and duplicates
// are all errors, and every error names the file, the line and the key path
// ("fundwatch.yaml:12: watch[3].repo: "foo" is not owner/name"), so that a
// typo never silently turns into a default. Several problems are reported
// at once, in line order. See example.yaml in this directory for every key.
//
// Decisions worth knowing:
//   - The token never lives in the config file. It comes from the
//     GITHUB_TOKEN environment variable or from github.token_file; setting
//     both is an error (two sources of truth drift apart: a rotated secret
//     file would be silently ignored). Setting neither is allowed (the demo
//     and githubfake need no token) but produces a warning, since
//     unauthenticated clients get 60 requests an hour.
//   - More credentials spread the load: github.token_files (files of one
//     token each) and github.app (a GitHub App installation, its private
//     key in a file). The same token twice is an error. Tokens of one
//     GitHub user share that user's limit; the client finds them (GET
//     /user) and treats them as one budget, but they add nothing.
//   - Relative paths (github.token_file, store.path, the files of watch
//     items) are relative to the working directory, like the default
//     store path "fundwatch.db".
//   - Tiers are "critical", "high", "normal" and "low"; a watch item without
//     a tier has Tier "" (not declared), which analysis treats as unknown
//     rather than as "normal".
//   - A watch item is a mapping with exactly one source key (repo, org,
//     gomod, npm or sbom), optional tier and owner, and the options of its
//     kind (org: forks, archived; gomod: indirect); or, as a shorthand for
//     long lists, just "owner/name". Files named by gomod, npm and sbom
//     must be readable here; their contents are parsed (with their own
//     file:line errors) by package watchlist, and accounts are listed
//     over the API there too.
//   - A repository listed twice as a repo item, or the same account or
//     file listed twice, is an error; a repository reached from several
//     sources is not (watchlist merges them).
//   - An owner may not contain a comma: the owners of a repository reached
//     from several items are joined with commas into one label value.
//   - Key paths index lists from 0: watch[0] is the first item.
//   - After Parse, Collectors holds every known collector, defaults filled
//     in, so callers never need to know the defaults.
package config

import (
	"errors"
	"path/filepath"
	"strings"
	"time"

	"github.com/fundwatch/fundwatch/ghrepo"
	"github.com/fundwatch/fundwatch/internal/userfile"
	"github.com/fundwatch/fundwatch/shard"
)

// Config is a loaded, validated configuration.
type Config struct {
	GitHub     GitHub
	Store      Store
	Web        Web
	Collection Collection
	Collectors map[string]Collector // by collector name; every collector named WithCollectors
	Watch      []WatchItem
	Analysis   Analysis
	// Shard is this replica's share of the watch list (--shard i/n on the
	// command line, never in the file); the zero value watches it all.
	Shard shard.Shard
	// Source is the file the configuration came from, for messages.
	Source string
	// Warnings are problems that do not stop fundwatch but that an operator
	// should see (an empty watch list, no token), formatted like errors.
	Warnings []string
}

// GitHub says which API to use and how to authenticate.
type GitHub struct {
	// APIURL is the REST API base URL; it always ends in "/".
	// GitHub Enterprise Server: "https://HOST/api/v3/".
	APIURL string
	// Token is the API token, from GITHUB_TOKEN or TokenFile; "" for none.
	Token Secret
	// TokenFile is the file the token was read from, as configured.
	TokenFile string
	// TokenFiles are further token files (github.token_files), as
	// configured, and Tokens the tokens read from them, in order.
	TokenFiles []string
	Tokens     []Secret
	// App is a GitHub App installation to authenticate as; nil for none.
	App *App
	// Pacing shapes how each credential's quota is spent.
	Pacing Pacing
	// Timeout bounds one HTTP request.
	Timeout time.Duration
}

// Collection says how the collectors spend GitHub's budget.
type Collection struct {
	// Git reads commit history from a bare, blob-less git mirror of each
	// repository (no API quota, authors' time-zone offsets kept) when git
	// is installed; REST otherwise.
	Git bool
	// GitCache is the directory of the mirrors; "" means next to the
	// store (see GitCacheDir).
	GitCache string
	// Probe runs the batched GraphQL change probe before the repository
	// collectors, so unchanged repositories cost no REST request.
	Probe bool
	// MaxSkip and MaxSkipQuiet bound how long a repository that looks
	// unchanged goes without a detailed refresh: MaxSkip for active
	// ones, up to MaxSkipQuiet for ones quiet for long.
	MaxSkip, MaxSkipQuiet time.Duration
	// IssueHistory (collection.issue_history) is how far back from a
	// repository's first sync its issues and comments are read; later
	// syncs read what changed since. 0, the default, is what the analysis
	// reads them over (its year window and a month: the collectors own
	// it); WholeIssueHistory reads them all.
	IssueHistory time.Duration
	// PeopleRefresh (collection.people_refresh) is how often a person's
	// profile and sponsors are read again; new people are read at once.
	// 0 is the collectors' default (a week).
	PeopleRefresh time.Duration
}

// NoTokenWarning begins the warning a config without any GitHub
// credential gets: commands that never ask GitHub (triage, backfill) leave
// it out.
const NoTokenWarning = "no token (set GITHUB_TOKEN or github.token_file)"

// WholeIssueHistory as Collection.IssueHistory ("all", or 0, in the file)
// reads every issue and comment on a first sync.
const WholeIssueHistory time.Duration = -1

// GitCacheDir is where git mirrors live: Collection.GitCache, or beside
// the store, named after it ("fundwatch.db" → "fundwatch-git").
func (c *Config) GitCacheDir() string {
	if c.Collection.GitCache != "" {
		return c.Collection.GitCache
	}
	p := c.Store.Path
	return strings.TrimSuffix(p, filepath.Ext(p)) + "-git"
}

// Store says where the SQLite database lives.
type Store struct {
	Path string
}

// Analysis points at the user's inputs to the analysis. Each is a file
// path, checked to be readable here and parsed (with its own line-numbered
// errors) by the analysis packages.
type Analysis struct {
	// Affiliations is a gitdm-like file: "email-or-domain  Employer  [< yyyy-mm-dd]".
	Affiliations string
	// Mailmap is a git .mailmap merging people's addresses.
	Mailmap string
	// Params overrides thresholds and weights of the signals (YAML, the
	// shape of analysis/defaults.yaml; name only what changes).
	Params string
	// Grants lists money funders gave watched repositories (YAML: repo,
	// funder, amount_usd, date), for the grant triage.
	Grants string
}

// Web says where the exporter serves metrics, and what the triage page
// links to.
type Web struct {
	ListenAddress string
	TelemetryPath string
	// MetricOptIn names the opt-in metric families to serve besides the
	// defaults ("all" for every one), as kube-state-metrics'
	// --metric-opt-in-list.
	MetricOptIn []string
	// GrafanaURL is the base URL of the Grafana serving fundwatch's
	// dashboards (web.grafana_url), for the triage page's links to each
	// project's drill-down; "" for no such links.
	GrafanaURL string
}

// Collector is one collector's schedule.
type Collector struct {
	// Schedule is a standard 5-field cron spec or a descriptor ("@hourly",
	// "@every 6h"), as accepted by cron.ParseStandard.
	Schedule string
	Enabled  bool
}

// WatchItem is one source of watched repositories: one repository, every
// repository of an account, or the dependencies a file lists. Kind says
// which; watchlist.Resolve turns the items into repositories.
type WatchItem struct {
	// Kind is one of WatchKinds; "" (an item built in code) means KindRepo.
	Kind string
	// Repo is the repository of a "repo" item.
	Repo ghrepo.Name
	// Account is the organisation or user of an "org" item.
	Account string
	// Path is the file of a "gomod", "npm" or "sbom" item, as configured
	// (relative paths are relative to the working directory).
	Path string
	// Forks and Archived include an account's forks and archived
	// repositories ("org" items; both default to false).
	Forks, Archived bool
	// ExcludeIndirect leaves out go.mod requirements marked "// indirect"
	// ("gomod" items with indirect: false; by default they are included).
	ExcludeIndirect bool
	// Tier is the user-declared criticality: one of Tiers, or "" when the
	// watch list does not say.
	Tier string
	// Owner is the team responsible for following this project up; a label,
	// optional.
	Owner string
	// Line is where the item starts in the config file.
	Line int
	// Key is the item's key path ("watch[3]"), for messages and provenance.
	Key string
}

// Source kinds of watch items.
const (
	KindRepo  = "repo"  // one repository: owner/name
	KindOrg   = "org"   // every repository of a GitHub organisation or user
	KindGoMod = "gomod" // the requirements of a go.mod file
	KindNPM   = "npm"   // the dependencies of a package.json or package-lock.json
	KindSBOM  = "sbom"  // the components of a CycloneDX or SPDX JSON SBOM
)

// WatchKinds are the source kinds, in the order the docs list them. Treat
// as constant.
var WatchKinds = []string{KindRepo, KindOrg, KindGoMod, KindNPM, KindSBOM}

// Source describes the item's source for messages and the watchlist
// command: "owner/name", the account, or the file.
func (w WatchItem) Source() string {
	switch w.Kind {
	case KindOrg:
		return w.Account
	case KindGoMod, KindNPM, KindSBOM:
		return w.Path
	}
	return w.Repo.String()
}

// Defaults. They are exported so --help and the docs can print them;
// treat them as constants.
const (
	DefaultAPIURL        = "https://api.github.com/"
	DefaultTimeout       = 30 * time.Second
	DefaultStorePath     = "fundwatch.db"
	DefaultListenAddress = ":9864"
	DefaultTelemetryPath = "/metrics"
)

// CollectorDefault is a collector the config may name, with its defaults.
// The collectors declare themselves (collectors.Specs); cmd passes them in
// with WithCollectors, so config keeps no copy of their names or
// schedules.
type CollectorDefault struct {
	Name     string
	Schedule string
	Enabled  bool
}

// Option changes how a config is read.
type Option func(*options)

type options struct {
	collectors            []CollectorDefault
	maxSkip, maxSkipQuiet time.Duration
}

// WithCollectors names the collectors a config may set, with their
// defaults, in the order docs list them. Without it, a config names none.
func WithCollectors(cs []CollectorDefault) Option {
	return func(o *options) { o.collectors = append([]CollectorDefault(nil), cs...) }
}

// WithMaxSkip gives the change probe's defaults (collection.max_skip and
// max_skip_quiet), which the collectors own: config keeps no copy. Without
// it they are zero, which the collectors read as their defaults.
func WithMaxSkip(active, quiet time.Duration) Option {
	return func(o *options) { o.maxSkip, o.maxSkipQuiet = active, quiet }
}

func readOptions(opts []Option) options {
	var o options
	for _, f := range opts {
		f(&o)
	}
	return o
}

// Tiers are the accepted watch-list tiers, most critical first. Treat as
// constant.
var Tiers = []string{"critical", "high", "normal", "low"}

// Default returns the configuration used for keys the file leaves out,
// with an empty watch list.
func Default(opts ...Option) *Config {
	o := readOptions(opts)
	c := &Config{
		GitHub: GitHub{APIURL: DefaultAPIURL, Timeout: DefaultTimeout,
			Pacing: Pacing{MaxInFlight: DefaultMaxInFlight, PaceBelow: DefaultPaceBelow, Reserve: DefaultReserve, MaxWait: DefaultMaxWait}},
		Store:      Store{Path: DefaultStorePath},
		Web:        Web{ListenAddress: DefaultListenAddress, TelemetryPath: DefaultTelemetryPath},
		Collection: Collection{Git: true, Probe: true, MaxSkip: o.maxSkip, MaxSkipQuiet: o.maxSkipQuiet},
		Collectors: make(map[string]Collector, len(o.collectors)),
	}
	for _, d := range o.collectors {
		c.Collectors[d.Name] = Collector{Schedule: d.Schedule, Enabled: d.Enabled}
	}
	return c
}

// Repos returns the repositories the watch list names explicitly (its
// "repo" items), in watch-list order. The other kinds need resolving: see
// package watchlist.
func (c *Config) Repos() []ghrepo.Name {
	var out []ghrepo.Name
	for _, w := range c.Watch {
		if w.Kind == KindRepo || w.Kind == "" {
			out = append(out, w.Repo)
		}
	}
	return out
}

// maxConfigBytes caps the config file: a regular file of at most 16 MiB
// (a watch list of 10,000 repositories is about 300 KiB).
const maxConfigBytes = 16 << 20

// Load reads and parses the config file at path. env looks up environment
// variables (os.Getenv in production); nil means an empty environment.
func Load(path string, env func(string) string, opts ...Option) (*Config, error) {
	data, err := userfile.Read(path, maxConfigBytes)
	if err != nil {
		// "fundwatch.yaml: no such file or directory" rather than
		// repeating the path.
		var ue *userfile.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, &Error{File: path, Err: err}
	}
	return Parse(path, data, env, opts...)
}
