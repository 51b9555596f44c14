package criticality

import (
	"math"
	"slices"
	"testing"
)

func TestScore(t *testing.T) {
	all := func(v float64) map[string]float64 {
		m := map[string]float64{}
		for _, in := range Inputs {
			m[in.Name] = v
		}
		return m
	}
	// At or past every threshold (and updated this month) is the maximum.
	top := map[string]float64{}
	for _, in := range Inputs {
		top[in.Name] = in.Threshold * 2
	}
	top["updated_since"] = 0
	// Nothing at all, and not updated for ten years, is the minimum.
	bottom := all(0)
	bottom["updated_since"] = 120

	// A hand-computed case: only two inputs present.
	two := map[string]float64{"contributor_count": 49, "org_count": 3}
	wantTwo := (2*math.Log(50)/math.Log(5001) + 1*math.Log(4)/math.Log(11)) / 3

	tests := []struct {
		name        string
		values      map[string]float64
		want        float64
		wantMissing int
		wantOK      bool
	}{
		{"every signal at its threshold", top, 1, 0, true},
		{"every signal at zero, stale for ten years", bottom, 0, 0, true},
		{"missing signals leave the mean", two, wantTwo, len(Inputs) - 2, true},
		{"no signal at all", map[string]float64{}, 0, len(Inputs), false},
		{"negative counts clamp to zero", map[string]float64{"org_count": -5}, 0, len(Inputs) - 1, true},
		// updated_since: recent is better; 0 months counts as the threshold.
		{"updated now", map[string]float64{"updated_since": 0}, 1, len(Inputs) - 1, true},
		{"updated 120 months ago", map[string]float64{"updated_since": 120}, 0, len(Inputs) - 1, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := Score(tc.values)
			if math.Abs(r.Score-tc.want) > 1e-9 || r.OK != tc.wantOK || len(r.Missing) != tc.wantMissing {
				t.Errorf("Score = %+v, want %.6f ok=%v with %d missing", r, tc.want, tc.wantOK, tc.wantMissing)
			}
			if len(r.Used)+len(r.Missing) != len(Inputs) {
				t.Errorf("used %v + missing %v do not cover the inputs", r.Used, r.Missing)
			}
		})
	}
}

// A missing signal must not lower the score the way a zero would.
func TestMissingIsNotZero(t *testing.T) {
	base := map[string]float64{"contributor_count": 300, "commit_frequency": 20, "created_since": 100}
	withZero := map[string]float64{"contributor_count": 300, "commit_frequency": 20, "created_since": 100, "github_mention_count": 0}
	if a, b := Score(base), Score(withZero); !(a.Score > b.Score) {
		t.Errorf("missing mentions %.4f, zero mentions %.4f: a missing signal must not count as zero", a.Score, b.Score)
	}
	if r := Score(base); !slices.Contains(r.Missing, "github_mention_count") {
		t.Errorf("missing = %v", r.Missing)
	}
}

// The weights and thresholds are those of original_pike.yml.
func TestInputsAreTheOriginalPikeConfig(t *testing.T) {
	want := map[string][2]float64{
		"created_since": {1, 120}, "updated_since": {1, 120}, "contributor_count": {2, 5000}, "org_count": {1, 10},
		"commit_frequency": {1, 1000}, "recent_release_count": {0.5, 26}, "updated_issues_count": {0.5, 5000},
		"closed_issues_count": {0.5, 5000}, "issue_comment_frequency": {1, 15}, "github_mention_count": {2, 500000},
	}
	if len(Inputs) != len(want) {
		t.Fatalf("%d inputs, want %d", len(Inputs), len(want))
	}
	for _, in := range Inputs {
		if w, ok := want[in.Name]; !ok || w[0] != in.Weight || w[1] != in.Threshold {
			t.Errorf("%s: weight %v threshold %v, want %v", in.Name, in.Weight, in.Threshold, w)
		}
		if in.SmallerIsBetter != (in.Name == "updated_since") {
			t.Errorf("%s: smaller_is_better = %v", in.Name, in.SmallerIsBetter)
		}
	}
}
