package watchlist

import (
	"fmt"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"

	"github.com/fundwatch/fundwatch/ghrepo"
)

// goModDeps lists a go.mod file's requirements with the repository of
// each. A replace directive applies before mapping: "old => new v1.2.3"
// maps new's path; a replacement by a local directory ("=> ../fork") has no
// repository to watch and is reported unmapped. The module itself is not a
// dependency.
func goModDeps(path string, data []byte, indirect bool) ([]dep, error) {
	f, err := modfile.Parse(path, data, nil)
	if err != nil {
		// modfile's errors already read "path:line: what is wrong".
		return nil, err
	}
	var out []dep
	for _, req := range f.Require {
		if req.Indirect && !indirect {
			continue
		}
		mod := req.Mod
		name := mod.Path
		if rep := replacement(f, mod); rep != nil {
			if rep.New.Version == "" {
				out = append(out, dep{name: name, reason: fmt.Sprintf("replaced by the local directory %s (go.mod line %d)", rep.New.Path, rep.Syntax.Start.Line)})
				continue
			}
			name = mod.Path + " => " + rep.New.Path
			mod = rep.New
		}
		n, reason := ModuleRepo(mod.Path)
		out = append(out, dep{name: name, repo: n, reason: reason})
	}
	return out, nil
}

// replacement returns the replace directive that applies to mod: one for
// exactly its version wins over one for every version, as in cmd/go.
func replacement(f *modfile.File, mod module.Version) *modfile.Replace {
	var any *modfile.Replace
	for _, r := range f.Replace {
		if r.Old.Path != mod.Path {
			continue
		}
		if r.Old.Version == mod.Version {
			return r
		}
		if r.Old.Version == "" {
			any = r
		}
	}
	return any
}

// Vanity maps module paths on a host other than github.com to their GitHub
// repository. Prefix matches whole path elements; Repo is "owner/name", or
// "owner/*" to take the name from the element after the prefix.
type Vanity struct {
	Prefix, Repo string
}

// VanityHosts is the built-in table of well-known module paths whose code
// lives on GitHub under another name. It only holds mappings that are
// stable and public; anything else on a vanity host is reported unmapped
// (resolving it would need the go-import meta tag fetched over HTTPS).
// The docs list it; treat as constant.
var VanityHosts = []Vanity{
	{"golang.org/x", "golang/*"},
	{"google.golang.org/grpc", "grpc/grpc-go"},
	{"google.golang.org/protobuf", "protocolbuffers/protobuf-go"},
	{"google.golang.org/genproto", "googleapis/go-genproto"},
	{"google.golang.org/api", "googleapis/google-api-go-client"},
	{"google.golang.org/appengine", "golang/appengine"},
	{"cloud.google.com/go", "googleapis/google-cloud-go"},
	{"gopkg.in", "go-PKG/PKG for gopkg.in/PKG.vN, USER/PKG for gopkg.in/USER/PKG.vN"},
	{"k8s.io", "kubernetes/*"},
	{"sigs.k8s.io", "kubernetes-sigs/*"},
	{"go.uber.org", "uber-go/*"},
	{"go.opentelemetry.io/otel", "open-telemetry/opentelemetry-go"},
	{"go.opentelemetry.io/contrib", "open-telemetry/opentelemetry-go-contrib"},
	{"go.opentelemetry.io/proto/otlp", "open-telemetry/opentelemetry-proto-go"},
	{"go.opentelemetry.io/collector", "open-telemetry/opentelemetry-collector"},
	{"go.opentelemetry.io/auto", "open-telemetry/opentelemetry-go-instrumentation"},
	{"honnef.co/go/tools", "dominikh/go-tools"},
	{"go.etcd.io/etcd", "etcd-io/etcd"},
	{"go.etcd.io/bbolt", "etcd-io/bbolt"},
	{"go.etcd.io/raft", "etcd-io/raft"},
	{"go.yaml.in/yaml", "yaml/go-yaml"},
	{"go.mongodb.org/mongo-driver", "mongodb/mongo-go-driver"},
	{"go.starlark.net", "google/starlark-go"},
	{"gotest.tools", "gotestyourself/gotest.tools"},
	{"gocloud.dev", "google/go-cloud"},
	{"gvisor.dev/gvisor", "google/gvisor"},
	{"gonum.org/v1", "gonum/*"},
	{"mvdan.cc", "mvdan/*"},
	{"rsc.io", "rsc/*"},
	{"filippo.io", "FiloSottile/*"},
	{"dario.cat/mergo", "darccio/mergo"},
	{"cel.dev/expr", "google/cel-spec"},
	{"tailscale.com", "tailscale/tailscale"},
}

// otherForges host Go modules outside GitHub: a module there has no
// GitHub repository to watch.
var otherForges = map[string]string{
	"gitlab.com":          "gitlab.com",
	"bitbucket.org":       "bitbucket.org",
	"codeberg.org":        "codeberg.org",
	"git.sr.ht":           "git.sr.ht",
	"gitea.com":           "gitea.com",
	"go.googlesource.com": "go.googlesource.com",
	"modernc.org":         "gitlab.com/cznic",
}

// ModuleRepo maps a Go module path to its GitHub repository:
// github.com/owner/name[/sub/dir][/vN] directly, well-known vanity paths
// through VanityHosts. When it cannot, the name is zero and reason says why.
func ModuleRepo(path string) (ghrepo.Name, string) {
	if strings.HasPrefix(path, "github.com/") {
		if n, ok := ghrepo.FromURL(path); ok {
			return n, ""
		}
		return ghrepo.Name{}, "not a valid github.com/owner/name module path"
	}
	for _, v := range VanityHosts {
		rest, ok := cutElems(path, v.Prefix)
		if !ok {
			continue
		}
		if v.Prefix == "gopkg.in" {
			return gopkgIn(rest)
		}
		repo := v.Repo
		if strings.HasSuffix(repo, "/*") {
			elem, _, _ := strings.Cut(rest, "/")
			if elem == "" {
				return ghrepo.Name{}, "names only the host " + v.Prefix + ", not a module under it"
			}
			repo = strings.TrimSuffix(repo, "*") + elem
		}
		if n, err := ghrepo.Parse(repo); err == nil {
			return n, ""
		}
		return ghrepo.Name{}, fmt.Sprintf("maps to %q, which is not a repository name", repo)
	}
	host, _, _ := strings.Cut(path, "/")
	if where, ok := otherForges[host]; ok {
		return ghrepo.Name{}, "hosted on " + where + ", not GitHub"
	}
	if !strings.Contains(host, ".") {
		return ghrepo.Name{}, "not a module path on a network host (a local or standard-library path)"
	}
	return ghrepo.Name{}, "vanity import path not in the built-in table: finding its repository needs the go-import meta tag of https://" + path + "?go-get=1, which fundwatch does not fetch"
}

// cutElems reports whether path is prefix or lies under it, and returns
// the rest after "prefix/".
func cutElems(path, prefix string) (string, bool) {
	if path == prefix {
		return "", true
	}
	if strings.HasPrefix(path, prefix+"/") {
		return path[len(prefix)+1:], true
	}
	return "", false
}

// gopkgIn maps gopkg.in paths (after "gopkg.in/") as gopkg.in redirects
// them: "pkg.vN" to go-pkg/pkg, "user/pkg.vN" to user/pkg.
func gopkgIn(rest string) (ghrepo.Name, string) {
	elems := strings.Split(rest, "/")
	strip := func(s string) (string, bool) {
		i := strings.LastIndex(s, ".v")
		if i <= 0 {
			return "", false
		}
		for _, r := range s[i+2:] {
			if r < '0' || r > '9' {
				return "", false
			}
		}
		return s[:i], len(s) > i+2
	}
	var repo string
	if pkg, ok := strip(elems[0]); ok {
		repo = "go-" + pkg + "/" + pkg
	} else if len(elems) >= 2 {
		if pkg, ok := strip(elems[1]); ok {
			repo = elems[0] + "/" + pkg
		}
	}
	if n, err := ghrepo.Parse(repo); err == nil && repo != "" {
		return n, ""
	}
	return ghrepo.Name{}, "not a gopkg.in/pkg.vN or gopkg.in/user/pkg.vN path"
}
