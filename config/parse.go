package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path"
	"regexp"
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

// Keys each section accepts, in the order example.yaml documents them.
var (
	sectionKeys    = []string{"github", "store", "web", "collection", "collectors", "watch", "analysis"}
	analysisKeys   = []string{"affiliations", "mailmap", "params", "grants"}
	githubKeys     = []string{"api_url", "token_file", "token_files", "app", "timeout", "pacing"}
	storeKeys      = []string{"path"}
	collectionKeys = []string{"git", "git_cache", "probe", "max_skip", "max_skip_quiet", "issue_history"}
	webKeys        = []string{"listen_address", "telemetry_path", "grafana_url", "metric_opt_in"}
	collectorKeys  = []string{"schedule", "enabled"}
	watchKeys      = []string{"repo", "org", "gomod", "npm", "sbom", "tier", "owner", "forks", "archived", "indirect"}
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
	p := &parser{file: source, env: env, cfg: Default(opts...)}
	for _, d := range readOptions(opts).collectors {
		p.collectorNames = append(p.collectorNames, d.Name)
	}
	p.cfg.Source = source
	root, err := p.decode(data)
	if err != nil {
		return nil, err
	}
	p.root(root)
	p.token()
	if len(p.cfg.Watch) == 0 && len(p.errs) == 0 {
		p.warnf(p.watchNode, "watch", "the watch list is empty; serve has nothing to do")
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
	errs  []*Error
	warns []*Error

	collectorNames []string // the collectors the config may name (WithCollectors)

	tokenFileNode *yaml.Node   // github.token_file's value, for its line
	watchNode     *yaml.Node   // the watch list, for its line
	seenTokens    []string     // the tokens read, even if rejected, for scrubbing
	tokenFiles    []*yaml.Node // github.token_files' items, for their lines
	appNode       *yaml.Node   // github.app, for its line
}

func (p *parser) errorf(n *yaml.Node, key, format string, args ...any) {
	p.fail(n, key, fmt.Errorf(format, args...))
}

func (p *parser) fail(n *yaml.Node, key string, err error) {
	p.errs = append(p.errs, &Error{File: p.file, Line: line(n), Key: key, Err: err})
}

func (p *parser) warnf(n *yaml.Node, key, format string, args ...any) {
	p.warns = append(p.warns, &Error{File: p.file, Line: line(n), Key: key, Err: fmt.Errorf(format, args...)})
}

func line(n *yaml.Node) int {
	if n == nil {
		return 0
	}
	return n.Line
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

var yamlLineError = regexp.MustCompile(`(?s)^yaml: line (\d+): (.*)$`)

// decode parses data into a node tree and returns its top-level mapping.
func (p *parser) decode(data []byte) (root *yaml.Node, err error) {
	defer func() {
		// yaml.v3 has panicked on hostile input before; a config file must
		// never crash the process.
		if r := recover(); r != nil {
			root, err = nil, &Error{File: p.file, Err: fmt.Errorf("YAML parser failed: %v", r)}
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &Error{File: p.file, Err: errors.New("the file is empty; see config/example.yaml")}
		}
		return nil, p.yamlError(err)
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, p.yamlError(err)
	default:
		return nil, &Error{File: p.file, Line: next.Line, Err: errors.New("a second YAML document; a config file holds one")}
	}
	root = &doc
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		root = doc.Content[0]
	}
	switch {
	case isNull(root):
		return nil, &Error{File: p.file, Err: errors.New("the file is empty; see config/example.yaml")}
	case root.Kind != yaml.MappingNode:
		return nil, &Error{File: p.file, Line: root.Line, Err: fmt.Errorf("must be a mapping of sections (%s), got %s", strings.Join(sectionKeys, ", "), describe(root))}
	}
	return root, nil
}

func (p *parser) yamlError(err error) error {
	msg := err.Error()
	if m := yamlLineError.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return &Error{File: p.file, Line: n, Err: errors.New(m[2])}
	}
	return &Error{File: p.file, Err: errors.New(strings.TrimPrefix(msg, "yaml: "))}
}

// resolve follows aliases (*name) to the anchored node.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// The node helpers are strictyaml's, shared with the scenario and params
// decoders so that every file fundwatch reads describes a value the same
// way.
var (
	isNull   = strictyaml.IsNull
	describe = strictyaml.Describe
	quote    = strictyaml.Quote
)

// join extends a key path, quoting keys that are not plain words.
func join(path, key string) string {
	plain := key != ""
	for _, r := range key {
		if !(r == '_' || r == '-' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			plain = false
			break
		}
	}
	if !plain {
		key = quote(key)
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

// mapping checks that n is a mapping with unique string keys and calls fn
// for each key in order. A null n (a section whose keys are all commented
// out) is an empty mapping.
func (p *parser) mapping(n *yaml.Node, path, want string, fn func(key string, k, v *yaml.Node)) {
	n = resolve(n)
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		p.errorf(n, path, "must be %s, got %s", want, describe(n))
		return
	}
	seen := make(map[string]int)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			p.errorf(k, path, "keys must be plain names, got %s", describe(k))
			continue
		}
		if k.ShortTag() == "!!merge" {
			p.errorf(k, join(path, k.Value), "merge keys (<<) are not supported; write the keys out")
			continue
		}
		kp := join(path, k.Value)
		if first, dup := seen[k.Value]; dup {
			p.errorf(k, kp, "defined twice (first at line %d)", first)
			continue
		}
		seen[k.Value] = k.Line
		fn(k.Value, k, v)
	}
}

// unknown reports a key that is not one of known.
func (p *parser) unknown(k *yaml.Node, path, what string, known []string) {
	msg := fmt.Sprintf("unknown %s (known: %s)", what, strings.Join(known, ", "))
	if s := suggest(k.Value, known); s != "" {
		msg += fmt.Sprintf("; did you mean %s?", s)
	}
	p.fail(k, join(path, k.Value), errors.New(msg))
}

// str returns a string scalar. Numbers, booleans and timestamps are not
// strings: "listen_address: 9864" is more likely a mistake than a label.
func (p *parser) str(n *yaml.Node, path string) (string, bool) {
	n = resolve(n)
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str" {
		return n.Value, true
	}
	hint := ""
	if n.Kind == yaml.ScalarNode && !isNull(n) {
		hint = " (quote it to make it a string)"
	}
	p.errorf(n, path, "must be a string, got %s%s", describe(n), hint)
	return "", false
}

func (p *parser) boolean(n *yaml.Node, path string) (bool, bool) {
	n = resolve(n)
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!bool" {
		var b bool
		if err := n.Decode(&b); err == nil {
			return b, true
		}
	}
	p.errorf(n, path, "must be true or false, got %s", describe(n))
	return false, false
}

func (p *parser) duration(n *yaml.Node, path string) (time.Duration, bool) {
	n = resolve(n)
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
		p.errorf(n, path, "must be a duration with a unit, like 30s or 2m; got %s", describe(n))
		return 0, false
	}
	s := n.Value
	d, err := time.ParseDuration(s)
	switch {
	case err != nil:
		p.errorf(n, path, "%s is not a duration (like 30s or 2m)", quote(s))
		return 0, false
	case d <= 0:
		p.errorf(n, path, "must be positive, got %s", quote(s))
		return 0, false
	}
	return d, true
}

func (p *parser) root(root *yaml.Node) {
	p.mapping(root, "", "a mapping of sections", func(key string, k, v *yaml.Node) {
		switch key {
		case "github":
			p.github(v)
		case "store":
			p.store(v)
		case "web":
			p.web(v)
		case "collection":
			p.collection(v)
		case "collectors":
			p.collectors(v)
		case "watch":
			p.watch(v)
		case "analysis":
			p.analysis(v)
		default:
			p.unknown(k, "", "section", sectionKeys)
		}
	})
}

func (p *parser) github(n *yaml.Node) {
	g := &p.cfg.GitHub
	p.mapping(n, "github", "a mapping", func(key string, k, v *yaml.Node) {
		kp := join("github", key)
		switch key {
		case "api_url":
			if s, ok := p.str(v, kp); ok {
				if u, err := checkAPIURL(s); err != nil {
					p.fail(v, kp, err)
				} else {
					g.APIURL = u
				}
			}
		case "token_file":
			if s, ok := p.str(v, kp); ok {
				if s == "" {
					p.errorf(v, kp, "must not be empty; leave the key out for no token file")
				} else {
					g.TokenFile, p.tokenFileNode = s, resolve(v)
				}
			}
		case "token_files":
			p.tokenFilesKey(v, kp)
		case "app":
			p.app(v, kp)
		case "pacing":
			p.pacing(v, kp)
		case "timeout":
			if d, ok := p.duration(v, kp); ok {
				g.Timeout = d
			}
		case "token":
			p.errorf(k, kp, "the token does not belong in the config file; set GITHUB_TOKEN or github.token_file")
		case "tokens":
			p.errorf(k, kp, "tokens do not belong in the config file; list files holding one token each in github.token_files")
		default:
			p.unknown(k, "github", "key", githubKeys)
		}
	})
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
		p.errorf(p.tokenFileNode, "github.token_file", "set either GITHUB_TOKEN or github.token_file, not both")
	case fromEnv != "":
		p.seenTokens = append(p.seenTokens, fromEnv)
		if err := checkToken(fromEnv); err != nil {
			p.fail(nil, "GITHUB_TOKEN", err)
		} else {
			g.Token = Secret(fromEnv)
		}
	case g.TokenFile != "":
		if tok, err := p.readToken(g.TokenFile); err != nil {
			p.fail(p.tokenFileNode, "github.token_file", err)
		} else {
			g.Token = Secret(tok)
		}
	}
	p.moreTokens()
	if fromEnv == "" && g.TokenFile == "" && len(g.TokenFiles) == 0 && p.appNode == nil {
		p.warnf(nil, "github", "no token (set GITHUB_TOKEN or github.token_file); GitHub allows unauthenticated clients 60 requests an hour")
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

func (p *parser) store(n *yaml.Node) {
	p.mapping(n, "store", "a mapping", func(key string, k, v *yaml.Node) {
		kp := join("store", key)
		switch key {
		case "path":
			if s, ok := p.str(v, kp); ok {
				if s == "" {
					p.errorf(v, kp, "must not be empty")
				} else {
					p.cfg.Store.Path = s
				}
			}
		default:
			p.unknown(k, "store", "key", storeKeys)
		}
	})
}

func (p *parser) collection(n *yaml.Node) {
	c := &p.cfg.Collection
	var quietNode *yaml.Node
	p.mapping(n, "collection", "a mapping", func(key string, k, v *yaml.Node) {
		kp := join("collection", key)
		switch key {
		case "git":
			if b, ok := p.boolean(v, kp); ok {
				c.Git = b
			}
		case "git_cache":
			if s, ok := p.str(v, kp); ok {
				if s == "" {
					p.errorf(v, kp, "must not be empty (leave it out for the default, next to the store)")
				} else {
					c.GitCache = s
				}
			}
		case "probe":
			if b, ok := p.boolean(v, kp); ok {
				c.Probe = b
			}
		case "max_skip":
			if d, ok := p.duration(v, kp); ok {
				c.MaxSkip = d
			}
		case "max_skip_quiet":
			if d, ok := p.duration(v, kp); ok {
				c.MaxSkipQuiet, quietNode = d, v
			}
		case "issue_history":
			if d, ok := p.issueHistory(v, kp); ok {
				c.IssueHistory = d
			}
		default:
			p.unknown(k, "collection", "key", collectionKeys)
		}
	})
	if quietNode != nil && c.MaxSkipQuiet < c.MaxSkip {
		p.errorf(quietNode, "collection.max_skip_quiet", "%s is shorter than max_skip (%s): quiet repositories are refreshed at most as often as active ones",
			c.MaxSkipQuiet, c.MaxSkip)
	}
}

func (p *parser) analysis(n *yaml.Node) {
	a := &p.cfg.Analysis
	p.mapping(n, "analysis", "a mapping", func(key string, k, v *yaml.Node) {
		kp := join("analysis", key)
		var dst *string
		switch key {
		case "affiliations":
			dst = &a.Affiliations
		case "mailmap":
			dst = &a.Mailmap
		case "params":
			dst = &a.Params
		case "grants":
			dst = &a.Grants
		default:
			p.unknown(k, "analysis", "key", analysisKeys)
			return
		}
		s, ok := p.str(v, kp)
		if !ok {
			return
		}
		if s == "" {
			p.errorf(v, kp, "must not be empty; leave the key out instead")
			return
		}
		if err := readable(s); err != nil {
			p.fail(v, kp, err)
			return
		}
		*dst = s
	})
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

func (p *parser) web(n *yaml.Node) {
	w := &p.cfg.Web
	p.mapping(n, "web", "a mapping", func(key string, k, v *yaml.Node) {
		kp := join("web", key)
		switch key {
		case "listen_address":
			if s, ok := p.str(v, kp); ok {
				if err := checkListenAddress(s); err != nil {
					p.fail(v, kp, err)
				} else {
					w.ListenAddress = s
				}
			}
		case "telemetry_path":
			if s, ok := p.str(v, kp); ok {
				if err := CheckTelemetryPath(s); err != nil {
					p.fail(v, kp, err)
				} else {
					w.TelemetryPath = s
				}
			}
		case "grafana_url":
			if s, ok := p.str(v, kp); ok {
				if err := checkGrafanaURL(s); err != nil {
					p.fail(v, kp, err)
				} else {
					w.GrafanaURL = s
				}
			}
		case "metric_opt_in":
			// Names are checked against the metric catalogue by the
			// service (config does not import metrics).
			w.MetricOptIn = nil
			if n := resolve(v); n.Kind != yaml.SequenceNode {
				p.errorf(v, kp, "must be a list of metric family names, got %s", describe(n))
			} else {
				for i, item := range n.Content {
					if s, ok := p.str(item, fmt.Sprintf("%s[%d]", kp, i)); ok {
						w.MetricOptIn = append(w.MetricOptIn, s)
					}
				}
			}
		default:
			p.unknown(k, "web", "key", webKeys)
		}
	})
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

// checkGrafanaURL checks the base URL of a Grafana, as the triage page
// links to it: absolute, http or https, with a host, and without a user
// name, password, query or fragment (the page appends the dashboard's path
// and query). A path is fine: Grafana may be served under one.
func checkGrafanaURL(s string) error {
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

func (p *parser) collectors(n *yaml.Node) {
	p.mapping(n, "collectors", "a mapping of collector names to settings", func(name string, k, v *yaml.Node) {
		if !slices.Contains(p.collectorNames, name) {
			p.unknown(k, "collectors", "collector", p.collectorNames)
			return
		}
		cp := join("collectors", name)
		c := p.cfg.Collectors[name]
		p.mapping(v, cp, "a mapping (schedule, enabled)", func(key string, k, v *yaml.Node) {
			kp := join(cp, key)
			switch key {
			case "schedule":
				if s, ok := p.str(v, kp); ok {
					if err := checkSchedule(s, time.Now()); err != nil {
						p.fail(v, kp, err)
					} else {
						c.Schedule = s
					}
				}
			case "enabled":
				if b, ok := p.boolean(v, kp); ok {
					c.Enabled = b
				}
			default:
				p.unknown(k, cp, "key", collectorKeys)
			}
		})
		p.cfg.Collectors[name] = c
	})
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

func (p *parser) watch(n *yaml.Node) {
	n = resolve(n)
	p.watchNode = n
	if isNull(n) {
		return
	}
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "watch", "must be a list of repositories or sources, got %s", describe(n))
		return
	}
	firstLine := make(map[string]int) // by kind and ghrepo.Name.Key, account or path
	for i, orig := range n.Content {
		ip := fmt.Sprintf("watch[%d]", i)
		item := resolve(orig)
		// An item that is an alias (*name) is where the alias stands, not
		// where its anchor is.
		w := WatchItem{Line: orig.Line, Key: ip}
		var (
			src      *yaml.Node // the source key's value
			srcKey   *yaml.Node // the source key itself
			sp       = ip       // the source's key path
			opts     []*yaml.Node
			optNames []string
		)
		before := len(p.errs)
		switch {
		case item.Kind == yaml.ScalarNode && item.ShortTag() == "!!str":
			src, w.Kind = item, KindRepo // shorthand: "- owner/name"
		case item.Kind == yaml.MappingNode:
			p.mapping(item, ip, "a mapping", func(key string, k, v *yaml.Node) {
				kp := join(ip, key)
				switch key {
				case KindRepo, KindOrg, KindGoMod, KindNPM, KindSBOM:
					if srcKey != nil {
						p.errorf(k, kp, "the item already has %s (line %d); one source per item: split it into two items", w.Kind, srcKey.Line)
						return
					}
					src, srcKey, sp, w.Kind = v, k, kp, key
				case "tier":
					if s, ok := p.str(v, kp); ok {
						if !slices.Contains(Tiers, s) {
							p.errorf(v, kp, "unknown tier %s (known: %s)", quote(s), strings.Join(Tiers, ", "))
						} else {
							w.Tier = s
						}
					}
				case "owner":
					if s, ok := p.str(v, kp); ok {
						if err := checkOwner(s); err != nil {
							p.fail(v, kp, err)
						} else {
							w.Owner = s
						}
					}
				case "forks", "archived", "indirect":
					opts, optNames = append(opts, k, v), append(optNames, key)
				default:
					p.unknown(k, ip, "key", watchKeys)
				}
			})
			if src == nil {
				if len(p.errs) == before {
					p.errorf(item, ip, "missing a source: one of %s", strings.Join(WatchKinds, ", "))
				}
				continue
			}
		default:
			p.errorf(item, ip, "must be owner/name or a mapping with one of %s (and tier, owner); got %s", strings.Join(WatchKinds, ", "), describe(item))
			continue
		}
		for j, key := range optNames {
			k, v := opts[2*j], opts[2*j+1]
			kp := join(ip, key)
			if want := optionKind[key]; want != w.Kind {
				p.errorf(k, kp, "applies to %s items only, not %s", want, w.Kind)
				continue
			}
			b, ok := p.boolean(v, kp)
			if !ok {
				continue
			}
			switch key {
			case "forks":
				w.Forks = b
			case "archived":
				w.Archived = b
			case "indirect":
				w.ExcludeIndirect = !b
			}
		}
		s, ok := p.str(src, sp)
		if !ok {
			continue
		}
		at := resolve(src)
		if orig.Kind == yaml.AliasNode {
			at = orig
		}
		var key string
		switch w.Kind {
		case KindRepo:
			name, err := ghrepo.Parse(s)
			if err != nil {
				p.fail(resolve(src), sp, err)
				continue
			}
			w.Repo, key = name, name.Key()
		case KindOrg:
			acct, err := ghrepo.ParseOwner(strings.TrimPrefix(s, "@"))
			if err != nil {
				p.fail(resolve(src), sp, fmt.Errorf("%s is not a GitHub organisation or user: %w", quote(s), err))
				continue
			}
			w.Account, key = acct, strings.ToLower(acct)
		default:
			if s == "" {
				p.errorf(src, sp, "must not be empty; name the file")
				continue
			}
			if err := readable(s); err != nil {
				p.fail(resolve(src), sp, err)
				continue
			}
			w.Path, key = s, path.Clean(s)
		}
		key = w.Kind + " " + key
		if first, dup := firstLine[key]; dup {
			p.errorf(at, sp, "%s is listed twice (first at line %d)", w.Source(), first)
			continue
		}
		firstLine[key] = at.Line
		if len(p.errs) == before {
			p.cfg.Watch = append(p.cfg.Watch, w)
		}
	}
}

// optionKind says which kind of watch item each option applies to.
var optionKind = map[string]string{"forks": KindOrg, "archived": KindOrg, "indirect": KindGoMod}

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
