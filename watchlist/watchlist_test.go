package watchlist

import (
	"context"
	"database/sql"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/config"
	"github.com/fundwatch/fundwatch/ghclient"
	"github.com/fundwatch/fundwatch/ghrepo"
	"github.com/fundwatch/fundwatch/githubfake"
	"github.com/fundwatch/fundwatch/githubfake/scenario"
	"github.com/fundwatch/fundwatch/store"
)

func resolveOne(t *testing.T, it config.WatchItem) *List {
	t.Helper()
	if it.Key == "" {
		it.Key, it.Line = "watch[0]", 1
	}
	l, err := (&Resolver{Config: "fundwatch.yaml"}).Resolve(context.Background(), []config.WatchItem{it})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// mapped returns "repo <- dependency" lines, sorted.
func mapped(l *List) []string {
	var out []string
	for _, e := range l.Entries {
		for _, o := range e.From {
			out = append(out, e.Repo.String()+" <- "+o.Dependency)
		}
	}
	slices.Sort(out)
	return out
}

func unmapped(l *List) []string {
	var out []string
	for _, u := range l.Unmapped {
		out = append(out, u.Dependency)
	}
	return out
}

func check(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got %q\nwant %q", what, got, want)
	}
}

func TestGoMod(t *testing.T) {
	t.Parallel()
	direct := []string{
		"Azure/azure-sdk-for-go <- github.com/Azure/azure-sdk-for-go/sdk/azcore", // subdirectory module
		"dominikh/go-tools <- honnef.co/go/tools",
		"go-yaml/yaml <- gopkg.in/yaml.v3",
		"golang/net <- golang.org/x/net", // the version-specific replace does not apply
		"golang/sync <- golang.org/x/sync",
		"grpc/grpc-go <- google.golang.org/grpc",
		"jackc/pgx <- github.com/jackc/pgx/v5", // major version suffix
		"kubernetes-sigs/controller-runtime <- sigs.k8s.io/controller-runtime",
		"kubernetes/client-go <- k8s.io/client-go",
		"open-telemetry/opentelemetry-go <- go.opentelemetry.io/otel/trace",
		"payments-oss/logrus <- github.com/sirupsen/logrus => github.com/payments-oss/logrus", // replaced by a fork
		"prometheus/client_golang <- github.com/prometheus/client_golang",
		"protocolbuffers/protobuf-go <- google.golang.org/protobuf",
		"spf13/cobra <- github.com/spf13/cobra",
		"uber-go/zap <- go.uber.org/zap",
	}
	indirect := []string{
		"beorn7/perks <- github.com/beorn7/perks",
		"cespare/xxhash <- github.com/cespare/xxhash/v2",
		"googleapis/go-genproto <- google.golang.org/genproto/googleapis/rpc",
		"kubernetes/klog <- k8s.io/klog/v2",
		"natefinch/lumberjack <- gopkg.in/natefinch/lumberjack.v2",
		"spf13/pflag <- github.com/spf13/pflag",
		"uber-go/multierr <- go.uber.org/multierr",
	}
	l := resolveOne(t, config.WatchItem{Kind: config.KindGoMod, Path: "testdata/gomod/go.mod"})
	all := slices.Concat(direct, indirect)
	slices.Sort(all)
	check(t, "mapped", mapped(l), all)
	check(t, "unmapped", unmapped(l), []string{
		"github.com/old/unmaintained", // replaced by a local directory
		"gitlab.com/golang-commonmark/markdown",
		"go.example.org/internal/auth",
		"modernc.org/sqlite",
	})
	for _, u := range l.Unmapped {
		if u.Reason == "" || u.Item != "watch[0]" || u.Kind != "gomod" || u.SourceLabel() != "gomod:testdata/gomod/go.mod" {
			t.Errorf("unmapped %+v", u)
		}
	}

	l = resolveOne(t, config.WatchItem{Kind: config.KindGoMod, Path: "testdata/gomod/go.mod", ExcludeIndirect: true})
	check(t, "mapped without indirect", mapped(l), direct)
	check(t, "unmapped without indirect", unmapped(l), []string{"github.com/old/unmaintained", "go.example.org/internal/auth", "modernc.org/sqlite"})
}

func TestModuleRepo(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ path, want string }{
		{"github.com/google/go-github/v60", "google/go-github"},
		{"github.com/aws/aws-sdk-go-v2/service/s3", "aws/aws-sdk-go-v2"},
		{"golang.org/x/tools/gopls", "golang/tools"},
		{"google.golang.org/genproto/googleapis/api", "googleapis/go-genproto"},
		{"google.golang.org/api", "googleapis/google-api-go-client"},
		{"cloud.google.com/go/storage", "googleapis/google-cloud-go"},
		{"gopkg.in/yaml.v2", "go-yaml/yaml"},
		{"gopkg.in/check.v1", "go-check/check"},
		{"gopkg.in/natefinch/lumberjack.v2", "natefinch/lumberjack"},
		{"k8s.io/apimachinery", "kubernetes/apimachinery"},
		{"sigs.k8s.io/structured-merge-diff/v4", "kubernetes-sigs/structured-merge-diff"},
		{"go.uber.org/goleak", "uber-go/goleak"},
		{"go.opentelemetry.io/otel", "open-telemetry/opentelemetry-go"},
		{"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp", "open-telemetry/opentelemetry-go-contrib"},
		{"go.opentelemetry.io/proto/otlp", "open-telemetry/opentelemetry-proto-go"},
		{"honnef.co/go/tools", "dominikh/go-tools"},
		{"go.etcd.io/etcd/client/v3", "etcd-io/etcd"},
		{"go.yaml.in/yaml/v3", "yaml/go-yaml"},
		{"mvdan.cc/sh/v3", "mvdan/sh"},
		{"filippo.io/edwards25519", "FiloSottile/edwards25519"},
		{"gonum.org/v1/gonum", "gonum/gonum"},
		{"gopkg.in/v1", ""},
		{"golang.org/x", ""},
		{"k8s.io", ""},
		{"bitbucket.org/creachadair/shell", ""},
		{"go.googlesource.com/go", ""},
		{"example.com/internal/x", ""},
		{"mymodule/local", ""},
		{"github.com/onlyowner", ""},
	} {
		n, reason := ModuleRepo(tt.path)
		got := ""
		if n != (ghrepo.Name{}) {
			got = n.String()
		}
		if got != tt.want || (got == "") != (reason != "") {
			t.Errorf("ModuleRepo(%q) = %q, %q; want %q", tt.path, got, reason, tt.want)
		}
	}
	// Every table entry maps its own prefix (with an element when it
	// takes one) to a valid repository.
	for _, v := range VanityHosts {
		p := v.Prefix
		if strings.HasSuffix(v.Repo, "/*") {
			p += "/something"
		}
		if v.Prefix == "gopkg.in" {
			p += "/pkg.v1"
		}
		if n, reason := ModuleRepo(p); reason != "" || n == (ghrepo.Name{}) {
			t.Errorf("table entry %s: ModuleRepo(%q) = %v, %q", v.Prefix, p, n, reason)
		}
	}
}

func TestNPMLockfile(t *testing.T) {
	t.Parallel()
	l := resolveOne(t, config.WatchItem{Kind: config.KindNPM, Path: "testdata/npm/package-lock.json"})
	check(t, "mapped", mapped(l), []string{
		"babel/babel <- @babel/core",    // installed package.json, repository object
		"expressjs/express <- express",  // installed package.json, "user/repo" shorthand
		"left-pad/left-pad <- left-pad", // resolved git+ssh://git@github.com/...; its registry alias is the same package
		"lodash/lodash <- lodash",       // installed package.json, git+https URL
		"vercel/ms <- ms",               // two versions; the installed top-level one maps
	})
	check(t, "unmapped", unmapped(l), []string{"debug", "internal-lib"})
	if !strings.Contains(l.Unmapped[1].Reason, "not on GitHub") {
		t.Errorf("internal-lib: %q", l.Unmapped[1].Reason)
	}
}

func TestNPMManifest(t *testing.T) {
	t.Parallel()
	l := resolveOne(t, config.WatchItem{Kind: config.KindNPM, Path: "testdata/npm/package.json"})
	check(t, "mapped", mapped(l), []string{
		"babel/babel <- @babel/core",
		"expressjs/express <- express",
		"jonschlinkert/is-even <- is-even", // "user/repo"
		"left-pad/left-pad <- left-pad",    // github:user/repo#tag
		"lodash/lodash <- lodash",
		"prettier/prettier <- prettier", // git@github.com:user/repo.git#tag
		"vercel/ms <- ms",
	})
	// Workspace and file: dependencies are your own code: left out.
	check(t, "unmapped", unmapped(l), []string{"internal-lib", "react"})
	if !strings.Contains(l.Unmapped[1].Reason, "does not query the npm registry") {
		t.Errorf("react: %q", l.Unmapped[1].Reason)
	}
}

func TestNPMLockfileV1(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	lock := filepath.Join(dir, "package-lock.json")
	write(t, lock, `{"name": "old", "lockfileVersion": 1, "dependencies": {
  "minimist": {"version": "git+https://github.com/minimistjs/minimist.git#abc", "from": "git+https://github.com/minimistjs/minimist.git"},
  "mkdirp": {"version": "0.5.6", "resolved": "https://registry.npmjs.org/mkdirp/-/mkdirp-0.5.6.tgz",
    "dependencies": {"minimist": {"version": "1.2.8", "resolved": "https://registry.npmjs.org/minimist/-/minimist-1.2.8.tgz"}}}
}}`)
	l := resolveOne(t, config.WatchItem{Kind: config.KindNPM, Path: lock})
	check(t, "mapped", mapped(l), []string{"minimistjs/minimist <- minimist"})
	check(t, "unmapped", unmapped(l), []string{"mkdirp"})
}

func TestCycloneDX(t *testing.T) {
	t.Parallel()
	l := resolveOne(t, config.WatchItem{Kind: config.KindSBOM, Path: "testdata/sbom/cyclonedx.json"})
	check(t, "mapped", mapped(l), []string{
		"babel/babel <- pkg:npm/%40babel/core",            // vcs external reference
		"curl/curl <- pkg:github/curl/curl",               // pkg:github
		"golang/net <- pkg:golang/golang.org/x/net",       // pkg:golang, vanity table
		"jackc/pgx <- pkg:golang/github.com/jackc/pgx/v5", // pkg:golang, /vN
		"left-pad/left-pad <- pkg:npm/left-pad",           // vcs_url qualifier
		"madler/zlib <- pkg:generic/zlib",                 // vcs_url qualifier
		"prometheus/client_golang <- pkg:golang/github.com/prometheus/client_golang",
		"psf/requests <- pkg:pypi/requests",                // vcs external reference
		"spf13/cobra <- pkg:golang/github.com/spf13/cobra", // nested component
	})
	// The metadata component (the subject), files and the OS are not
	// dependencies.
	check(t, "unmapped", unmapped(l), []string{
		"cli-bundle",
		"pkg:golang/modernc.org/sqlite",
		"pkg:maven/org.apache.commons/commons-lang3",
		"pkg:npm/react",
	})
}

func TestSPDX(t *testing.T) {
	t.Parallel()
	l := resolveOne(t, config.WatchItem{Kind: config.KindSBOM, Path: "testdata/sbom/spdx.json"})
	check(t, "mapped", mapped(l), []string{
		"chalk/chalk <- pkg:npm/chalk",                // homepage on GitHub
		"curl/curl <- pkg:github/curl/curl",           // purl external ref
		"golang/text <- pkg:golang/golang.org/x/text", // purl, vanity table
		"madler/zlib <- zlib",                         // downloadLocation git+https://github.com/...@v1.3.1
	})
	// The described package (storefront itself) is not a dependency.
	check(t, "unmapped", unmapped(l), []string{"pkg:generic/openssl", "pkg:npm/%40types/node", "pkg:npm/express"})
}

func TestCombine(t *testing.T) {
	t.Parallel()
	items := []config.WatchItem{
		{Kind: config.KindRepo, Repo: ghrepo.MustParse("Prometheus/Client_Golang"), Tier: "normal", Key: "watch[0]", Line: 2},
		{Kind: config.KindGoMod, Path: "testdata/gomod/go.mod", Tier: "critical", Owner: "platform-team", Key: "watch[1]", Line: 3},
		{Kind: config.KindSBOM, Path: "testdata/sbom/cyclonedx.json", Tier: "low", Owner: "security-team", Key: "watch[2]", Line: 6},
		{Kind: config.KindSBOM, Path: "testdata/sbom/spdx.json", Owner: "platform-team", Key: "watch[3]", Line: 9},
		{Repo: ghrepo.MustParse("madler/zlib"), Key: "watch[4]", Line: 12}, // Kind "" is a repo item
	}
	l, err := (&Resolver{}).Resolve(context.Background(), items)
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string]Entry{}
	for _, e := range l.Entries {
		if _, dup := byKey[e.Repo.Key()]; dup {
			t.Errorf("%s listed twice", e.Repo)
		}
		byKey[e.Repo.Key()] = e
	}
	if l.Entries[0].Repo.String() != "Prometheus/Client_Golang" {
		t.Errorf("first entry %s: the first item to reach a repository names it", l.Entries[0].Repo)
	}
	for _, tt := range []struct {
		repo, tier, owner string
		from              []string
	}{
		{"prometheus/client_golang", "critical", "platform-team,security-team", []string{"watch[0]", "watch[1]", "watch[2]"}},
		{"madler/zlib", "low", "platform-team,security-team", []string{"watch[2]", "watch[3]", "watch[4]"}},
		{"curl/curl", "low", "platform-team,security-team", []string{"watch[2]", "watch[3]"}},
		{"golang/sync", "critical", "platform-team", []string{"watch[1]"}},
		{"golang/text", "", "platform-team", []string{"watch[3]"}},
	} {
		e, ok := byKey[tt.repo]
		if !ok {
			t.Errorf("%s not watched", tt.repo)
			continue
		}
		var from []string
		for _, o := range e.From {
			from = append(from, o.Item)
		}
		if e.Tier != tt.tier || e.Owner() != tt.owner || !slices.Equal(from, tt.from) {
			t.Errorf("%s: tier %q owner %q from %v; want %q %q %v", tt.repo, e.Tier, e.Owner(), from, tt.tier, tt.owner, tt.from)
		}
	}
	// Unmapped are grouped by item, in watch-list order.
	var items2 []string
	for _, u := range l.Unmapped {
		if len(items2) == 0 || items2[len(items2)-1] != u.Item {
			items2 = append(items2, u.Item)
		}
	}
	check(t, "unmapped items", items2, []string{"watch[1]", "watch[2]", "watch[3]"})
	if got := Diff(l.Unmapped[:2], l.Unmapped); len(got) != len(l.Unmapped)-2 {
		t.Errorf("Diff = %v", got)
	}
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	v9 := filepath.Join(dir, "package-lock.json")
	write(t, v9, `{"lockfileVersion": 9}`)
	// One bad byte in a require path: refused at the input, not watched
	// (nor exported) under a name nobody wrote.
	badByte := filepath.Join(dir, "go.mod")
	write(t, badByte, "module example.com/m\n\ngo 1.22\n\nrequire (\n\tgithub.com/a/b v1.0.0\n\tgithub.com/c/d\xff v1.0.0\n)\n")
	badLock := filepath.Join(dir, "bad-utf8-lock.json")
	write(t, badLock, "{\n  \"lockfileVersion\": 3,\n  \"packages\": {\"node_modules/l\xc3\": {}}\n}\n")
	for _, tt := range []struct {
		kind, path, want string
	}{
		{"gomod", "testdata/bad/go.mod", "fundwatch.yaml:7: watch[2].gomod: testdata/bad/go.mod:7:2: usage: require module/path v1.2.3"},
		{"gomod", "testdata/missing/go.mod", "fundwatch.yaml:7: watch[2].gomod: testdata/missing/go.mod: no such file or directory"},
		{"npm", "testdata/bad/package-lock.json", "fundwatch.yaml:7: watch[2].npm: testdata/bad/package-lock.json:5: malformed JSON: invalid character '}'"},
		{"npm", v9, "package-lock.json: lockfileVersion 9 is not one fundwatch reads (1, 2 or 3)"},
		{"npm", "testdata/sbom/spdx.json", ""}, // a JSON object without dependencies is an empty package.json
		{"sbom", "testdata/bad/cyclonedx.json", "fundwatch.yaml:7: watch[2].sbom: testdata/bad/cyclonedx.json:5: malformed JSON: components.name: want a string, got number"},
		{"sbom", "testdata/bad/spdx.json", "fundwatch.yaml:7: watch[2].sbom: testdata/bad/spdx.json:3: malformed JSON: packages: want a list, got object"},
		{"sbom", "testdata/bad/unknown-sbom.json", "testdata/bad/unknown-sbom.json: neither a CycloneDX SBOM (bomFormat: CycloneDX) nor an SPDX JSON document"},
		{"sbom", "testdata/gomod/go.mod", "fundwatch.yaml:7: watch[2].sbom: testdata/gomod/go.mod:1: malformed JSON: invalid character 'm'"},
		{"cargo", "Cargo.lock", `watch[2].cargo: unknown kind "cargo"`},
		{"gomod", badByte, "watch[2].gomod: " + badByte + ":7:16: byte 0xff is not valid UTF-8"},
		{"npm", badLock, "watch[2].npm: " + badLock + ":3:31: byte 0xc3 is not valid UTF-8"},
	} {
		it := config.WatchItem{Kind: tt.kind, Path: tt.path, Key: "watch[2]", Line: 7}
		_, err := (&Resolver{Config: "fundwatch.yaml"}).Resolve(context.Background(), []config.WatchItem{it})
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s %s: %v", tt.kind, tt.path, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s %s: error %v\nwant it to contain %q", tt.kind, tt.path, err, tt.want)
		}
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

var end = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

// orgWorld has an organisation with more than a page of repositories, a
// fork and an archived one among them, and a user with one repository.
func orgWorld() *scenario.World {
	w := &scenario.World{Name: "orgs", End: end, Users: map[string]*scenario.User{}}
	for i, login := range []string{"acme", "bob"} {
		typ := "Organization"
		if login == "bob" {
			typ = "User"
		}
		w.Users[login] = &scenario.User{Login: login, ID: int64(i + 1), Type: typ, CreatedAt: end.AddDate(-5, 0, 0)}
	}
	add := func(owner, name string, f func(*scenario.Repo)) {
		r := &scenario.Repo{Owner: owner, Name: name, ID: int64(1000 + len(w.Repos)), DefaultBranch: "main", CreatedAt: end.AddDate(-2, 0, -len(w.Repos))}
		if f != nil {
			f(r)
		}
		w.Repos = append(w.Repos, r)
	}
	for i := range 120 {
		add("acme", fmt.Sprintf("lib%03d", i), nil)
	}
	add("acme", "fork-of-curl", func(r *scenario.Repo) { r.Fork = true })
	add("acme", "old", func(r *scenario.Repo) { r.Archived, r.ArchivedAt = true, end.AddDate(-1, 0, 0) })
	add("bob", "tool", nil)
	slices.SortFunc(w.Repos, func(a, b *scenario.Repo) int { return strings.Compare(a.FullName(), b.FullName()) })
	return w
}

func TestOrgThroughTheAPI(t *testing.T) {
	t.Parallel()
	fake := githubfake.New(orgWorld(), githubfake.Options{})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	gh, err := ghclient.New(ghclient.Options{BaseURL: srv.URL + "/", Token: "test-token"})
	if err != nil {
		t.Fatal(err)
	}
	r := &Resolver{GH: gh, Config: "fundwatch.yaml"}
	items := []config.WatchItem{
		{Kind: config.KindOrg, Account: "acme", Owner: "platform-team", Key: "watch[0]", Line: 2},
		{Kind: config.KindOrg, Account: "Bob", Key: "watch[1]", Line: 4}, // a user, not an organisation
	}
	ctx := context.Background()
	l, err := r.Resolve(ctx, items)
	if err != nil {
		t.Fatal(err)
	}
	names := func(l *List) []string {
		var out []string
		for _, n := range l.Repos() {
			out = append(out, n.String())
		}
		slices.Sort(out)
		return out
	}
	got := names(l)
	if len(got) != 121 || slices.Contains(got, "acme/fork-of-curl") || slices.Contains(got, "acme/old") || !slices.Contains(got, "bob/tool") {
		t.Errorf("resolved %d repositories: %v", len(got), got)
	}
	// Two pages for acme, one 404 and one page for bob.
	if n := fake.Count("/orgs/{org}/repos", 200); n != 2 {
		t.Errorf("first resolution: %d pages of /orgs/{org}/repos, want 2", n)
	}
	if n := fake.Count("/users/{username}/repos", 200); n != 1 {
		t.Errorf("first resolution: %d pages of /users/{username}/repos, want 1", n)
	}

	// Again: one conditional request per page, all 304; bob is now known
	// to be a user.
	fake.ResetCounts()
	if l, err = r.Resolve(ctx, items); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(names(l), got) {
		t.Errorf("second resolution differs: %v", names(l))
	}
	var calls []string
	for _, c := range fake.Requests() {
		calls = append(calls, fmt.Sprintf("%s %d x%d", c.Route, c.Status, c.Count))
	}
	check(t, "second resolution's requests", calls, []string{"/orgs/{org}/repos 304 x2", "/users/{username}/repos 304 x1"})

	// Options: forks and archived.
	items[0].Forks, items[0].Archived = true, true
	if l, err = r.Resolve(ctx, items); err != nil {
		t.Fatal(err)
	}
	if got := names(l); len(got) != 123 {
		t.Errorf("with forks and archived: %d repositories", len(got))
	}

	// An account that does not exist, and no API at all.
	_, err = r.Resolve(ctx, []config.WatchItem{{Kind: config.KindOrg, Account: "nobody", Key: "watch[5]", Line: 9}})
	if err == nil || err.Error() != `fundwatch.yaml:9: watch[5].org: no GitHub organisation or user "nobody"` {
		t.Errorf("missing account: %v", err)
	}
	_, err = (&Resolver{}).Resolve(ctx, items[:1])
	if err == nil || !strings.Contains(err.Error(), "needs the GitHub API") {
		t.Errorf("no client: %v", err)
	}
}

// An account GitHub cannot list now (here: every listing answers 502)
// resolves from its last complete listing, kept in the store across
// restarts, with a warning naming the item; without one it is an error.
func TestOrgFallsBackToItsLastListing(t *testing.T) {
	t.Parallel()
	fake := githubfake.New(orgWorld(), githubfake.Options{})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	gh, err := ghclient.New(ghclient.Options{BaseURL: srv.URL + "/", Token: "test-token", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(filepath.Join(t.TempDir(), "fw.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	items := []config.WatchItem{{Kind: config.KindOrg, Account: "acme", Key: "watch[0]", Line: 2}}
	first, err := (&Resolver{GH: gh, Config: "fundwatch.yaml", Listings: st}).Resolve(ctx, items)
	if err != nil || len(first.Warnings) != 0 || len(first.StandIns) != 0 {
		t.Fatalf("first resolution: %v, warnings %q, stand-ins %v", err, first.Warnings, first.StandIns)
	}

	fake.SetFaults(githubfake.MustParseFaults("502@/orgs/{org}/repos"))
	// A new process: nothing in memory, the store remembers.
	l, err := (&Resolver{GH: gh, Config: "fundwatch.yaml", Listings: st}).Resolve(ctx, items)
	if err != nil {
		t.Fatalf("with GitHub failing and a kept listing: %v", err)
	}
	if !slices.Equal(l.Repos(), first.Repos()) {
		t.Errorf("resolved from the kept listing: %v, want %v", l.Repos(), first.Repos())
	}
	if len(l.Warnings) != 1 || !strings.HasPrefix(l.Warnings[0], "fundwatch.yaml:2: watch[0].org: listing the repositories of acme: ") ||
		!strings.Contains(l.Warnings[0], "502") || !strings.Contains(l.Warnings[0], "using its last listing, of ") {
		t.Errorf("warnings %q", l.Warnings)
	}
	// The list says which item stood in, so nothing of acme's is taken
	// for gone (its git mirrors stay).
	if want := []StandIn{{Item: "watch[0]", Account: "acme"}}; !slices.Equal(l.StandIns, want) {
		t.Errorf("stand-ins %v, want %v", l.StandIns, want)
	}
	// Forks and archived repositories are filtered from the kept listing
	// as from a live one.
	with := items[0]
	with.Forks, with.Archived = true, true
	if l, err = (&Resolver{GH: gh, Config: "fundwatch.yaml", Listings: st}).Resolve(ctx, []config.WatchItem{with}); err != nil || len(l.Repos()) != len(first.Repos())+2 {
		t.Errorf("with forks and archived from the kept listing: %d repositories, %v; want %d", len(l.Repos()), err, len(first.Repos())+2)
	}

	// A kept listing that cannot be read (here: corrupted behind the
	// store's back) is an error naming both failures, not a silent drop.
	path := filepath.Join(t.TempDir(), "corrupt.db")
	corrupt, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer corrupt.Close()
	if err := corrupt.SetAccountListing(ctx, store.AccountListing{Account: "acme", ListedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE account_listings SET repos = 'not json'`); err != nil {
		t.Fatal(err)
	}
	_, err = (&Resolver{GH: gh, Config: "fundwatch.yaml", Listings: corrupt}).Resolve(ctx, items)
	if err == nil || !strings.Contains(err.Error(), "listing the repositories of acme") || !strings.Contains(err.Error(), "its last listing cannot be read either: store: account listing of acme") {
		t.Errorf("unreadable kept listing: %v", err)
	}

	// Without a kept listing, the failure is an error, as before.
	empty, err := store.Open(filepath.Join(t.TempDir(), "empty.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer empty.Close()
	if _, err := (&Resolver{GH: gh, Config: "fundwatch.yaml", Listings: empty}).Resolve(ctx, items); err == nil {
		t.Error("no kept listing and GitHub failing: resolved anyway")
	}
}

// A user's tree can hold traps: an installed package.json that is a
// symlink to /dev/zero or a FIFO, a lockfile key that climbs out of
// node_modules, a link out of the tree, a go.mod that is a FIFO. None is
// read (no hang, no out-of-memory); each is reported with its reason.
func TestHostileTree(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	outside := t.TempDir()
	os.MkdirAll(filepath.Join(outside, "pkg"), 0o755)
	write(t, filepath.Join(outside, "pkg", "package.json"), `{"repository": "github:evil/outside"}`)
	nm := filepath.Join(root, "node_modules")
	for _, d := range []string{"zero", "fifo", "linked"} {
		if err := os.MkdirAll(filepath.Join(nm, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("/dev/zero", filepath.Join(nm, "zero", "package.json")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(nm, "fifo", "package.json"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "pkg", "package.json"), filepath.Join(nm, "linked", "package.json")); err != nil {
		t.Fatal(err)
	}
	lock := filepath.Join(root, "package-lock.json")
	write(t, lock, `{"lockfileVersion": 3, "packages": {
  "": {"name": "app"},
  "node_modules/zero": {"version": "1.0.0"},
  "node_modules/fifo": {"version": "1.0.0"},
  "node_modules/linked": {"version": "1.0.0"},
  "node_modules/../../`+filepath.Base(outside)+`/pkg": {"version": "1.0.0"}
}}`)
	l, err := (&Resolver{Config: "fundwatch.yaml"}).Resolve(context.Background(), []config.WatchItem{{Kind: "npm", Path: lock, Key: "watch[0]", Line: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Entries) != 0 {
		t.Errorf("watched %v: something outside the tree, or from a device, was read", l.Repos())
	}
	reasons := map[string]string{}
	for _, u := range l.Unmapped {
		reasons[u.Dependency] = u.Reason
	}
	for dep, want := range map[string]string{
		"zero":   "links out of", // to /dev/zero
		"fifo":   "not a regular file (a named pipe)",
		"linked": "links out of",
		"../../" + filepath.Base(outside) + "/pkg": "leaves " + nm,
	} {
		if !strings.Contains(reasons[dep], want) {
			t.Errorf("%s: reason %q, want it to contain %q", dep, reasons[dep], want)
		}
	}

	fifoMod := filepath.Join(root, "go.mod")
	if err := syscall.Mkfifo(fifoMod, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = (&Resolver{Config: "fundwatch.yaml"}).Resolve(context.Background(), []config.WatchItem{{Kind: "gomod", Path: fifoMod, Key: "watch[0]", Line: 1}})
	if err == nil || !strings.Contains(err.Error(), fifoMod+": not a regular file (a named pipe)") {
		t.Errorf("go.mod FIFO: %v", err)
	}
}

// A file that did not change (size and modification time) is not parsed
// again when the watch list is re-resolved; one that changed is.
func TestUnchangedFilesAreNotParsedAgain(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	gomod := filepath.Join(dir, "go.mod")
	good := "module m\n\nrequire github.com/a/b v1.0.0\n"
	write(t, gomod, good)
	st, err := os.Stat(gomod)
	if err != nil {
		t.Fatal(err)
	}
	r := &Resolver{Config: "fundwatch.yaml"}
	items := []config.WatchItem{{Kind: "gomod", Path: gomod, Key: "watch[0]", Line: 1}}
	if _, err := r.Resolve(context.Background(), items); err != nil {
		t.Fatal(err)
	}
	// Same size, same time, content that would not parse: the last parse
	// stands.
	write(t, gomod, strings.Replace(good, "require", "requirX", 1))
	if err := os.Chtimes(gomod, st.ModTime(), st.ModTime()); err != nil {
		t.Fatal(err)
	}
	l, err := r.Resolve(context.Background(), items)
	if err != nil || len(l.Entries) != 1 {
		t.Fatalf("unchanged file parsed again: %v, %v", l, err)
	}
	// A new modification time: parsed, and the error shows.
	if err := os.Chtimes(gomod, st.ModTime().Add(time.Second), st.ModTime().Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Resolve(context.Background(), items); err == nil || !strings.Contains(err.Error(), gomod+":3") {
		t.Errorf("changed file: %v, want its parse error", err)
	}
}
