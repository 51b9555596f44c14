package e2e

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/fundwatch/fundwatch/"

// The house's arrows (docs/DESIGN.md §13), for code and tests alike: a
// unit package's tests obey its code's import rules, and tests that need
// what is above it live here in e2e. Each rule names a package (and its
// subpackages) and the packages it must never import.
var importRules = []struct {
	pkg   string
	never []string
}{
	{"store", []string{"analysis", "collectors", "config", "ghclient", "githubfake", "gitmirror", "history", "metrics", "scheduler", "service", "triage", "watchlist"}},
	{"ghclient", []string{"analysis", "collectors", "config", "metrics", "scheduler", "service", "store", "triage", "watchlist"}},
	{"collectors", []string{"analysis", "metrics", "scheduler", "service", "triage", "watchlist", "config"}},
	{"analysis", []string{"collectors", "ghclient", "githubfake", "gitmirror", "metrics", "scheduler", "service", "triage", "watchlist", "config"}},
	{"metrics", []string{"collectors", "gitmirror", "scheduler", "service", "watchlist", "config"}},
	{"scheduler", []string{"analysis", "metrics", "service", "triage", "watchlist"}},
	{"triage", []string{"collectors", "ghclient", "githubfake", "metrics", "scheduler", "service"}},
	{"githubfake", []string{"analysis", "collectors", "ghclient", "metrics", "scheduler", "service", "store"}},
	{"config", []string{"analysis", "collectors", "metrics", "scheduler", "service", "store"}},
}

func TestImportDirections(t *testing.T) {
	t.Parallel()
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	out, err := exec.Command(goTool, "list", "-f",
		`{{.ImportPath}}|{{join .Imports " "}} {{join .TestImports " "}} {{join .XTestImports " "}}`,
		module+"...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	under := func(path, pkg string) bool { return path == pkg || strings.HasPrefix(path, pkg+"/") }
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		path, imports, _ := strings.Cut(line, "|")
		path = strings.TrimPrefix(path, module)
		for _, imp := range strings.Fields(imports) {
			imp, ok := strings.CutPrefix(imp, module)
			if !ok || under(imp, path) {
				continue
			}
			// Nothing but the binary imports the service; nothing at all
			// the binary or these tests.
			if under(imp, "cmd") || under(imp, "e2e") || (under(imp, "service") && !under(path, "cmd")) {
				t.Errorf("%s imports %s", path, imp)
			}
			for _, r := range importRules {
				if under(path, r.pkg) && slices.ContainsFunc(r.never, func(n string) bool { return under(imp, n) }) {
					t.Errorf("%s (code or tests) imports %s: against the arrows of docs/DESIGN.md §13", path, imp)
				}
			}
			checked++
		}
	}
	if checked < 50 {
		t.Fatalf("only %d imports checked: go list said\n%s", checked, out)
	}
}
