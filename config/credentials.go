package config

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/fundwatch/fundwatch/ghclient"

	"gopkg.in/yaml.v3"
)

// App is a GitHub App installation to authenticate as (github.app).
type App struct {
	AppID, InstallationID int64
	// PrivateKeyFile is the App's private key file, as configured.
	PrivateKeyFile string
	// PrivateKey is its content: an RSA key, PEM (PKCS#1 or PKCS#8).
	PrivateKey Secret
}

// Format prints the App with its key redacted, whatever the verb. Secret
// redacts itself, but fmt does not ask it to when it prints a pointer to
// a struct with a verb other than %v (a Config printed with %s): it falls
// back on printing the fields raw.
func (a App) Format(f fmt.State, verb rune) {
	prefix := ""
	if verb == 'v' && f.Flag('#') {
		prefix = "config.App"
	}
	fmt.Fprintf(f, "%s{AppID:%d InstallationID:%d PrivateKeyFile:%s PrivateKey:%s}", prefix, a.AppID, a.InstallationID,
		strconv.Quote(a.PrivateKeyFile), a.PrivateKey.shown())
}

// Pacing shapes how each credential's quota is spent (github.pacing); see
// ghclient.Pacing, which it configures.
type Pacing struct {
	// MaxInFlight bounds the requests one credential has in flight.
	MaxInFlight int
	// PaceBelow is the share of a credential's limit below which what is
	// left is spread evenly until the reset.
	PaceBelow float64
	// Reserve is the share of each credential's limit never spent.
	Reserve float64
	// MaxWait is the longest a request waits for a spent credential's
	// reset; past it, the repository is left for the next run.
	MaxWait time.Duration
}

// Pacing defaults are the GitHub client's own, declared once there.
var (
	DefaultMaxInFlight = ghclient.DefaultMaxInFlight
	DefaultPaceBelow   = ghclient.DefaultPacing.PaceBelow
	DefaultReserve     = ghclient.DefaultPacing.Reserve
	DefaultMaxWait     = ghclient.DefaultPacing.MaxWait
)

// Credential is one way of authenticating, as the GitHub client takes it.
type Credential struct {
	// Name identifies it in metrics and logs, never from the secret:
	// "token" (GITHUB_TOKEN or github.token_file), "token_files[i]", or
	// "installation-ID" (github.app).
	Name  string
	Token Secret
	App   *App
}

// Credentials lists every configured credential: the token, the tokens
// of github.token_files, the App installation. Empty means anonymous.
func (g GitHub) Credentials() []Credential {
	var out []Credential
	if g.Token != "" {
		out = append(out, Credential{Name: "token", Token: g.Token})
	}
	for i, t := range g.Tokens {
		out = append(out, Credential{Name: fmt.Sprintf("token_files[%d]", i), Token: t})
	}
	if g.App != nil {
		out = append(out, Credential{Name: "installation-" + strconv.FormatInt(g.App.InstallationID, 10), App: g.App})
	}
	return out
}

var (
	appKeys    = []string{"app_id", "installation_id", "private_key_file"}
	pacingKeys = []string{"max_in_flight", "pace_below", "reserve", "max_wait"}
)

// tokenFilesKey records github.token_files; the files are read by
// moreTokens, once GITHUB_TOKEN and github.token_file are known.
func (p *parser) tokenFilesKey(n *yaml.Node, path string) {
	n = resolve(n)
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, path, "must be a list of files, each holding one token; got %s", describe(n))
		return
	}
	seen := map[string]int{}
	for i, item := range n.Content {
		kp := fmt.Sprintf("%s[%d]", path, i)
		s, ok := p.str(item, kp)
		switch {
		case !ok:
		case s == "":
			p.errorf(item, kp, "must not be empty")
		case seen[s] != 0:
			p.errorf(item, kp, "%s is listed twice (first at line %d)", s, seen[s])
		default:
			seen[s] = resolve(item).Line
			p.cfg.GitHub.TokenFiles = append(p.cfg.GitHub.TokenFiles, s)
			p.tokenFiles = append(p.tokenFiles, resolve(item))
		}
	}
}

// moreTokens reads github.token_files. A token given twice (the same
// secret in two files, or in GITHUB_TOKEN too) is an error: it would be
// counted as two budgets while GitHub counts one.
func (p *parser) moreTokens() {
	g := &p.cfg.GitHub
	first := map[string]string{}
	if g.Token != "" {
		src := "GITHUB_TOKEN"
		if g.TokenFile != "" {
			src = "github.token_file"
		}
		first[g.Token.Reveal()] = src
	}
	for i, name := range g.TokenFiles {
		kp := fmt.Sprintf("github.token_files[%d]", i)
		tok, err := p.readToken(name)
		if err != nil {
			p.fail(p.tokenFiles[i], kp, err)
			continue
		}
		if src, dup := first[tok]; dup {
			p.errorf(p.tokenFiles[i], kp, "%s holds the same token as %s; list each token once", name, src)
			continue
		}
		first[tok] = kp
		g.Tokens = append(g.Tokens, Secret(tok))
	}
}

// app reads github.app.
func (p *parser) app(n *yaml.Node, path string) {
	p.appNode = resolve(n)
	a := &App{}
	ok := true
	seen := map[string]bool{}
	p.mapping(n, path, "a mapping with app_id, installation_id and private_key_file", func(key string, k, v *yaml.Node) {
		kp := join(path, key)
		seen[key] = true
		switch key {
		case "app_id":
			var good bool
			a.AppID, good = p.id(v, kp, "the App ID, on the App's settings page")
			ok = ok && good
		case "installation_id":
			var good bool
			a.InstallationID, good = p.id(v, kp, "the number at the end of the installation's settings URL")
			ok = ok && good
		case "private_key_file":
			s, sok := p.str(v, kp)
			switch {
			case !sok:
				ok = false
			case s == "":
				p.errorf(v, kp, "must not be empty")
				ok = false
			default:
				a.PrivateKeyFile = s
				key, err := readPrivateKey(s)
				if err != nil {
					p.fail(v, kp, err)
					ok = false
				}
				a.PrivateKey = key
			}
		case "private_key":
			p.errorf(k, kp, "the private key does not belong in the config file; set github.app.private_key_file")
			ok = false
		default:
			p.unknown(k, path, "key", appKeys)
			ok = false
		}
	})
	if p.appNode.Kind != yaml.MappingNode {
		return
	}
	for _, key := range appKeys {
		if !seen[key] {
			p.errorf(p.appNode, join(path, key), "is required")
			ok = false
		}
	}
	if ok {
		p.cfg.GitHub.App = a
	}
}

// id reads a GitHub numeric ID: a positive integer (quoted or not).
func (p *parser) id(n *yaml.Node, path, what string) (int64, bool) {
	n = resolve(n)
	if n.Kind == yaml.ScalarNode && (n.ShortTag() == "!!int" || n.ShortTag() == "!!str") {
		if v, err := strconv.ParseInt(strings.TrimSpace(n.Value), 10, 64); err == nil && v > 0 {
			return v, true
		}
	}
	p.errorf(n, path, "must be a positive whole number (%s), got %s", what, describe(n))
	return 0, false
}

// readPrivateKey reads a GitHub App's private key and checks that it is
// one: GitHub signs its JWTs with RS256, so an RSA key in PEM. Messages
// never quote the key.
func readPrivateKey(name string) (Secret, error) {
	b, err := readSecretFile(name, "a private key file holds only the key")
	if err != nil {
		return "", err
	}
	block, _ := pem.Decode(b)
	if block == nil {
		return "", fmt.Errorf("%s is not a PEM file (want the private key GitHub generated for the App, \"-----BEGIN RSA PRIVATE KEY-----\")", name)
	}
	switch block.Type {
	case "RSA PRIVATE KEY":
		if _, err := x509.ParsePKCS1PrivateKey(block.Bytes); err != nil {
			return "", fmt.Errorf("%s: the RSA PRIVATE KEY block does not parse as a key", name)
		}
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return "", fmt.Errorf("%s: the PRIVATE KEY block does not parse as a key", name)
		}
		if _, ok := k.(*rsa.PrivateKey); !ok {
			return "", fmt.Errorf("%s holds %s key; GitHub Apps sign with RSA keys", name, keyKind(k))
		}
	default:
		return "", fmt.Errorf("%s holds a %q PEM block, not an RSA private key", name, block.Type)
	}
	return Secret(b), nil
}

func keyKind(k any) string {
	switch k.(type) {
	case *ecdsa.PrivateKey:
		return "an ECDSA"
	case ed25519.PrivateKey:
		return "an Ed25519"
	}
	return "another kind of"
}

// pacing reads github.pacing.
func (p *parser) pacing(n *yaml.Node, path string) {
	pc := &p.cfg.GitHub.Pacing
	p.mapping(n, path, "a mapping", func(key string, k, v *yaml.Node) {
		kp := join(path, key)
		switch key {
		case "max_in_flight":
			v := resolve(v)
			var i int
			if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!int" || v.Decode(&i) != nil || i < 1 || i > 100 {
				p.errorf(v, kp, "must be a whole number from 1 to 100, got %s", describe(v))
				return
			}
			pc.MaxInFlight = i
		case "pace_below":
			if f, ok := p.share(v, kp, 0, 1, false); ok {
				pc.PaceBelow = f
			}
		case "reserve":
			if f, ok := p.share(v, kp, 0, 0.5, true); ok {
				pc.Reserve = f
			}
		case "max_wait":
			if d, ok := p.duration(v, kp); ok {
				pc.MaxWait = d
			}
		default:
			p.unknown(k, path, "key", pacingKeys)
		}
	})
}

// share reads a number between lo and hi: above lo (or at it, when
// orLo), at most hi.
func (p *parser) share(n *yaml.Node, path string, lo, hi float64, orLo bool) (float64, bool) {
	n = resolve(n)
	var f float64
	numeric := n.Kind == yaml.ScalarNode && (n.ShortTag() == "!!float" || n.ShortTag() == "!!int") && n.Decode(&f) == nil
	if numeric && (f > lo || orLo && f == lo) && f <= hi {
		return f, true
	}
	from := "above " + strconv.FormatFloat(lo, 'g', -1, 64)
	if orLo {
		from = "from " + strconv.FormatFloat(lo, 'g', -1, 64)
	}
	p.fail(n, path, errors.New("must be a share "+from+" to "+strconv.FormatFloat(hi, 'g', -1, 64)+" (0.02 is 2%), got "+describe(n)))
	return 0, false
}
