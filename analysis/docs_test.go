package analysis

import (
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs/signals.md")

func TestSignalsDocIsUpToDate(t *testing.T) {
	const path = "../docs/signals.md"
	want := SignalsMarkdown()
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("%s is out of date with analysis/defaults.yaml; run go test ./analysis -update", path)
	}
}

func TestParamsOverride(t *testing.T) {
	t.Parallel()
	base := DefaultParams()
	p, err := ParseParams("params.yaml", []byte("employer_exit:\n  min_baseline_share: 0.3\nweights:\n  handover: 0.9\n"), base)
	if err != nil {
		t.Fatal(err)
	}
	if p.EmployerExit.MinBaselineShare != 0.3 || p.Weights["handover"] != 0.9 || p.Weights["employer_exit"] != base.Weights["employer_exit"] {
		t.Errorf("override: %+v %v", p.EmployerExit, p.Weights)
	}
	if base.Weights["handover"] == 0.9 {
		t.Error("the override changed the base")
	}
	for _, bad := range []struct{ yaml, want string }{
		{"employer_exit:\n  min_share: 1\n", `params.yaml:2: employer_exit.min_share: unknown key (known: min_baseline_share, `},
		{"weights:\n  handover: 2\n", "weights.handover: 2 is outside 0..1"},
		{"windows:\n  recent: soon\n", `params.yaml:2: windows.recent: bad duration "soon"`},
		{"windows:\n  recent: [90d]\n", `params.yaml:2: windows.recent: `},
		{"top_employers: many\n", `params.yaml:1: top_employers: must be a whole number, got "many"`},
		{"signals:\n  handover: {title: 1, titel: x}\n", `signals.handover.titel: unknown key`},
	} {
		if _, err := ParseParams("params.yaml", []byte(bad.yaml), base); err == nil || !contains(err.Error(), bad.want) || !contains(err.Error(), "params.yaml") {
			t.Errorf("%q: %v, want %q", bad.yaml, err, bad.want)
		}
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
