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

	"gopkg.in/yaml.v3"

	"github.com/fundwatch/fundwatch/ghclient"
	"github.com/fundwatch/fundwatch/internal/strictyaml"
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

// appSection is github.app as written.
type appSection struct {
	AppID          appID          `yaml:"app_id"`
	InstallationID installationID `yaml:"installation_id"`
	PrivateKeyFile *string        `yaml:"private_key_file"`

	PrivateKey struct{} `yaml:"private_key" refuse:"the private key does not belong in the config file; set github.app.private_key_file"`
}

// GitHub's numeric IDs, positive, quoted or not (copied from a URL, they
// often are). Each says where to find it when it is wrong.
type (
	appID          int64
	installationID int64
)

func (id *appID) DecodeStrict(d *strictyaml.Decoder, n *yaml.Node, path string) {
	*id = appID(decodeID(d, n, path, "the App ID, on the App's settings page"))
}

func (id *installationID) DecodeStrict(d *strictyaml.Decoder, n *yaml.Node, path string) {
	*id = installationID(decodeID(d, n, path, "the number at the end of the installation's settings URL"))
}

func decodeID(d *strictyaml.Decoder, n *yaml.Node, path, what string) int64 {
	n = strictyaml.Resolve(n)
	if n.Kind == yaml.ScalarNode && (n.ShortTag() == "!!int" || n.ShortTag() == "!!str") {
		if v, err := strconv.ParseInt(strings.TrimSpace(n.Value), 10, 64); err == nil && v > 0 {
			return v
		}
	}
	d.Errorf(n, path, "must be a positive whole number (%s), got %s", what, strictyaml.Describe(n))
	return 0
}

// pacingSection is github.pacing as written. Its numbers have ranges, and
// a number out of range gets the message of a wrong kind, naming the
// range, so they decode themselves.
type pacingSection struct {
	MaxInFlight maxInFlight   `yaml:"max_in_flight"`
	PaceBelow   paceBelow     `yaml:"pace_below"`
	Reserve     reserveShare  `yaml:"reserve"`
	MaxWait     time.Duration `yaml:"max_wait"`
}

type (
	maxInFlight  int
	paceBelow    float64
	reserveShare float64
)

func (v *maxInFlight) DecodeStrict(d *strictyaml.Decoder, n *yaml.Node, path string) {
	n = strictyaml.Resolve(n)
	var i int
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || n.Decode(&i) != nil || i < 1 || i > 100 {
		d.Errorf(n, path, "must be a whole number from 1 to 100, got %s", strictyaml.Describe(n))
		return
	}
	*v = maxInFlight(i)
}

func (v *paceBelow) DecodeStrict(d *strictyaml.Decoder, n *yaml.Node, path string) {
	if f, ok := decodeShare(d, n, path, 0, 1, false); ok {
		*v = paceBelow(f)
	}
}

func (v *reserveShare) DecodeStrict(d *strictyaml.Decoder, n *yaml.Node, path string) {
	if f, ok := decodeShare(d, n, path, 0, 0.5, true); ok {
		*v = reserveShare(f)
	}
}

// decodeShare reads a number between lo and hi: above lo (or at it, when
// orLo), at most hi.
func decodeShare(d *strictyaml.Decoder, n *yaml.Node, path string, lo, hi float64, orLo bool) (float64, bool) {
	n = strictyaml.Resolve(n)
	var f float64
	numeric := n.Kind == yaml.ScalarNode && (n.ShortTag() == "!!float" || n.ShortTag() == "!!int") && n.Decode(&f) == nil
	if numeric && (f > lo || orLo && f == lo) && f <= hi {
		return f, true
	}
	from := "above " + strconv.FormatFloat(lo, 'g', -1, 64)
	if orLo {
		from = "from " + strconv.FormatFloat(lo, 'g', -1, 64)
	}
	d.Errorf(n, path, "must be a share %s to %s (0.02 is 2%%), got %s", from, strconv.FormatFloat(hi, 'g', -1, 64), strictyaml.Describe(n))
	return 0, false
}

func (s pacingSection) pacing() Pacing {
	return Pacing{MaxInFlight: int(s.MaxInFlight), PaceBelow: float64(s.PaceBelow), Reserve: float64(s.Reserve), MaxWait: s.MaxWait}
}

// tokenFiles records github.token_files; the files are read by
// moreTokens, once GITHUB_TOKEN and github.token_file are known.
func (p *parser) tokenFiles(files []*string) {
	first := map[string]int{}
	for i, f := range files {
		kp := fmt.Sprintf("github.token_files[%d]", i)
		switch {
		case f == nil: // not a string: the decoder said so
		case *f == "":
			p.errorf(kp, "must not be empty")
		case first[*f] != 0:
			p.errorf(kp, "%s is listed twice (first at line %d)", *f, first[*f])
		default:
			first[*f] = p.lines[kp]
			p.cfg.GitHub.TokenFiles = append(p.cfg.GitHub.TokenFiles, *f)
			p.tokenFileKeys = append(p.tokenFileKeys, kp)
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
		kp := p.tokenFileKeys[i]
		tok, err := p.readToken(name)
		if err != nil {
			p.fail(kp, err)
			continue
		}
		if src, dup := first[tok]; dup {
			p.errorf(kp, "%s holds the same token as %s; list each token once", name, src)
			continue
		}
		first[tok] = kp
		g.Tokens = append(g.Tokens, Secret(tok))
	}
}

// app checks github.app: every key given, the key file an RSA key.
func (p *parser) app(s *appSection) {
	const path = "github.app"
	a := &App{AppID: int64(s.AppID), InstallationID: int64(s.InstallationID)}
	ok := a.AppID > 0 && a.InstallationID > 0
	for _, key := range strictyaml.Keys(s) {
		if _, given := p.lines[path+"."+key]; !given {
			p.failAt(p.lines[path], path+"."+key, errors.New("is required"))
			ok = false
		}
	}
	if s.PrivateKeyFile != nil {
		kp := path + ".private_key_file"
		if *s.PrivateKeyFile == "" {
			p.errorf(kp, "must not be empty")
			ok = false
		} else {
			a.PrivateKeyFile = *s.PrivateKeyFile
			key, err := readPrivateKey(a.PrivateKeyFile)
			if err != nil {
				p.fail(kp, err)
				ok = false
			}
			a.PrivateKey = key
		}
	}
	if ok {
		p.cfg.GitHub.App = a
	}
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
