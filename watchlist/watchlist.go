// Package watchlist resolves the config's watch items — explicit
// repositories, GitHub organisations and users, go.mod files, npm
// manifests and lockfiles, CycloneDX and SPDX SBOMs — into one
// de-duplicated list of GitHub repositories, each with where it came from,
// and reports every dependency it could not map to a repository.
//
// Decisions worth knowing:
//   - Sources combine. A repository reached from several items is watched
//     once; it keeps the highest tier among them (critical > high > normal
//     > low > undeclared) and every owner, sorted and joined with commas
//     ("platform-team,security-team"), so Alertmanager routes can match
//     one team with owner=~"(.*,)?platform-team(,.*)?".
//   - Nothing is dropped silently: a dependency that maps to no GitHub
//     repository is an Unmapped entry with the reason, which the caller
//     logs and exports (fundwatch_watch_unmapped).
//   - Files are read whole and parsed with the ecosystems' own parsers
//     (golang.org/x/mod/modfile, package-url/packageurl-go,
//     CycloneDX/cyclonedx-go); a malformed file is an error naming the
//     config item, the file and, where the format has lines, the line.
//   - Listing an account's repositories is the only source that needs the
//     network. The Resolver keeps each page's ETag, so resolving again
//     costs one conditional request per page, answered 304 (free of quota)
//     when nothing changed.
//   - Mapping is offline. Module paths on vanity hosts not in the built-in
//     table (see VanityHosts) would need an HTTPS fetch of their go-import
//     meta tag and npm registry packages a registry lookup; fundwatch does
//     neither and reports them unmapped instead.
package watchlist

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fundwatch/fundwatch/config"
	"github.com/fundwatch/fundwatch/ghclient"
	"github.com/fundwatch/fundwatch/ghrepo"
	"github.com/fundwatch/fundwatch/internal/userfile"
	"github.com/fundwatch/fundwatch/store"
)

// List is a resolved watch list.
type List struct {
	// Entries are the watched repositories, in the order the watch list
	// first reaches them.
	Entries []Entry
	// Unmapped are the dependencies that map to no GitHub repository, by
	// item, then dependency.
	Unmapped []Unmapped
	// Warnings are problems that did not stop resolving, each naming its
	// item: an account GitHub could not list now, resolved from its last
	// listing; a listing that could not be kept.
	Warnings []string
	// StandIns are the org items GitHub could not list now, resolved
	// from their account's last listing: what the account holds now is
	// not known, so nothing of it may be taken for gone (its git mirrors
	// are not removed).
	StandIns []StandIn
}

// StandIn is an org item resolved from its account's last listing.
type StandIn struct {
	Item    string // the item's key path, "watch[3]"
	Account string // as configured
}

// Entry is one watched repository.
type Entry struct {
	Repo ghrepo.Name
	// Tier is the highest tier among the items reaching it ("" if none
	// declares one).
	Tier string
	// Owners are the owners of those items, sorted, without duplicates.
	Owners []string
	// From lists every item (and dependency) that reached it.
	From []Origin
}

// Owner is the owners joined for the owner label: sorted, comma-separated.
func (e Entry) Owner() string { return strings.Join(e.Owners, ",") }

// Origin is how one item reached a repository.
type Origin struct {
	Item   string `json:"item"`   // the item's key path, "watch[3]"
	Kind   string `json:"kind"`   // config.KindRepo, ...
	Source string `json:"source"` // the item's repository, account or file
	// Dependency is the module, package or component that mapped to the
	// repository ("golang.org/x/net", "lodash", a purl); "" for repo and
	// org items.
	Dependency string `json:"dependency,omitempty"`
	Tier       string `json:"tier,omitempty"`
	Owner      string `json:"owner,omitempty"`
}

// Unmapped is a dependency that maps to no GitHub repository.
type Unmapped struct {
	Item       string `json:"item"`
	Kind       string `json:"kind"`
	Source     string `json:"source"`
	Dependency string `json:"dependency"`
	Reason     string `json:"reason"`
}

// SourceLabel is the value of the source label of the unmapped metrics:
// "kind:file", bounded by the watch list.
func (u Unmapped) SourceLabel() string { return u.Kind + ":" + u.Source }

// Repos returns the watched repositories in order.
func (l *List) Repos() []ghrepo.Name {
	out := make([]ghrepo.Name, len(l.Entries))
	for i, e := range l.Entries {
		out[i] = e.Repo
	}
	return out
}

// Resolver resolves watch lists. It keeps the ETags and contents of the
// account listings it fetched, so resolving again is cheap; use one
// Resolver for the life of the process. It is safe for concurrent use.
type Resolver struct {
	// GH lists accounts' repositories; nil makes org items an error.
	GH *ghclient.Client
	// Config names the config file in errors ("fundwatch.yaml").
	Config string
	// Listings, if set, keeps each account's last complete listing, which
	// stands in when GitHub cannot list the account (unreachable, the
	// budget spent), across restarts.
	Listings ListingStore

	mu    sync.Mutex
	pages map[string]page // by account listing URL and page number
	kinds map[string]string
	files map[fileKey]fileDeps
}

// fileKey is what makes a parsed file reusable: the same file, read the
// same way, unchanged in size and modification time (and, for npm, its
// node_modules folder unchanged too).
type fileKey struct {
	path, kind string
	indirect   bool
}

type fileDeps struct {
	size             int64
	mtime, nodeMtime time.Time
	deps             []dep
}

// fileDeps parses a go.mod, npm or SBOM file, or returns what the last
// parse of it gave when it has not changed since: serve re-resolves the
// watch list every hour, and a 200 MB lockfile took minutes and a GiB
// each time.
func (r *Resolver) fileDeps(it config.WatchItem, kind string) ([]dep, error) {
	key := fileKey{path: it.Path, kind: kind, indirect: !it.ExcludeIndirect}
	st, statErr := os.Stat(it.Path)
	var nodeMtime time.Time
	if kind == config.KindNPM {
		if nst, err := os.Stat(filepath.Join(filepath.Dir(it.Path), "node_modules")); err == nil {
			nodeMtime = nst.ModTime()
		}
	}
	if statErr == nil {
		r.mu.Lock()
		c, ok := r.files[key]
		r.mu.Unlock()
		if ok && c.size == st.Size() && c.mtime.Equal(st.ModTime()) && c.nodeMtime.Equal(nodeMtime) {
			return c.deps, nil
		}
	}
	data, err := userfile.Read(it.Path, MaxSourceBytes)
	if err != nil {
		return nil, err
	}
	if err := checkUTF8(it.Path, data); err != nil {
		return nil, err
	}
	var deps []dep
	switch kind {
	case config.KindGoMod:
		deps, err = goModDeps(it.Path, data, !it.ExcludeIndirect)
	case config.KindNPM:
		deps, err = npmDeps(it.Path, data)
	case config.KindSBOM:
		deps, err = sbomDeps(it.Path, data)
	}
	if err != nil {
		return nil, err
	}
	if statErr == nil {
		r.mu.Lock()
		if r.files == nil {
			r.files = map[fileKey]fileDeps{}
		}
		r.files[key] = fileDeps{size: st.Size(), mtime: st.ModTime(), nodeMtime: nodeMtime, deps: deps}
		r.mu.Unlock()
	}
	return deps, nil
}

// ListingStore keeps account listings; *store.Store is one.
type ListingStore interface {
	SetAccountListing(ctx context.Context, l store.AccountListing) error
	AccountListingOf(ctx context.Context, account string) (store.AccountListing, bool, error)
}

// MaxSourceBytes caps a go.mod, manifest, lockfile or SBOM: large
// monorepo lockfiles reach tens of MiB.
const MaxSourceBytes = 256 << 20

// dep is one dependency a file lists and where it may live.
type dep struct {
	name   string      // as the file names it: module path, package name, purl
	repo   ghrepo.Name // zero when unmapped
	reason string      // why it is unmapped
}

// Resolve turns watch items into a List. It fails on the first item it
// cannot read (a malformed file, an account that does not exist, GitHub
// unreachable), naming the item, the file and the line.
func (r *Resolver) Resolve(ctx context.Context, items []config.WatchItem) (*List, error) {
	b := builder{index: map[string]int{}}
	for _, it := range items {
		kind := it.Kind
		if kind == "" {
			kind = config.KindRepo
		}
		o := Origin{Item: it.Key, Kind: kind, Source: it.Source(), Tier: it.Tier, Owner: it.Owner}
		switch kind {
		case config.KindRepo:
			b.add(it.Repo, o)
			continue
		case config.KindOrg:
			repos, warning, standIn, err := r.account(ctx, it)
			if err != nil {
				return nil, r.itemError(it, kind, err)
			}
			if standIn {
				b.list.StandIns = append(b.list.StandIns, StandIn{Item: it.Key, Account: it.Account})
			}
			if warning != "" {
				b.list.Warnings = append(b.list.Warnings, r.itemError(it, kind, errors.New(warning)).Error())
			}
			for _, n := range repos {
				b.add(n, o)
			}
			continue
		case config.KindGoMod, config.KindNPM, config.KindSBOM:
		default:
			return nil, r.itemError(it, kind, fmt.Errorf("unknown kind %q (known: %s)", kind, strings.Join(config.WatchKinds, ", ")))
		}
		deps, err := r.fileDeps(it, kind)
		if err != nil {
			return nil, r.itemError(it, kind, err)
		}
		// One dependency per name; where a file lists a name several
		// times (npm installs several versions), a mapped one wins.
		best := map[string]int{}
		var uniq []dep
		for _, d := range deps {
			i, ok := best[d.name]
			switch {
			case !ok:
				best[d.name] = len(uniq)
				uniq = append(uniq, d)
			case uniq[i].repo == (ghrepo.Name{}) && d.repo != (ghrepo.Name{}):
				uniq[i] = d
			}
		}
		var unmapped []Unmapped
		for _, d := range uniq {
			if d.repo == (ghrepo.Name{}) {
				unmapped = append(unmapped, Unmapped{Item: it.Key, Kind: kind, Source: o.Source, Dependency: d.name, Reason: d.reason})
				continue
			}
			od := o
			od.Dependency = d.name
			b.add(d.repo, od)
		}
		slices.SortFunc(unmapped, func(a, c Unmapped) int { return cmp.Compare(a.Dependency, c.Dependency) })
		b.list.Unmapped = append(b.list.Unmapped, unmapped...)
	}
	for i := range b.list.Entries {
		e := &b.list.Entries[i]
		slices.Sort(e.Owners)
		e.Owners = slices.Compact(e.Owners)
	}
	return &b.list, nil
}

func (r *Resolver) itemError(it config.WatchItem, kind string, err error) error {
	src := r.Config
	if src == "" {
		src = "<config>"
	}
	return &config.Error{File: src, Line: it.Line, Key: it.Key + "." + kind, Err: err}
}

type builder struct {
	list  List
	index map[string]int // by ghrepo.Name.Key
}

func (b *builder) add(n ghrepo.Name, o Origin) {
	i, ok := b.index[n.Key()]
	if !ok {
		i = len(b.list.Entries)
		b.index[n.Key()] = i
		b.list.Entries = append(b.list.Entries, Entry{Repo: n})
	}
	e := &b.list.Entries[i]
	if tierRank(o.Tier) > tierRank(e.Tier) {
		e.Tier = o.Tier
	}
	if o.Owner != "" {
		e.Owners = append(e.Owners, o.Owner)
	}
	// One origin per item and dependency: an org listing a repository
	// twice (across pages that shifted) is still one origin.
	for _, have := range e.From {
		if have.Item == o.Item && have.Dependency == o.Dependency {
			return
		}
	}
	e.From = append(e.From, o)
}

// tierRank orders tiers: critical highest, undeclared lowest.
func tierRank(t string) int {
	if i := slices.Index(config.Tiers, t); i >= 0 {
		return len(config.Tiers) - i
	}
	return 0
}

// Diff says which unmapped dependencies of next were not in prev, so a
// periodic re-resolution logs each once rather than every hour.
func Diff(prev, next []Unmapped) []Unmapped {
	had := map[Unmapped]bool{}
	for _, u := range prev {
		had[u] = true
	}
	var out []Unmapped
	for _, u := range next {
		if !had[u] {
			out = append(out, u)
		}
	}
	return out
}
