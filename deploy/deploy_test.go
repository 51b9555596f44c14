// Package deploy holds the configuration of the docker-compose stack
// (Prometheus, Alertmanager, Grafana provisioning, fundwatch's own config).
// This test loads docker-compose.yml with the Compose specification's
// reference loader, rebuilds each container's view of its mounted files,
// and has the real tools (promtool, amtool) check them where they will be.
package deploy

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
	"gopkg.in/yaml.v3"

	"github.com/fundwatch/fundwatch/config"
	"github.com/fundwatch/fundwatch/internal/tooltest"
)

const root = ".."

func loadCompose(t *testing.T) *types.Project {
	t.Helper()
	opts, err := cli.NewProjectOptions([]string{filepath.Join(root, "docker-compose.yml")},
		cli.WithWorkingDirectory(root), cli.WithName("fundwatch"), cli.WithProfiles([]string{"*"}),
		cli.WithResolvedPaths(true), cli.WithEnv([]string{"GITHUB_TOKEN="}))
	if err != nil {
		t.Fatal(err)
	}
	p, err := opts.LoadProject(context.Background())
	if err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	return p
}

func service(t *testing.T, p *types.Project, name string) types.ServiceConfig {
	t.Helper()
	s, err := p.GetService(name)
	if err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	return s
}

// containerFS copies the bind mounts of a service into a directory laid
// out as the container sees them, and returns it.
func containerFS(t *testing.T, s types.ServiceConfig) string {
	t.Helper()
	dir := t.TempDir()
	for _, v := range s.Volumes {
		if v.Type != types.VolumeTypeBind {
			continue
		}
		dst := filepath.Join(dir, v.Target)
		if err := os.CopyFS(dst, os.DirFS(v.Source)); err != nil {
			// A file, not a directory.
			data, err := os.ReadFile(v.Source)
			if err != nil {
				t.Fatalf("service %s mounts %s: %v", s.Name, v.Source, err)
			}
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(dst, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dir
}

// flag returns the value of --name=value in a command line.
func flag(cmd []string, name string) string {
	for _, a := range cmd {
		if v, ok := strings.CutPrefix(a, "--"+name+"="); ok {
			return v
		}
	}
	return ""
}

func TestComposeServices(t *testing.T) {
	p := loadCompose(t)
	var names []string
	for name := range p.Services {
		names = append(names, name)
	}
	sort.Strings(names)
	want := []string{"alertmanager", "backfill", "backfill-import", "fundwatch", "grafana", "prometheus"}
	if !slices.Equal(names, want) {
		t.Errorf("services %v, want %v", names, want)
	}
	for _, s := range p.Services {
		for _, v := range s.Volumes {
			if v.Type == types.VolumeTypeBind {
				if _, err := os.Stat(v.Source); err != nil {
					t.Errorf("service %s mounts %s, which does not exist", s.Name, v.Source)
				}
			}
		}
	}
	fw := service(t, p, "fundwatch")
	if fw.Build == nil || filepath.Base(fw.Build.Dockerfile) != "Dockerfile" {
		t.Errorf("fundwatch is not built from the Dockerfile: %+v", fw.Build)
	}
	if got := flag(fw.Command, "web.listen-address"); got != ":9864" {
		t.Errorf("fundwatch listens on %q, want :9864 (what Prometheus scrapes)", got)
	}
	// The demo's triage page links each project to the stack's Grafana,
	// where a browser on the host reaches it.
	if got, want := flag(fw.Command, "web.grafana-url"), grafanaOnTheHost(t, p); got != want {
		t.Errorf("fundwatch's --web.grafana-url is %q, want the stack's Grafana %q", got, want)
	}
}

// grafanaOnTheHost is the URL of the stack's Grafana as a browser on the
// host reaches it (its published port), which the triage page links to.
func grafanaOnTheHost(t *testing.T, p *types.Project) string {
	t.Helper()
	for _, port := range service(t, p, "grafana").Ports {
		if port.Target == 3000 && port.Published != "" {
			return "http://localhost:" + port.Published + "/"
		}
	}
	t.Fatal("grafana publishes no port for its 3000")
	return ""
}

func TestPrometheusConfigInItsContainer(t *testing.T) {
	promtool := tooltest.Require(t, "promtool", "prometheus")
	s := service(t, loadCompose(t), "prometheus")
	dir := containerFS(t, s)
	cfg := filepath.Join(dir, flag(s.Command, "config.file"))
	// promtool resolves rule_files relative to the config file, as
	// Prometheus does in the container: the rules must be found there.
	out, err := exec.Command(promtool, "check", "config", cfg).CombinedOutput()
	if err != nil {
		t.Fatalf("promtool check config (as mounted in the prometheus container): %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "SUCCESS: 14 rules found") && !strings.Contains(string(out), "rules found") {
		t.Errorf("the rules were not loaded:\n%s", out)
	}
	var pc struct {
		RuleFiles     []string `yaml:"rule_files"`
		ScrapeConfigs []struct {
			StaticConfigs []struct {
				Targets []string `yaml:"targets"`
			} `yaml:"static_configs"`
		} `yaml:"scrape_configs"`
	}
	data, _ := os.ReadFile(cfg)
	if err := yaml.Unmarshal(data, &pc); err != nil {
		t.Fatal(err)
	}
	if len(pc.RuleFiles) == 0 {
		t.Error("no rule_files")
	}
	if len(pc.ScrapeConfigs) == 0 || len(pc.ScrapeConfigs[0].StaticConfigs) == 0 ||
		!slices.Contains(pc.ScrapeConfigs[0].StaticConfigs[0].Targets, "fundwatch:9864") {
		t.Errorf("Prometheus does not scrape fundwatch:9864: %+v", pc.ScrapeConfigs)
	}
	if flag(s.Command, "storage.tsdb.retention.time") == "" {
		t.Error("no retention set: Prometheus's default 15d would delete backfilled history")
	}
}

func TestAlertmanagerConfigAndRoutes(t *testing.T) {
	amtool := tooltest.Require(t, "amtool", "prometheus-alertmanager")
	s := service(t, loadCompose(t), "alertmanager")
	dir := containerFS(t, s)
	cfg := filepath.Join(dir, flag(s.Command, "config.file"))
	if out, err := exec.Command(amtool, "check-config", cfg).CombinedOutput(); err != nil {
		t.Fatalf("amtool check-config: %v\n%s", err, out)
	}
	// Each alert reaches the team that owns the dependency.
	for _, tc := range []struct {
		labels []string
		want   string
	}{
		{[]string{"alertname=FundwatchEmployerExit", "repo=curl/curl", "owner=platform-team"}, "platform-team"},
		{[]string{"alertname=FundwatchCriticalBusFactorOne", "repo=tukaani-project/xz", "owner=security-team"}, "security-team"},
		{[]string{"alertname=FundwatchMaintainerHandover", "repo=a/b", "owner=platform-team"}, "platform-team"},
		{[]string{"alertname=FundwatchMaintainerHandover", "repo=a/b"}, "security-team"},
		{[]string{"alertname=FundwatchCollectorStale", "repo=curl/curl", "owner=platform-team"}, "fundwatch-operators"},
		{[]string{"alertname=FundwatchWatchListResolveFailing", "instance=fw:9864"}, "fundwatch-operators"},
		{[]string{"alertname=FundwatchProjectAbandoned", "repo=x/y"}, "default"},
		// A repository several teams' watch items reach carries all their owners.
		{[]string{"alertname=FundwatchEmployerExit", "repo=golang/net", "owner=infra-team,security-team"}, "security-team"},
		{[]string{"alertname=FundwatchEmployerExit", "repo=x/y", "owner=not-platform-team"}, "default"},
	} {
		args := append([]string{"config", "routes", "test", "--config.file=" + cfg}, tc.labels...)
		cmd := exec.Command(amtool, args...)
		var stderr strings.Builder
		cmd.Stderr = &stderr // amtool warns there that --config.file wins over --alertmanager.url
		out, err := cmd.Output()
		if err != nil {
			out = append(out, stderr.String()...)
			t.Errorf("amtool %v: %v\n%s", args, err, out)
			continue
		}
		if got := strings.TrimSpace(string(out)); got != tc.want {
			t.Errorf("alert %v goes to %q, want %q", tc.labels, got, tc.want)
		}
	}
}

func TestGrafanaProvisioning(t *testing.T) {
	p := loadCompose(t)
	s := service(t, p, "grafana")
	dir := containerFS(t, s)
	strict := func(path string, into any) {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(dir, path))
		if err != nil {
			t.Fatal(err)
		}
		dec := yaml.NewDecoder(strings.NewReader(string(data)))
		dec.KnownFields(true)
		if err := dec.Decode(into); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
	var ds struct {
		APIVersion  int `yaml:"apiVersion"`
		Datasources []struct {
			Name      string `yaml:"name"`
			UID       string `yaml:"uid"`
			Type      string `yaml:"type"`
			Access    string `yaml:"access"`
			URL       string `yaml:"url"`
			IsDefault bool   `yaml:"isDefault"`
		} `yaml:"datasources"`
	}
	strict("/etc/grafana/provisioning/datasources/prometheus.yml", &ds)
	if ds.APIVersion != 1 || len(ds.Datasources) != 1 || ds.Datasources[0].Type != "prometheus" ||
		ds.Datasources[0].URL != "http://prometheus:9090" || !ds.Datasources[0].IsDefault {
		t.Errorf("datasource: %+v, want the default prometheus at http://prometheus:9090", ds)
	}
	if _, err := p.GetService("prometheus"); err != nil {
		t.Error("the datasource points at a prometheus service that does not exist")
	}
	var dp struct {
		APIVersion int `yaml:"apiVersion"`
		Providers  []struct {
			Name    string `yaml:"name"`
			Folder  string `yaml:"folder"`
			Type    string `yaml:"type"`
			Options struct {
				Path string `yaml:"path"`
			} `yaml:"options"`
		} `yaml:"providers"`
	}
	strict("/etc/grafana/provisioning/dashboards/fundwatch.yml", &dp)
	if len(dp.Providers) != 1 || dp.Providers[0].Type != "file" {
		t.Fatalf("dashboard providers: %+v", dp)
	}
	// The dashboards the provider reads are fundwatch's generated ones,
	// each valid JSON with a unique uid, using the provisioned datasource.
	var uids []string
	err := filepath.WalkDir(filepath.Join(dir, dp.Providers[0].Options.Path), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".json" {
			return err
		}
		var db struct {
			UID    string `json:"uid"`
			Title  string `json:"title"`
			Panels []any  `json:"panels"`
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(data, &db); err != nil {
			t.Errorf("%s: %v", path, err)
			return nil
		}
		if db.UID == "" || db.Title == "" || len(db.Panels) == 0 {
			t.Errorf("%s: uid %q, title %q, %d panels", filepath.Base(path), db.UID, db.Title, len(db.Panels))
		}
		if slices.Contains(uids, db.UID) {
			t.Errorf("%s: uid %s used twice", filepath.Base(path), db.UID)
		}
		uids = append(uids, db.UID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(uids) < 4 {
		t.Errorf("grafana sees %d dashboards in %s, want the 4 of dashboards/", len(uids), dp.Providers[0].Options.Path)
	}
	if home := s.Environment["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]; home != nil {
		if _, err := os.Stat(filepath.Join(dir, *home)); err != nil {
			t.Errorf("home dashboard %s is not mounted: %v", *home, err)
		}
	}
}

// The config the stack mounts for watching real GitHub loads (with the
// token from the environment, as the stack passes it).
func TestFundwatchConfigOfTheStack(t *testing.T) {
	p := loadCompose(t)
	s := service(t, p, "fundwatch")
	dir := containerFS(t, s)
	cfg, err := config.Load(filepath.Join(dir, "/etc/fundwatch/fundwatch.yaml"), func(k string) string {
		if k == "GITHUB_TOKEN" {
			return "ghp_test"
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Watch) == 0 {
		t.Error("the stack's config watches nothing")
	}
	if want := grafanaOnTheHost(t, p); cfg.Web.GrafanaURL != want {
		t.Errorf("web.grafana_url is %q, want the stack's Grafana %q", cfg.Web.GrafanaURL, want)
	}
}

// dockerfile is the Dockerfile's text and what the test reads from its
// instructions.
type dockerfile struct {
	text        string
	froms       [][]string // each FROM's arguments
	stages      []string   // the stages' names (AS ...)
	user        string     // the final stage's USER
	healthcheck bool       // the final stage has a HEALTHCHECK
	args        []string   // ARG names
}

func readDockerfile(t *testing.T) dockerfile {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	d := dockerfile{text: string(data)}
	for _, l := range strings.Split(d.text, "\n") {
		f := strings.Fields(l)
		if len(f) < 2 {
			continue
		}
		switch strings.ToUpper(f[0]) {
		case "FROM":
			d.froms = append(d.froms, f[1:])
			if len(f) == 4 && strings.EqualFold(f[2], "AS") {
				d.stages = append(d.stages, f[3])
			}
			d.user, d.healthcheck = "", false // they apply per stage
		case "USER":
			d.user = f[1]
		case "HEALTHCHECK":
			d.healthcheck = !strings.EqualFold(f[1], "NONE")
		case "ARG":
			name, _, _ := strings.Cut(f[1], "=")
			d.args = append(d.args, name)
		}
	}
	return d
}

// The image is built in two stages and runs as a non-root user, with a
// static (cgo-free) binary and git.
func TestDockerfile(t *testing.T) {
	d := readDockerfile(t)
	data := []byte(d.text)
	if len(d.froms) < 2 {
		t.Errorf("%d build stages, want a multi-stage build", len(d.froms))
	}
	user := d.user
	if user == "" || strings.HasPrefix(user, "root") || strings.HasPrefix(user, "0") {
		t.Errorf("final stage runs as %q, want a non-root user", user)
	}
	if !strings.Contains(string(data), "CGO_ENABLED=0") {
		t.Error("the binary is not built with CGO_ENABLED=0 (pure-Go SQLite; a static binary)")
	}
	// The commits collector reads history from git mirrors; without git
	// in the image it would spend API quota on REST instead.
	if !regexp.MustCompile(`apt-get install[^\n]* git\b`).Match(data) {
		t.Error("the final image does not install git")
	}
}

// The image is one a scheduler can trust and a rebuild reproduces: it
// checks its own health, every base image is pinned to a version (a
// rebuild gets the same toolchain and system; "latest" or no tag would
// not), the Go image is the version go.mod asks for (an older one would
// fetch a toolchain or refuse to build), and every directory a compose
// service mounts a named volume at exists in the image owned by its
// non-root user (a volume on a missing directory is created root-owned,
// and the user could not write to it).
func TestImageIsPinnedAndHealthChecked(t *testing.T) {
	d := readDockerfile(t)
	if !d.healthcheck {
		t.Error("the final stage has no HEALTHCHECK")
	}
	pinned := regexp.MustCompile(`^[a-z0-9./_-]+(:[0-9]+(\.[0-9]+)+[A-Za-z0-9._-]*(@sha256:[0-9a-f]{64})?|@sha256:[0-9a-f]{64})$`)
	for _, from := range d.froms {
		image := from[0]
		if slices.Contains(d.stages, image) {
			continue // an earlier stage
		}
		if !pinned.MatchString(image) {
			t.Errorf("FROM %s: not pinned to a version tag (like debian:12.11-slim) or a digest", image)
		}
	}
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	goLine := regexp.MustCompile(`(?m)^go ([0-9.]+)$`).FindSubmatch(gomod)
	if goLine == nil {
		t.Fatal("go.mod has no go line")
	}
	if !strings.Contains(d.text, "FROM golang:"+string(goLine[1])+"-") {
		t.Errorf("the build stage is not golang:%s-..., the Go go.mod asks for", goLine[1])
	}

	user, _, _ := strings.Cut(d.user, ":")
	p := loadCompose(t)
	for _, s := range p.Services {
		if s.Image != "fundwatch:latest" {
			continue
		}
		for _, v := range s.Volumes {
			if v.Type == types.VolumeTypeVolume && !ownedDir(d.text, user, v.Target) {
				t.Errorf("service %s mounts volume %s at %s, which the image does not create for its user %s", s.Name, v.Source, v.Target, user)
			}
		}
	}
	if !ownedDir(d.text, user, "/backfill") {
		t.Errorf("the image does not create /backfill for its user %s (the backfill profile writes there)", user)
	}
}

// ownedDir says whether the Dockerfile creates dir owned by user: as the
// user's home (useradd --home-dir dir --create-home) or with install -d
// -o user.
func ownedDir(dockerfile, user, dir string) bool {
	q := regexp.QuoteMeta
	home := regexp.MustCompile(`useradd\b[^\n]*--home-dir ` + q(dir) + ` --create-home[^\n]*\b` + q(user) + `\b`)
	install := regexp.MustCompile(`install -d -o ` + q(user) + ` -g \S+ ` + q(dir) + `(\s|$)`)
	return home.MatchString(dockerfile) || install.MatchString(dockerfile)
}

// Every build argument the Dockerfile declares is passed by each compose
// service that builds it, so the stack's image is stamped with a version
// (.git is not in the build context to read one from).
func TestComposeBuildArgs(t *testing.T) {
	d := readDockerfile(t)
	built := 0
	for _, s := range loadCompose(t).Services {
		if s.Build == nil {
			continue
		}
		built++
		for _, arg := range d.args {
			if v, ok := s.Build.Args[arg]; !ok || v == nil || *v == "" {
				t.Errorf("service %s builds the image without --build-arg %s", s.Name, arg)
			}
		}
	}
	if built == 0 || !slices.Contains(d.args, "VERSION") {
		t.Errorf("%d services build the image, the Dockerfile takes %v; want it built and stamped with VERSION", built, d.args)
	}
}

// Each service that stays up has a healthcheck (what depends_on waits
// for, and what an operator sees in docker compose ps); a one-shot job
// says explicitly that it has none, so it does not inherit its image's
// check of a server it does not run.
func TestComposeHealthchecks(t *testing.T) {
	for _, s := range loadCompose(t).Services {
		oneShot := len(s.Profiles) > 0 && s.Restart == ""
		switch hc := s.HealthCheck; {
		case hc == nil:
			t.Errorf("service %s has no healthcheck", s.Name)
		case oneShot && !hc.Disable:
			t.Errorf("one-shot service %s: want healthcheck: {disable: true}, not its image's", s.Name)
		case !oneShot && (hc.Disable || len(hc.Test) == 0):
			t.Errorf("service %s stays up without a healthcheck test", s.Name)
		}
	}
}

// The build context leaves out what is not source, above all .git and the
// git-mirror cache the README's commands create in a clone (each a copy of
// repositories' histories), and keeps the sources. Patterns are read as
// Docker does for simple ones: filepath.Match against the path from the
// context's root, a matched directory excluding all it holds.
func TestDockerignore(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(root, ".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	var patterns []string
	for _, l := range strings.Split(string(data), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		if strings.HasPrefix(l, "!") || strings.Contains(l, "**") {
			t.Fatalf(".dockerignore: %q: this test reads simple patterns only; extend it", l)
		}
		patterns = append(patterns, filepath.Clean(l))
	}
	excluded := func(path string) bool {
		for p := path; p != "." && p != "/"; p = filepath.Dir(p) {
			for _, pat := range patterns {
				if ok, _ := filepath.Match(pat, p); ok {
					return true
				}
			}
		}
		return false
	}
	for _, path := range []string{".git", ".git/objects/pack/x.pack", "fundwatch-git", "fundwatch-git/curl/curl.git/HEAD",
		"fundwatch.db", "fundwatch.db-wal", "fundwatch.db-shm", "fundwatch.yaml", "triage.html", "history.om", "fundwatch"} {
		if !excluded(path) {
			t.Errorf(".dockerignore does not exclude %s", path)
		}
	}
	for _, path := range []string{"go.mod", "go.sum", "cmd/fundwatch/main.go", "examples/fundwatch.yaml", "deploy/fundwatch.yaml",
		"githubfake/scenario/demo.yaml", "analysis/defaults.yaml"} {
		if excluded(path) {
			t.Errorf(".dockerignore excludes %s, which the build needs", path)
		}
	}
}
