// Package rules holds fundwatch's Prometheus recording and alert rules
// (fundwatch.rules.yml) and their promtool unit tests; this Go test runs
// promtool on them and checks the conventions every alert must follow.
package rules

import (
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/fundwatch/fundwatch/internal/tooltest"
)

const (
	rulesFile = "fundwatch.rules.yml"
	testFile  = "fundwatch.rules_test.yml"
)

type ruleFile struct {
	Groups []struct {
		Name  string `yaml:"name"`
		Rules []struct {
			Alert       string            `yaml:"alert"`
			Record      string            `yaml:"record"`
			Expr        string            `yaml:"expr"`
			Labels      map[string]string `yaml:"labels"`
			Annotations map[string]string `yaml:"annotations"`
		} `yaml:"rules"`
	} `yaml:"groups"`
}

func TestPromtoolCheckRules(t *testing.T) {
	promtool := tooltest.Require(t, "promtool", "prometheus")
	out, err := exec.Command(promtool, "check", "rules", rulesFile).CombinedOutput()
	if err != nil {
		t.Fatalf("promtool check rules: %v\n%s", err, out)
	}
}

func TestPromtoolTestRules(t *testing.T) {
	promtool := tooltest.Require(t, "promtool", "prometheus")
	out, err := exec.Command(promtool, "test", "rules", testFile).CombinedOutput()
	if err != nil {
		t.Fatalf("promtool test rules: %v\n%s", err, out)
	}
}

// Every alert is routable (severity), explains itself (summary and
// description naming what it is about) and says what to do (runbook); every
// alert is unit-tested both firing and not firing.
func TestAlertConventions(t *testing.T) {
	var rf ruleFile
	data, err := os.ReadFile(rulesFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, &rf); err != nil {
		t.Fatal(err)
	}
	firing, silent := testedAlerts(t)
	recordName := regexp.MustCompile(`^fundwatch:[a-z0-9_]+:[a-z0-9_]+$`)
	var alerts []string
	for _, g := range rf.Groups {
		for _, r := range g.Rules {
			if r.Record != "" {
				if !recordName.MatchString(r.Record) {
					t.Errorf("recording rule %s: name must be fundwatch:<what>:<how> (level:metric:operations)", r.Record)
				}
				continue
			}
			alerts = append(alerts, r.Alert)
			switch r.Labels["severity"] {
			case "critical", "warning", "info":
			default:
				t.Errorf("alert %s: severity %q, want critical, warning or info", r.Alert, r.Labels["severity"])
			}
			for _, a := range []string{"summary", "description", "runbook"} {
				if strings.TrimSpace(r.Annotations[a]) == "" {
					t.Errorf("alert %s: no %s annotation", r.Alert, a)
				}
			}
			// Repository-scoped alerts name the repository and carry the
			// routing labels of the watch list.
			if strings.Contains(r.Expr, "fundwatch_repo_") {
				for _, a := range []string{"summary", "description"} {
					if !strings.Contains(r.Annotations[a], "$labels.repo") {
						t.Errorf("alert %s: %s does not name the repository ($labels.repo)", r.Alert, a)
					}
				}
				if !strings.Contains(r.Expr, "group_left (tier, owner) fundwatch_repo_info") {
					t.Errorf("alert %s: does not join tier and owner from fundwatch_repo_info", r.Alert)
				}
			}
			if !firing[r.Alert] {
				t.Errorf("alert %s: no promtool test where it fires", r.Alert)
			}
			if !silent[r.Alert] {
				t.Errorf("alert %s: no promtool test where it stays silent", r.Alert)
			}
		}
	}
	sort.Strings(alerts)
	want := []string{"FundwatchCollectorStale", "FundwatchCriticalBusFactorOne", "FundwatchCriticalVolunteerOnly", "FundwatchDown",
		"FundwatchEmployerExit", "FundwatchGitHubRateLimitLow", "FundwatchMaintainerHandover", "FundwatchProjectAbandoned", "FundwatchSeriesDropped", "FundwatchUnresponsiveMaintainers",
		"FundwatchWatchListResolveFailing"}
	if strings.Join(alerts, " ") != strings.Join(want, " ") {
		t.Errorf("alerts = %v, want %v", alerts, want)
	}
}

// testedAlerts reads the promtool test file: which alerts some test expects
// to fire, and which some test expects to stay silent. A test that expects
// other alerts at the same instant counts as silence for the rest only when
// it names them, so silence must be asserted explicitly.
func testedAlerts(t *testing.T) (firing, silent map[string]bool) {
	t.Helper()
	var tf struct {
		Tests []struct {
			AlertRuleTest []struct {
				Alertname string `yaml:"alertname"`
				ExpAlerts []any  `yaml:"exp_alerts"`
			} `yaml:"alert_rule_test"`
			InputSeries []struct {
				Series string `yaml:"series"`
			} `yaml:"input_series"`
		} `yaml:"tests"`
	}
	data, err := os.ReadFile(testFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, &tf); err != nil {
		t.Fatal(err)
	}
	firing, silent = map[string]bool{}, map[string]bool{}
	for _, tc := range tf.Tests {
		for _, a := range tc.AlertRuleTest {
			if len(a.ExpAlerts) > 0 {
				firing[a.Alertname] = true
			} else {
				silent[a.Alertname] = true
			}
		}
	}
	return firing, silent
}
