package analysis

import (
	_ "embed"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/fundwatch/fundwatch/internal/strictyaml"
	"gopkg.in/yaml.v3"
)

//go:embed defaults.yaml
var defaultsYAML []byte

// DefaultsYAML returns the embedded defaults, for documentation.
func DefaultsYAML() []byte { return append([]byte(nil), defaultsYAML...) }

// Duration is a time.Duration that also accepts days ("90d").
type Duration time.Duration

// UnmarshalYAML implements yaml.Unmarshaler.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := parseDuration(n.Value)
	if err != nil {
		return err // the decoder names the file, line and key
	}
	*d = Duration(v)
	return nil
}

// ParseDuration reads a duration as the params do: Go syntax, or days
// ("90d").
func ParseDuration(s string) (time.Duration, error) { return parseDuration(s) }

func parseDuration(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("bad duration %q", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("bad duration %q", s)
	}
	return d, nil
}

// Params are every threshold and weight of the analysis.
type Params struct {
	Windows struct {
		Recent   Duration `yaml:"recent"`
		Year     Duration `yaml:"year"`
		Baseline Duration `yaml:"baseline"`
	} `yaml:"windows"`
	TopEmployers int `yaml:"top_employers"`
	Affiliation  struct {
		MinProfileCoverage float64 `yaml:"min_profile_coverage"`
		// Organisations inferred from the history's own e-mail domains.
		Infer struct {
			MinPeople  int     `yaml:"min_people"`
			MinCommits int     `yaml:"min_commits"`
			MinShare   float64 `yaml:"min_share"`
		} `yaml:"infer"`
	} `yaml:"affiliation"`
	EmployerExit struct {
		MinBaselineShare   float64 `yaml:"min_baseline_share"`
		MinBaselineCommits int     `yaml:"min_baseline_commits"`
		MaxRecentShare     float64 `yaml:"max_recent_share"`
		MaxRecentPace      float64 `yaml:"max_recent_pace"`
		MaxRetainedShare   float64 `yaml:"max_retained_share"`
		MinRetainedPace    float64 `yaml:"min_retained_pace"`
		MinRecentCommits   int     `yaml:"min_recent_commits"`
		ReturnPace         float64 `yaml:"return_pace"`
	} `yaml:"employer_exit"`
	Handover struct {
		MinPreviousShare         float64 `yaml:"min_previous_share"`
		MaxNewcomerBaselineShare float64 `yaml:"max_newcomer_baseline_share"`
		MinNewcomerRecentShare   float64 `yaml:"min_newcomer_recent_share"`
		MaxPreviousRecentRatio   float64 `yaml:"max_previous_recent_ratio"`
		MinRecentCommits         int     `yaml:"min_recent_commits"`
	} `yaml:"handover"`
	VolunteerOnly struct {
		MaxPaidShare     float64 `yaml:"max_paid_share"`
		ReleasePaidShare float64 `yaml:"release_paid_share"`
		MinCommits       int     `yaml:"min_commits"`
		UnknownWeight    float64 `yaml:"unknown_weight"`
	} `yaml:"volunteer_only"`
	BusFactorOne struct {
		ReleaseTopShare     float64 `yaml:"release_top_share"`
		MinCommitsToRelease int     `yaml:"min_commits_to_release"`
	} `yaml:"bus_factor_one"`
	Unresponsive struct {
		MaxFirstResponse   Duration `yaml:"max_first_response"`
		MaxUnansweredRatio float64  `yaml:"max_unanswered_ratio"`
	} `yaml:"unresponsive"`
	ReleaseDrought struct {
		MaxAge Duration `yaml:"max_age"`
	} `yaml:"release_drought"`
	BacklogGrowth struct {
		MaxGrowth float64 `yaml:"max_growth"`
	} `yaml:"backlog_growth"`
	Lifecycle struct {
		ActiveMinCommitsRecent     int     `yaml:"active_min_commits_recent"`
		ActiveReleaseCommitsRecent int     `yaml:"active_release_commits_recent"`
		DecliningRatio             float64 `yaml:"declining_ratio"`
		DecliningReleaseRatio      float64 `yaml:"declining_release_ratio"`
		DecliningMinPrevious       int     `yaml:"declining_min_previous"`
	} `yaml:"lifecycle"`
	FundingGap struct {
		TierCriticality  map[string]float64 `yaml:"tier_criticality"`
		RiskFloor        float64            `yaml:"risk_floor"`
		SponsorsForFull  float64            `yaml:"sponsors_for_full"`
		SponsorsMaxLevel float64            `yaml:"sponsors_max_level"`
		GrantUSDForFull  float64            `yaml:"grant_usd_for_full"`
	} `yaml:"funding_gap"`
	Weights map[string]float64          `yaml:"weights"`
	Signals map[string]SignalDefinition `yaml:"signals"`
}

// SignalDefinition is the one source of a signal's texts: risk reasons,
// reports and docs all render from it.
type SignalDefinition struct {
	Title    string `yaml:"title"`
	Meaning  string `yaml:"meaning"`
	Computed string `yaml:"computed"`
	Action   string `yaml:"action"`
}

// DefaultParams returns the embedded defaults.
func DefaultParams() *Params {
	p, err := ParseParams("defaults.yaml", defaultsYAML, nil)
	if err != nil {
		panic("analysis: embedded defaults.yaml: " + err.Error())
	}
	return p
}

// ParseParams reads params from YAML on top of base (nil = the defaults),
// so an override file need only name what it changes.
func ParseParams(name string, data []byte, base *Params) (*Params, error) {
	p := &Params{}
	if base != nil {
		cp := *base
		cp.Weights = cloneMap(base.Weights)
		cp.Signals = cloneMap(base.Signals)
		cp.FundingGap.TierCriticality = cloneMap(base.FundingGap.TierCriticality)
		p = &cp
	}
	// Strict: an unknown or misspelt key, or a value of the wrong kind, is
	// an error naming the file, line and key path, every one of them.
	if err := strictyaml.Unmarshal(name, data, p); err != nil {
		return nil, err
	}
	for _, r := range Reasons {
		if _, ok := p.Weights[r]; !ok {
			return nil, fmt.Errorf("%s: weights: no weight for reason %q", name, r)
		}
		if _, ok := p.Signals[r]; !ok {
			return nil, fmt.Errorf("%s: signals: no definition of %q", name, r)
		}
	}
	for r, w := range p.Weights {
		if w < 0 || w > 1 {
			return nil, fmt.Errorf("%s: weights.%s: %v is outside 0..1", name, r, w)
		}
	}
	return p, nil
}

func cloneMap[K comparable, V any](m map[K]V) map[K]V {
	out := make(map[K]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Reasons are the drift-risk reasons, in report order.
var Reasons = []string{
	"employer_exit", "volunteer_only", "bus_factor_one", "handover", "unresponsive",
	"release_drought", "abandoned", "declining", "backlog_growth",
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
