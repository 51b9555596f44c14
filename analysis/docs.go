package analysis

import (
	"fmt"
	"strings"
)

// SignalsMarkdown renders docs/signals.md from the signal definitions and
// the default thresholds, so the documentation cannot drift from what the
// code computes.
func SignalsMarkdown() string {
	p := DefaultParams()
	var b strings.Builder
	b.WriteString("# Signals\n\n")
	b.WriteString("Generated from `analysis/defaults.yaml` by `go test ./analysis -update`; do not edit by hand.\n\n")
	b.WriteString("Every signal is computed as of an instant, over three windows, named by role in labels (durations are params): the last 90 days (`recent`), the last year (`year`), ")
	b.WriteString("and the year before the last year (`baseline`). Bots are never people: their commits are counted in class `bot` ")
	b.WriteString("and left out of every human figure. A signal that cannot be computed is reported unavailable — never as zero — ")
	b.WriteString("and never raises the risk score.\n\n")
	b.WriteString("## Who does the work\n\n")
	b.WriteString("- **Identity**: a person's e-mails and logins are merged when GitHub links an e-mail to a login, through GitHub noreply addresses, and through `.mailmap`; never on a name alone.\n")
	b.WriteString("- **Class** of a commit: `paid` when an employer is known for the author at that time (first answer wins: the user's affiliation file, built-in corporate domains, domains learned from the profiles of the people using them, the GitHub profile company, public membership of a known company organisation); `volunteer` on positive evidence (a profile saying independent, freelance, student, retired, ...; or a personal address used mostly outside working hours); `unknown` otherwise; `bot` for automation. Foundations and generic mail providers are never employers.\n")
	b.WriteString("- **Working-hours share**: an independent estimate — the share of human commits authored Monday to Friday, 09:00–16:59, in the author's own UTC offset (Riehle et al., 2014). Only available where offsets are known (git histories), not from the REST API.\n")
	b.WriteString("- **Bus factor** (CHAOSS contributor absence factor): the fewest people whose human commits cover 50% of the window's human commits.\n")
	b.WriteString("- **Elephant factor** (CHAOSS): the fewest organisations covering 50%; an employer is one organisation, a person without known employer counts as their own.\n\n")
	b.WriteString("## Lifecycle\n\n")
	fmt.Fprintf(&b, "Decided in this order:\n\n")
	fmt.Fprintf(&b, "1. `archived`: GitHub marks the repository archived.\n")
	fmt.Fprintf(&b, "2. `abandoned`: no commit in the last year, and at least 90%% of the issues opened in the last year got no answer from anyone but their author.\n")
	fmt.Fprintf(&b, "3. `inert`: no commit in the last year otherwise (issues still answered, none arriving, or issues not collected).\n")
	fmt.Fprintf(&b, "4. `declining`: last year's commits below %.0f%% of the year before, when that year had at least %d.\n", 100*p.Lifecycle.DecliningRatio, p.Lifecycle.DecliningMinPrevious)
	fmt.Fprintf(&b, "5. `active`: at least %d commits in the last 90 days.\n", p.Lifecycle.ActiveMinCommitsRecent)
	fmt.Fprintf(&b, "6. `stable`: otherwise — some commits in the last year at a low, not falling, rate (the finished-but-fine project).\n\n")
	b.WriteString("## Drift risk\n\n")
	b.WriteString("The score is `1 - Π(1 - weight)` over the distinct reasons that hold, so it stays within 0..1 and every reason raises it. Reasons:\n\n")
	b.WriteString("| reason | weight | meaning | how it is computed | what to do |\n|---|---|---|---|---|\n")
	for _, id := range Reasons {
		s := p.Signals[id]
		fmt.Fprintf(&b, "| `%s` — %s | %.2f | %s | %s | %s |\n", id, s.Title, p.Weights[id], s.Meaning, s.Computed, s.Action)
	}
	b.WriteString("\n## Default thresholds\n\nOverride any of them with `analysis.params` in the config file.\n\n```yaml\n")
	b.Write(defaultsYAML)
	b.WriteString("```\n")
	return b.String()
}
