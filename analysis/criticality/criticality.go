// Package criticality computes the OpenSSF criticality score: how much the
// world depends on a project, from 0 (least) to 1 (most critical).
//
// It follows ossf/criticality_score v2 (the Go rewrite) with its default
// scorer config, config/scorer/original_pike.yml: Rob Pike's weighted
// arithmetic mean of zipfian-normalised, bounded signals,
//
//	score = Σ wᵢ · log(1 + min(Sᵢ, Tᵢ)) / log(1 + Tᵢ)  /  Σ wᵢ
//
// (for updated_since, where smaller is better, Sᵢ is replaced by
// Tᵢ − min(Sᵢ, Tᵢ)). As in that implementation, a signal that is missing is
// left out of both sums rather than counted as zero; Score reports which
// ones were missing so a reader can judge the figure.
package criticality

import (
	"math"
	"sort"
)

// Input is one signal of the formula.
type Input struct {
	Name            string
	Weight          float64
	Threshold       float64 // the upper bound T
	SmallerIsBetter bool
	Meaning         string
}

// Inputs are the original_pike.yml inputs, in its order.
var Inputs = []Input{
	{"created_since", 1, 120, false, "months since the project was created (or its first commit, if older)"},
	{"updated_since", 1, 120, true, "months since the last commit"},
	{"contributor_count", 2, 5000, false, "distinct human contributors, all time"},
	{"org_count", 1, 10, false, "distinct employers of the last year's contributors"},
	{"commit_frequency", 1, 1000, false, "average commits per week over the last year"},
	{"recent_release_count", 0.5, 26, false, "releases in the last year"},
	{"updated_issues_count", 0.5, 5000, false, "issues and pull requests created, closed or commented on in the last 90 days"},
	{"closed_issues_count", 0.5, 5000, false, "issues and pull requests closed in the last 90 days"},
	{"issue_comment_frequency", 1, 15, false, "comments per issue updated in the last 90 days"},
	{"github_mention_count", 2, 500000, false, "mentions of the repository in GitHub commits and issues (search API; fundwatch does not spend quota on it)"},
}

// Result is a score with what went into it.
type Result struct {
	Score   float64  `json:"score"`
	Used    []string `json:"used"`
	Missing []string `json:"missing"`
	// OK is false when no input at all was available.
	OK bool `json:"available"`
}

// Score computes the criticality score from the signals present in
// values (keyed by Input.Name); absent keys are missing signals. Negative
// values are treated as zero.
func Score(values map[string]float64) Result {
	var r Result
	var sum, weights float64
	for _, in := range Inputs {
		v, ok := values[in.Name]
		if !ok || math.IsNaN(v) {
			r.Missing = append(r.Missing, in.Name)
			continue
		}
		v = math.Min(math.Max(v, 0), in.Threshold)
		if in.SmallerIsBetter {
			v = in.Threshold - v
		}
		sum += in.Weight * math.Log1p(v) / math.Log1p(in.Threshold)
		weights += in.Weight
		r.Used = append(r.Used, in.Name)
	}
	if weights > 0 {
		r.Score, r.OK = sum/weights, true
	}
	sort.Strings(r.Missing)
	return r
}
