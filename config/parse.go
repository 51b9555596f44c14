package config

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/robfig/cron/v3"
	"gopkg.in/yaml.v3"

	"github.com/fundwatch/fundwatch/ghrepo"
	"github.com/fundwatch/fundwatch/internal/strictyaml"
	"github.com/fundwatch/fundwatch/internal/userfile"
)

// ReservedPaths are served by fundwatch beside the telemetry path (health,
// readiness, the grant triage in every format), so the telemetry path may
// not be one of them. cmd/fundwatch's handler refuses a clash too, and a
// test there keeps this list complete.
var ReservedPaths = []string{"/-/healthy", "/-/ready", "/triage", "/triage.json", "/triage.csv", "/triage.txt"}

const (
	maxTokenFile = 64 << 10 // a token is ~100 bytes; more is the wrong file
	maxOwnerLen  = 100
	minInterval  = time.Minute
)

// file is a config file as written. strictyaml decodes it, refusing
// unknown and duplicate keys and values of the wrong kind; check then
// validates what it holds into a Config, pointing at the lines the decoder
// recorded. Fields are declared in the order example.yaml documents them,
// the order messages list the known keys in. Pointers are values that may
// be left out but are checked when given (an empty token_file is a
// mistake, a missing one is not); the other fields start as the defaults.
type file struct {
	GitHub     githubSection     `yaml:"github"`
	Store      storeSection      `yaml:"store"`
	Web        webSection        `yaml:"web"`
	Collection collectionSection `yaml:"collection"`
	Collectors collectorsSection `yaml:"collectors"`
	Watch      []watchItem       `yaml:"watch" want:"a list of repositories or sources"`
	Analysis   analysisSection   `yaml:"analysis"`
}

// KeyNoun names the top-level keys in messages: "unknown section".
func (*file) KeyNoun() string { return "section" }

type githubSection struct {
	APIURL     string        `yaml:"api_url"`
	TokenFile  *string       `yaml:"token_file"`
	TokenFiles []*string     `yaml:"token_files" want:"a list of files that hold one token each"`
	App        *appSection   `yaml:"app" want:"a mapping with app_id, installation_id and private_key_file"`
	Timeout    time.Duration `yaml:"timeout"`
	Pacing     pacingSection `yaml:"pacing"`

	// Secrets pasted into the file are refused with where they belong.
	Token  struct{} `yaml:"token" refuse:"the token does not belong in the config file; set GITHUB_TOKEN or github.token_file"`
	Tokens struct{} `yaml:"tokens" refuse:"tokens do not belong in the config file; list files holding one token each in github.token_files"`
}

type storeSection struct {
	Path string `yaml:"path"`
}

type webSection struct {
	ListenAddress string   `yaml:"listen_address"`
	TelemetryPath string   `yaml:"telemetry_path"`
	GrafanaURL    *string  `yaml:"grafana_url"`
	MetricOptIn   []string `yaml:"metric_opt_in" want:"a list of metric family names"`
}

type collectionSection struct {
	Git           bool           `yaml:"git"`
	GitCache      *string        `yaml:"git_cache"`
	Probe         bool           `yaml:"probe"`
	MaxSkip       time.Duration  `yaml:"max_skip"`
	MaxSkipQuiet  *time.Duration `yaml:"max_skip_quiet"`
	IssueHistory  *issueHistory  `yaml:"issue_history"`
	PeopleRefresh *time.Duration `yaml:"people_refresh"`
}

type analysisSection struct {
	Affiliations *string `yaml:"affiliations"`
	Mailmap      *string `yaml:"mailmap"`
	Params       *string `yaml:"params"`
	Grants       *string `yaml:"grants"`
}

// collectorsSection maps collector names to their settings. The names are
// the registry's (WithCollectors), known only at run time, so it decodes
// itself.
type collectorsSection struct {
	names []string
	set   map[string]collectorSection // the collectors the file names
}

type collectorSection struct {
	Schedule *string `yaml:"schedule"`
	Enabled  *bool   `yaml:"enabled"`
}

func (c *collectorsSection) DecodeStrict(d *strictyaml.Decoder, n *yaml.Node, path string) {
	d.Mapping(n, path, "a mapping of collector names to settings", func(name string, k, v *yaml.Node) {
		if !slices.Contains(c.names, name) {
			d.Unknown(k, path, "collector", c.names)
			return
		}
		var s collectorSection
		d.DecodePath(v, strictyaml.JoinPath(path, name), "a mapping (schedule, enabled)", &s)
		c.set[name] = s
	})
}

// watchItem is one item of the watch list: "owner/name", or a mapping with
// exactly one source key, tier and owner, and its kind's options. Its
// shape (which of the two, which key is the source, which options apply)
// is decoding's business, so it decodes itself; check validates the
// values.
type watchItem struct {
	watchKeys
	kind       string  // the source's kind; "" when the item has no source
	source     *string // the source's value; nil when it is not a string
	sourcePath string  // the source's key path
	sourceLine int     // where the source's value is (an alias's anchor)
	alias      bool    // the item is written as an alias (*name)
	// The options of the source's kind, as given.
	forks, archived, indirect *bool
	// noSource is the line of a mapping without a source key but with
	// nothing else wrong in its keys. check says the source is missing
	// only if nothing is wrong with its values either: one mistake, one
	// message.
	noSource int
}

type watchKeys struct {
	Repo     deferred `yaml:"repo"`
	Org      deferred `yaml:"org"`
	GoMod    deferred `yaml:"gomod"`
	NPM      deferred `yaml:"npm"`
	SBOM     deferred `yaml:"sbom"`
	Tier     *string  `yaml:"tier"`
	Owner    *string  `yaml:"owner"`
	Forks    deferred `yaml:"forks"`
	Archived deferred `yaml:"archived"`
	Indirect deferred `yaml:"indirect"`
}

// deferred is a key whose value its parent decodes once it knows whether
// the key applies: a watch item's second source, or an option of another
// kind of item, is refused for that, whatever its value.
type deferred struct{}

func (*deferred) DecodeStrict(*strictyaml.Decoder, *yaml.Node, string) {}

// optionKind says which kind of watch item each option applies to.
var optionKind = map[string]string{"forks": KindOrg, "archived": KindOrg, "indirect": KindGoMod}

func (w *watchItem) DecodeStrict(d *strictyaml.Decoder, n *yaml.Node, path string) {
	w.alias = n.Kind == yaml.AliasNode
	item := strictyaml.Resolve(n)
	switch {
	case item.Kind == yaml.ScalarNode && item.ShortTag() == "!!str":
		s := item.Value // shorthand: "- owner/name"
		w.kind, w.source, w.sourcePath, w.sourceLine = KindRepo, &s, path, item.Line
	case item.Kind == yaml.MappingNode:
		before := len(d.Errors())
		var first, value *yaml.Node // the source key and its value
		for i := 0; i+1 < len(item.Content); i += 2 {
			k := strictyaml.Resolve(item.Content[i])
			switch {
			case k.Kind != yaml.ScalarNode || !slices.Contains(WatchKinds, k.Value):
			case first == nil:
				first, value = k, item.Content[i+1]
			case k.Value != first.Value: // the same key again is "defined twice"
				d.Errorf(k, strictyaml.JoinPath(path, k.Value), "the item already has %s (line %d); one source per item: split it into two items", first.Value, first.Line)
			}
		}
		d.DecodePath(n, path, "", &w.watchKeys)
		if first == nil {
			if len(d.Errors()) == before {
				w.noSource = item.Line
			}
			return
		}
		w.kind, w.sourcePath, w.sourceLine = first.Value, strictyaml.JoinPath(path, first.Value), strictyaml.Resolve(value).Line
		d.DecodePath(value, w.sourcePath, "", &w.source)
		w.options(d, item, path)
	default:
		d.Errorf(item, path, "must be owner/name or a mapping with one of %s (and tier, owner); got %s", strings.Join(WatchKinds, ", "), strictyaml.Describe(item))
	}
}

// options decodes the item's options, each once and only if it applies
// to the item's kind.
func (w *watchItem) options(d *strictyaml.Decoder, item *yaml.Node, path string) {
	done := map[string]bool{}
	for i := 0; i+1 < len(item.Content); i += 2 {
		k, v := strictyaml.Resolve(item.Content[i]), item.Content[i+1]
		want, ok := optionKind[k.Value]
		if k.Kind != yaml.ScalarNode || !ok || done[k.Value] {
			continue // not an option, or given twice ("defined twice")
		}
		done[k.Value] = true
		kp := strictyaml.JoinPath(path, k.Value)
		if want != w.kind {
			d.Errorf(k, kp, "applies to %s items only, not %s", want, w.kind)
			continue
		}
		var b *bool
		d.DecodePath(v, kp, "", &b)
		switch k.Value {
		case "forks":
			w.forks = b
		case "archived":
			w.archived = b
		case "indirect":
			w.indirect = b
		}
	}
}

// newFile returns a file holding c's values, for the decoder to override
// what the config file sets.
func newFile(c *Config, collectors []string) *file {
	return &file{
		GitHub: githubSection{APIURL: c.GitHub.APIURL, Timeout: c.GitHub.Timeout, Pacing: pacingSection{
			MaxInFlight: maxInFlight(c.GitHub.Pacing.MaxInFlight), PaceBelow: paceBelow(c.GitHub.Pacing.PaceBelow),
			Reserve: reserveShare(c.GitHub.Pacing.Reserve), MaxWait: c.GitHub.Pacing.MaxWait,
		}},
		Store:      storeSection{Path: c.Store.Path},
		Web:        webSection{ListenAddress: c.Web.ListenAddress, TelemetryPath: c.Web.TelemetryPath},
		Collection: collectionSection{Git: c.Collection.Git, Probe: c.Collection.Probe, MaxSkip: c.Collection.MaxSkip},
		Collectors: collectorsSection{names: collectors, set: map[string]collectorSection{}},
	}
}

// Parse parses and validates a config file's contents. source names the
// file in messages. env looks up environment variables (GITHUB_TOKEN); nil
// means an empty environment. Parse reads github.token_file from disk.
//
// The error, when not nil, joins one *Error per problem, in line order.
// The token's value never appears in an error or a warning.
func Parse(source string, data []byte, env func(string) string, opts ...Option) (*Config, error) {
	if source == "" {
		source = "<config>"
	}
	if env == nil {
		env = func(string) string { return "" }
	}
	p := &parser{file: source, env: env, cfg: Default(opts...), lines: map[string]int{}}
	for _, d := range readOptions(opts).collectors {
		p.collectorNames = append(p.collectorNames, d.Name)
	}
	p.cfg.Source = source
	root, err := p.root(data)
	if err != nil {
		return nil, err
	}
	f := newFile(p.cfg, p.collectorNames)
	dec := &strictyaml.Decoder{File: source, Lines: p.lines}
	_ = dec.Decode(root, f) // every problem is in dec.Errors
	for _, e := range dec.Errors() {
		p.errs = append(p.errs, &Error{File: e.File, Line: e.Line, Key: e.Path, Err: errors.New(e.Msg)})
	}
	// The checks run whatever the decoder found, so that one run reports
	// every problem, and so that the tokens are read for scrubbing.
	p.check(f)
	p.token()
	if len(p.cfg.Watch) == 0 && len(p.errs) == 0 {
		p.warnAt(p.lines["watch"], "watch", "the watch list is empty; serve has nothing to do")
	}
	if len(p.errs) > 0 {
		return nil, p.joined()
	}
	sortErrors(p.warns)
	for _, w := range p.warns {
		p.cfg.Warnings = append(p.cfg.Warnings, p.scrub(w).Error())
	}
	return p.cfg, nil
}

type parser struct {
	file  string
	env   func(string) string
	cfg   *Config
	lines map[string]int // the line of every key path, from the decoder
	errs  []*Error
	warns []*Error

	collectorNames []string // the collectors the config may name (WithCollectors)

	seenTokens    []string // the tokens read, even if rejected, for scrubbing
	tokenFileKeys []string // the key paths of GitHub.TokenFiles, for their lines
}

// errorf records a problem with the value at path, on its line.
func (p *parser) errorf(path, format string, args ...any) {
	p.failAt(p.lines[path], path, fmt.Errorf(format, args...))
}

// fail records err (kept for errors.Is) about the value at path.
func (p *parser) fail(path string, err error) {
	p.failAt(p.lines[path], path, err)
}

func (p *parser) failAt(line int, key string, err error) {
	p.errs = append(p.errs, &Error{File: p.file, Line: line, Key: key, Err: err})
}

func (p *parser) warnAt(line int, key, format string, args ...any) {
	p.warns = append(p.warns, &Error{File: p.file, Line: line, Key: key, Err: fmt.Errorf(format, args...)})
}

// joined sorts, caps and scrubs the errors and joins them.
func (p *parser) joined() error {
	sortErrors(p.errs)
	errs := p.errs
	if len(errs) > maxErrors {
		more := len(errs) - maxErrors
		errs = append(errs[:maxErrors:maxErrors], &Error{File: p.file, Err: fmt.Errorf("%d more errors not shown", more)})
	}
	out := make([]error, len(errs))
	for i, e := range errs {
		out[i] = p.scrub(e)
	}
	return errors.Join(out...)
}

// scrub is the last line of defence for "a token never appears in a
// message": no message is built from a token, but should one ever quote
// it (a user pasting the token into a key, say), it is replaced here.
func (p *parser) scrub(e *Error) *Error {
	for _, tok := range p.seenTokens {
		if len(tok) < 4 || !strings.Contains(e.Error(), tok) {
			continue
		}
		e = &Error{
			File: strings.ReplaceAll(e.File, tok, redacted),
			Line: e.Line,
			Key:  strings.ReplaceAll(e.Key, tok, redacted),
			Err:  errors.New(strings.ReplaceAll(e.Err.Error(), tok, redacted)),
		}
	}
	return e
}

// root parses data into a node tree and returns its top-level mapping.
func (p *parser) root(data []byte) (*yaml.Node, error) {
	doc, err := strictyaml.Parse(p.file, data)
	if err != nil {
		var se *strictyaml.Error
		if errors.As(err, &se) {
			return nil, &Error{File: p.file, Line: se.Line, Err: errors.New(se.Msg)}
		}
		return nil, &Error{File: p.file, Err: err}
	}
	root := doc
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		root = doc.Content[0]
	}
	switch {
	case strictyaml.IsNull(root):
		return nil, &Error{File: p.file, Err: errors.New("the file is empty; see config/example.yaml")}
	case root.Kind != yaml.MappingNode:
		return nil, &Error{File: p.file, Line: root.Line, Err: fmt.Errorf("must be a mapping of sections (%s), got %s",
			strings.Join(strictyaml.Keys(file{}), ", "), strictyaml.Describe(root))}
	}
	return root, nil
}

var quote = strictyaml.Quote

// check validates what the decoder read into the Config.
func (p *parser) check(f *file) {
	p.github(&f.GitHub)
	p.store(&f.Store)
	p.web(&f.Web)
	p.collection(&f.Collection)
	p.collectors(&f.Collectors)
	p.watch(f.Watch)
	p.analysis(&f.Analysis)
}

func (p *parser) github(s *githubSection) {
	g := &p.cfg.GitHub
	if u, err := checkAPIURL(s.APIURL); err != nil {
		p.fail("github.api_url", err)
	} else {
		g.APIURL = u
	}
	if s.TokenFile != nil {
		if *s.TokenFile == "" {
			p.errorf("github.token_file", "must not be empty; leave the key out for no token file")
		} else {
			g.TokenFile = *s.TokenFile
		}
	}
	p.tokenFiles(s.TokenFiles)
	if s.App != nil {
		p.app(s.App)
	}
	g.Timeout = s.Timeout
	g.Pacing = s.Pacing.pacing()
}

func checkAPIURL(s string) (string, error) {
	if strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return "", errors.New("must not contain whitespace or control characters")
	}
	u, err := url.Parse(s)
	if err != nil {
		// The *url.Error would repeat the URL; it may hold a password.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return "", fmt.Errorf("not a URL: %v", err)
	}
	// Messages show the URL without its query and fragment: a token
	// pasted there must not be echoed into a log.
	shown := quote((&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path, Opaque: u.Opaque}).String())
	switch {
	case u.User != nil:
		return "", errors.New("must not contain a user name or password; set the token with GITHUB_TOKEN or github.token_file")
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("%s is not an http or https URL", shown)
	case u.Host == "":
		return "", fmt.Errorf("%s has no host", shown)
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return "", fmt.Errorf("%s must not have a query or fragment (not shown: it may hold a secret); set the token with GITHUB_TOKEN or github.token_file", shown)
	}
	if !strings.HasSuffix(s, "/") {
		s += "/"
	}
	return s, nil
}

// token sets GitHub.Token from GITHUB_TOKEN or github.token_file, then
// reads github.token_files.
func (p *parser) token() {
	g := &p.cfg.GitHub
	fromEnv := strings.TrimSpace(p.env("GITHUB_TOKEN"))
	switch {
	case fromEnv != "" && g.TokenFile != "":
		p.seenTokens = append(p.seenTokens, fromEnv)
		p.errorf("github.token_file", "set either GITHUB_TOKEN or github.token_file, not both")
	case fromEnv != "":
		p.seenTokens = append(p.seenTokens, fromEnv)
		if err := checkToken(fromEnv); err != nil {
			p.failAt(0, "GITHUB_TOKEN", err)
		} else {
			g.Token = Secret(fromEnv)
		}
	case g.TokenFile != "":
		if tok, err := p.readToken(g.TokenFile); err != nil {
			p.fail("github.token_file", err)
		} else {
			g.Token = Secret(tok)
		}
	}
	p.moreTokens()
	_, app := p.lines["github.app"]
	if fromEnv == "" && g.TokenFile == "" && len(g.TokenFiles) == 0 && !app {
		p.warnAt(0, "github", "%s; GitHub allows unauthenticated clients 60 requests an hour", NoTokenWarning)
	}
}

// readSecretFile reads a small regular file holding a secret.
func readSecretFile(name, holds string) ([]byte, error) {
	// O_NONBLOCK: opening a FIFO (or a device) must not hang startup; it
	// is rejected below as not a regular file.
	f, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", name)
	}
	b, err := io.ReadAll(io.LimitReader(f, maxTokenFile+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxTokenFile {
		return nil, fmt.Errorf("%s is larger than %d KiB; %s", name, maxTokenFile>>10, holds)
	}
	return b, nil
}

func (p *parser) readToken(name string) (string, error) {
	b, err := readSecretFile(name, "a token file holds only the token")
	if err != nil {
		return "", err
	}
	tok := strings.TrimSpace(string(b))
	p.seenTokens = append(p.seenTokens, tok)
	if tok == "" {
		return "", fmt.Errorf("%s is empty", name)
	}
	if err := checkToken(tok); err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	return tok, nil
}

// checkToken rejects tokens that cannot go into an Authorization header.
// The message never quotes the token.
func checkToken(tok string) error {
	for i := 0; i < len(tok); i++ {
		if tok[i] <= ' ' || tok[i] >= 0x7f {
			return errors.New("the token contains whitespace or non-printable characters; the file must hold exactly one token")
		}
	}
	return nil
}

func (p *parser) store(s *storeSection) {
	if s.Path == "" {
		p.errorf("store.path", "must not be empty")
		return
	}
	p.cfg.Store.Path = s.Path
}

func (p *parser) collection(s *collectionSection) {
	c := &p.cfg.Collection
	c.Git, c.Probe, c.MaxSkip = s.Git, s.Probe, s.MaxSkip
	if s.GitCache != nil {
		if *s.GitCache == "" {
			p.errorf("collection.git_cache", "must not be empty (leave it out for the default, next to the store)")
		} else {
			c.GitCache = *s.GitCache
		}
	}
	if s.IssueHistory != nil {
		c.IssueHistory = time.Duration(*s.IssueHistory)
	}
	if s.PeopleRefresh != nil {
		c.PeopleRefresh = *s.PeopleRefresh
		if c.PeopleRefresh < 24*time.Hour {
			p.errorf("collection.people_refresh", "%s is shorter than a day: people are read again at most daily (their collectors run daily)", c.PeopleRefresh)
		}
	}
	if s.MaxSkipQuiet != nil {
		c.MaxSkipQuiet = *s.MaxSkipQuiet
		if c.MaxSkipQuiet < c.MaxSkip {
			p.errorf("collection.max_skip_quiet", "%s is shorter than max_skip (%s): quiet repositories are refreshed at most as often as active ones",
				c.MaxSkipQuiet, c.MaxSkip)
		}
	}
}

func (p *parser) analysis(s *analysisSection) {
	a := &p.cfg.Analysis
	for _, f := range []struct {
		key      string
		src, dst *string
	}{
		{"affiliations", s.Affiliations, &a.Affiliations},
		{"mailmap", s.Mailmap, &a.Mailmap},
		{"params", s.Params, &a.Params},
		{"grants", s.Grants, &a.Grants},
	} {
		kp := "analysis." + f.key
		switch {
		case f.src == nil:
		case *f.src == "":
			p.errorf(kp, "must not be empty; leave the key out instead")
		default:
			if err := readable(*f.src); err != nil {
				p.fail(kp, err)
			} else {
				*f.dst = *f.src
			}
		}
	}
}

// readable checks that path is a regular file fundwatch can open, without
// opening anything else (opening a FIFO would block).
func readable(path string) error {
	f, err := userfile.Open(path)
	if err != nil {
		return err
	}
	return f.Close()
}

func (p *parser) web(s *webSection) {
	w := &p.cfg.Web
	if err := checkListenAddress(s.ListenAddress); err != nil {
		p.fail("web.listen_address", err)
	} else {
		w.ListenAddress = s.ListenAddress
	}
	if err := CheckTelemetryPath(s.TelemetryPath); err != nil {
		p.fail("web.telemetry_path", err)
	} else {
		w.TelemetryPath = s.TelemetryPath
	}
	if s.GrafanaURL != nil {
		if err := CheckGrafanaURL(*s.GrafanaURL); err != nil {
			p.fail("web.grafana_url", err)
		} else {
			w.GrafanaURL = *s.GrafanaURL
		}
	}
	// Names are checked against the metric catalogue by the service
	// (config does not import metrics). An empty list is no list.
	w.MetricOptIn = append([]string(nil), s.MetricOptIn...)
}

func checkListenAddress(s string) error {
	_, port, err := net.SplitHostPort(s)
	if err != nil {
		var ae *net.AddrError
		if errors.As(err, &ae) {
			err = errors.New(ae.Err)
		}
		return fmt.Errorf("%s is not host:port (like \":9864\"): %v", quote(s), err)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return fmt.Errorf("port %s is not a number from 0 to 65535", quote(port))
	}
	return nil
}

// CheckGrafanaURL checks the base URL of a Grafana, as the triage page
// links to it: absolute, http or https, with a host, and without a user
// name, password, query or fragment (the page appends the dashboard's path
// and query). A path is fine: Grafana may be served under one. The
// --web.grafana-url flag is held to the same rules.
func CheckGrafanaURL(s string) error {
	if s == "" {
		return errors.New("must not be empty; leave the key out for no Grafana links")
	}
	if strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return errors.New("must not contain whitespace or control characters")
	}
	u, err := url.Parse(s)
	if err != nil {
		// The *url.Error would repeat the URL; it may hold a password.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("not a URL: %v", err)
	}
	// Messages show the URL without what may hold a secret.
	shown := quote((&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path, Opaque: u.Opaque}).String())
	switch {
	case u.User != nil:
		return errors.New("must not contain a user name or password: the triage page shows the URL to everyone who opens it")
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("%s is not an absolute http or https URL (like https://grafana.example.org/)", shown)
	case u.Host == "" || u.Opaque != "":
		return fmt.Errorf("%s has no host (like https://grafana.example.org/)", shown)
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return fmt.Errorf("%s must not have a query or fragment: the page adds the dashboard's path and query", shown)
	}
	return nil
}

// CheckTelemetryPath checks a path to serve metrics under: absolute, clean,
// of URL-safe characters, and not one fundwatch serves already.
func CheckTelemetryPath(s string) error {
	if !strings.HasPrefix(s, "/") {
		return fmt.Errorf("%s must start with /", quote(s))
	}
	for _, r := range s {
		if !(r == '/' || r == '-' || r == '.' || r == '_' || r == '~' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return fmt.Errorf("%s may hold only letters, digits and - . _ ~ /", quote(s))
		}
	}
	clean := path.Clean(s)
	if strings.HasSuffix(s, "/") && s != "/" {
		clean += "/"
	}
	if clean != s {
		return fmt.Errorf("%s is not a clean path (%s)", quote(s), quote(clean))
	}
	if slices.Contains(ReservedPaths, s) {
		return fmt.Errorf("%s is served by fundwatch already (reserved: %s)", quote(s), strings.Join(ReservedPaths, ", "))
	}
	return nil
}

// collectors applies the settings the file gives, in the registry's order.
func (p *parser) collectors(s *collectorsSection) {
	for _, name := range p.collectorNames {
		set, ok := s.set[name]
		if !ok {
			continue
		}
		c := p.cfg.Collectors[name]
		if set.Schedule != nil {
			kp := strictyaml.JoinPath(strictyaml.JoinPath("collectors", name), "schedule")
			if err := checkSchedule(*set.Schedule, time.Now()); err != nil {
				p.fail(kp, err)
			} else {
				c.Schedule = *set.Schedule
			}
		}
		if set.Enabled != nil {
			c.Enabled = *set.Enabled
		}
		p.cfg.Collectors[name] = c
	}
}

// checkSchedule accepts what the scheduler's cron.ParseStandard accepts,
// except schedules that would hammer the API or never run.
func checkSchedule(spec string, now time.Time) (err error) {
	defer func() {
		// robfig/cron v3.0.1 panics on some specs ("TZ=UTC" with nothing
		// after it). Rejecting them here also keeps them from reaching
		// the scheduler, which would panic the same way.
		if r := recover(); r != nil {
			err = fmt.Errorf("%s is not a cron schedule", quote(spec))
		}
	}()
	sched, err := cron.ParseStandard(spec)
	if err != nil {
		return fmt.Errorf("%s is not a cron schedule: %v", quote(spec), err)
	}
	if every, ok := sched.(cron.ConstantDelaySchedule); ok && every.Delay < minInterval {
		return fmt.Errorf("%s runs more often than once a minute", quote(spec))
	}
	if sched.Next(now).IsZero() {
		return fmt.Errorf("%s never runs", quote(spec))
	}
	return nil
}

func (p *parser) watch(items []watchItem) {
	firstLine := make(map[string]int) // by kind and ghrepo.Name.Key, account or path
	for i, item := range items {
		ip := fmt.Sprintf("watch[%d]", i)
		w := WatchItem{Kind: item.kind, Line: p.lines[ip], Key: ip}
		before := len(p.errs)
		if item.Tier != nil {
			if !slices.Contains(Tiers, *item.Tier) {
				p.errorf(ip+".tier", "unknown tier %s (known: %s)", quote(*item.Tier), strings.Join(Tiers, ", "))
			} else {
				w.Tier = *item.Tier
			}
		}
		if item.Owner != nil {
			if err := checkOwner(*item.Owner); err != nil {
				p.fail(ip+".owner", err)
			} else {
				w.Owner = *item.Owner
			}
		}
		if item.kind == "" {
			if item.noSource > 0 && len(p.errs) == before {
				p.failAt(item.noSource, ip, fmt.Errorf("missing a source: one of %s", strings.Join(WatchKinds, ", ")))
			}
			continue
		}
		if item.forks != nil {
			w.Forks = *item.forks
		}
		if item.archived != nil {
			w.Archived = *item.archived
		}
		if item.indirect != nil {
			w.ExcludeIndirect = !*item.indirect
		}
		if item.source == nil {
			continue // not a string: the decoder said so
		}
		s, sp := *item.source, item.sourcePath
		var key string
		switch w.Kind {
		case KindRepo:
			name, err := ghrepo.Parse(s)
			if err != nil {
				p.failAt(item.sourceLine, sp, err)
				continue
			}
			w.Repo, key = name, name.Key()
		case KindOrg:
			acct, err := ghrepo.ParseOwner(strings.TrimPrefix(s, "@"))
			if err != nil {
				p.failAt(item.sourceLine, sp, fmt.Errorf("%s is not a GitHub organisation or user: %w", quote(s), err))
				continue
			}
			w.Account, key = acct, strings.ToLower(acct)
		default:
			if s == "" {
				p.errorf(sp, "must not be empty; name the file")
				continue
			}
			if err := readable(s); err != nil {
				p.failAt(item.sourceLine, sp, err)
				continue
			}
			w.Path, key = s, path.Clean(s)
		}
		key = w.Kind + " " + key
		// An item that is an alias (*name) is listed twice where the alias
		// stands, not where its anchor is.
		at := item.sourceLine
		if item.alias {
			at = w.Line
		}
		if first, dup := firstLine[key]; dup {
			p.failAt(at, sp, fmt.Errorf("%s is listed twice (first at line %d)", w.Source(), first))
			continue
		}
		firstLine[key] = at
		if len(p.errs) == before {
			p.cfg.Watch = append(p.cfg.Watch, w)
		}
	}
}

// checkOwner checks a team label; it becomes a Prometheus label value.
func checkOwner(s string) error {
	switch {
	case s == "":
		return errors.New("must not be empty; leave the key out for none")
	case !utf8.ValidString(s):
		return errors.New("is not valid UTF-8")
	case utf8.RuneCountInString(s) > maxOwnerLen:
		return fmt.Errorf("is longer than %d characters", maxOwnerLen)
	case strings.ContainsFunc(s, unicode.IsControl):
		return fmt.Errorf("%s contains a control character", quote(s))
	case strings.Contains(s, ","):
		// A repository reached from several items carries all their
		// owners, joined with commas, in one label value.
		return fmt.Errorf("%s contains a comma; name one team per item (a repository reached from several items gets all their owners, comma-separated)", quote(s))
	}
	return nil
}
