package scenario

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/fundwatch/fundwatch/internal/strictyaml"
	"github.com/fundwatch/fundwatch/internal/userfile"
	"gopkg.in/yaml.v3"
)

// Spec is a scenario as written in YAML: a generative description of a world
// (who works where, which repositories exist, and how activity on each of them
// unfolds in phases). Expand turns it into a concrete World.
//
// All dates are Offsets relative to the end of the history, so the same spec
// always ends "now", whatever now is.
type Spec struct {
	Name string `yaml:"name"`
	// Seed makes expansion deterministic; change it for another world with
	// the same shape.
	Seed uint64 `yaml:"seed"`
	// Years of history; Start overrides it when set.
	Years int    `yaml:"years"`
	Start Offset `yaml:"start"`

	Employers []EmployerSpec `yaml:"employers"`
	Orgs      []OrgSpec      `yaml:"orgs"`
	People    []PersonSpec   `yaml:"people"`
	Crowds    []CrowdSpec    `yaml:"crowds"`
	Repos     []RepoSpec     `yaml:"repos"`

	file  string         // name given to Parse, for error messages
	lines map[string]int // YAML line of every decoded path
}

// EmployerSpec is a company that pays people. Its Org, when set, becomes an
// Organization account in the world.
type EmployerSpec struct {
	ID      string   `yaml:"id"`
	Name    string   `yaml:"name"`
	Domains []string `yaml:"domains"`
	Org     string   `yaml:"org"`
}

// OrgSpec is a GitHub organisation that is not an employer: a project or
// foundation org. Its Domains are project mail domains (e.g. fastjson.org),
// which identity resolution must never take for an employer.
type OrgSpec struct {
	Login       string   `yaml:"login"`
	Name        string   `yaml:"name"`
	Blog        string   `yaml:"blog"`
	Email       string   `yaml:"email"`
	Description string   `yaml:"description"`
	Domains     []string `yaml:"domains"`
	Created     Offset   `yaml:"created"`
	// Sponsors is the org's GitHub Sponsors profile; absent means no listing.
	Sponsors *SponsorsSpec `yaml:"sponsors"`
}

// PersonSpec is one named account: a human or (Type "Bot") an automation.
type PersonSpec struct {
	Login string `yaml:"login"`
	ID    int64  `yaml:"id"`   // defaults to a stable hash of the login
	Type  string `yaml:"type"` // "User" (default) or "Bot"
	Name  string `yaml:"name"`
	// Emails are personal commit addresses, first is preferred. When empty
	// one is derived from Mail.
	Emails []string `yaml:"emails"`
	// Mail is the personal mail style: a provider domain ("gmail.com",
	// "outlook.com", any domain) or "noreply" for ID+login@users.noreply.github.com.
	Mail string `yaml:"mail"`
	// Unlinked emails are not verified on the account: commits made with
	// them have no AuthorLogin.
	Unlinked    []string `yaml:"unlinked"`
	PublicEmail string   `yaml:"public_email"`
	// Company is the free-text profile field, as people write it.
	Company    string           `yaml:"company"`
	Orgs       []string         `yaml:"orgs"` // public org memberships
	UTC        string           `yaml:"utc"`  // "+02:00", "-5", "+5:30"
	Location   string           `yaml:"location"`
	Bio        string           `yaml:"bio"`
	Blog       string           `yaml:"blog"`
	Created    Offset           `yaml:"created"`
	Employment []EmploymentSpec `yaml:"employment"`
	// Sponsors is the person's GitHub Sponsors profile; absent means no listing.
	Sponsors *SponsorsSpec `yaml:"sponsors"`
}

// SponsorsSpec is a GitHub Sponsors profile as any authenticated caller sees
// it: whether a listing exists, how many sponsors show publicly, how many
// more sponsor privately (GitHub reveals that count, not who they are), and
// the listing's goal.
type SponsorsSpec struct {
	Listing bool `yaml:"listing"`
	Public  int  `yaml:"public"`
	Private int  `yaml:"private"`
	// Goal is the listing's active goal; absent means none.
	Goal *GoalSpec `yaml:"goal"`
}

// GoalSpec is a Sponsors goal. Kind "sponsors" counts sponsors (GitHub's
// TOTAL_SPONSORS_COUNT; progress comes from public+private), kind "monthly"
// counts dollars a month (MONTHLY_SPONSORSHIP_AMOUNT; progress from Monthly,
// since the scenario does not model tiers).
type GoalSpec struct {
	Kind        string `yaml:"kind"`
	Target      int    `yaml:"target"`
	Monthly     int    `yaml:"monthly"`
	Title       string `yaml:"title"` // default derived from kind and target, as GitHub does
	Description string `yaml:"description"`
}

// EmploymentSpec is a period during which an employer paid a person. A
// missing To means "until the end".
type EmploymentSpec struct {
	Employer string `yaml:"employer"`
	From     Offset `yaml:"from"`
	To       Offset `yaml:"to"`
	// Email is the corporate address; defaults to first.last@<first domain>.
	Email string `yaml:"email"`
}

// CrowdSpec generates Count similar people (drive-by contributors, issue
// reporters, a company's engineering team) without listing each one.
type CrowdSpec struct {
	ID    string `yaml:"id"`
	Count int    `yaml:"count"`
	// Mail providers, one drawn per member (default gmail.com).
	Mail []string `yaml:"mail"`
	// UTC offsets, one drawn per member (default +00:00).
	UTC []string `yaml:"utc"`
	// Company profile texts, one drawn per member (may include "").
	Company []string `yaml:"company"`
	// Orgs are public org memberships shown by an OrgShare of members.
	Orgs     []string `yaml:"orgs"`
	OrgShare float64  `yaml:"org_share"`
	// Unlinked is the share of members whose personal email is not linked
	// to their account.
	Unlinked float64 `yaml:"unlinked"`
	// Employment applies to every member (a company team).
	Employment []EmploymentSpec `yaml:"employment"`
	Locations  []string         `yaml:"locations"`
}

// RepoSpec is one repository and the phases of its activity.
type RepoSpec struct {
	Repo          string   `yaml:"repo"` // owner/name
	Description   string   `yaml:"description"`
	Homepage      string   `yaml:"homepage"`
	Language      string   `yaml:"language"`
	License       string   `yaml:"license"`
	Topics        []string `yaml:"topics"`
	DefaultBranch string   `yaml:"default_branch"`
	Stars         int      `yaml:"stars"`
	Forks         int      `yaml:"forks"`
	Watchers      int      `yaml:"watchers"`
	Tier          string   `yaml:"tier"`  // "critical" or ""
	Story         string   `yaml:"story"` // RepoTruth.Story
	// Funding is the raw .github/FUNDING.yml text (may be deliberately bad).
	Funding  string `yaml:"funding"`
	Created  Offset `yaml:"created"`
	Archived Offset `yaml:"archived"`
	// Version is the first release's version (default 0.1.0).
	Version string `yaml:"version"`
	// Messages is the commit message style: "plain" (default) or "conventional".
	Messages string      `yaml:"messages"`
	NoIssues bool        `yaml:"no_issues"`
	Phases   []PhaseSpec `yaml:"phases"`
	Events   []EventSpec `yaml:"events"`
}

// PhaseSpec is a period with steady behaviour. Phases of a repo must not
// overlap; gaps between them are quiet.
type PhaseSpec struct {
	From         Offset            `yaml:"from"`
	To           Offset            `yaml:"to"`
	Contributors []ContributorSpec `yaml:"contributors"`
	Issues       IssueSpec         `yaml:"issues"`
	Pulls        PullSpec          `yaml:"pulls"`
	Releases     ReleaseSpec       `yaml:"releases"`
}

// ContributorSpec is a person or a crowd committing at Rate commits a month.
type ContributorSpec struct {
	Person string `yaml:"person"`
	Crowd  string `yaml:"crowd"`
	// People is how many crowd members take part (default: all, at most 40).
	People int     `yaml:"people"`
	Rate   float64 `yaml:"rate"` // commits per month (for a crowd: in total)
	// Habit is "office" (Mon–Fri 09–17 local), "evening" (evenings and
	// weekends) or "any"; default office when paid, evening otherwise, any
	// for bots.
	Habit string `yaml:"habit"`
	// PR is the share of commits that arrive through a pull request
	// (default: the phase's pulls.share for people, 1 for crowds, 0 for bots).
	PR *float64 `yaml:"pr"`
	// Unpaid marks work done on the person's own time even while employed.
	Unpaid bool `yaml:"unpaid"`
}

// IssueSpec is the plain-issue traffic of a phase and how it is answered.
type IssueSpec struct {
	Rate float64 `yaml:"rate"` // plain issues per month
	// Authors are person logins or crowd ids; a crowd weighs 8 times a person.
	Authors []string `yaml:"authors"`
	Labels  []string `yaml:"labels"`
	// Responders answer issues (and review pull requests). Empty, or
	// response "none", means nobody answers.
	Responders []string `yaml:"responders"`
	Response   Span     `yaml:"response"` // median time to first response
	Answered   *float64 `yaml:"answered"` // share answered at all (default 0.9)
	Close      *float64 `yaml:"close"`    // share of answered issues closed (default 0.8)
	CloseAfter Span     `yaml:"close_after"`
}

// PullSpec says how pull requests are handled in a phase.
type PullSpec struct {
	Share    float64  `yaml:"share"`    // default PR share of named people's commits
	Mergers  []string `yaml:"mergers"`  // default: the phase's named human contributors
	Merge    Span     `yaml:"merge"`    // median time to merge (default 1d)
	Rejected *float64 `yaml:"rejected"` // closed-unmerged PRs per merged PR (default 0.1)
}

// ReleaseSpec is the release cadence of a phase.
type ReleaseSpec struct {
	Every      Span     `yaml:"every"`
	By         []string `yaml:"by"` // default: the phase's first merger
	Prerelease float64  `yaml:"prerelease"`
}

// EventSpec is a dated fact of the story (RepoTruth.Events).
type EventSpec struct {
	Kind     string `yaml:"kind"`
	Date     Offset `yaml:"date"`
	Employer string `yaml:"employer"`
	Person   string `yaml:"person"`
	Note     string `yaml:"note"`
}

// Offset is an instant relative to the end of the history: "-36mo",
// "-2y6mo", "-90d", "-12h", "0". Units: y, mo, w, d, h, m.
type Offset struct {
	Months int
	Days   int
	Dur    time.Duration
	Set    bool
	Text   string
}

// At places the offset relative to end.
func (o Offset) At(end time.Time) time.Time {
	return end.AddDate(0, o.Months, o.Days).Add(o.Dur)
}

func (o Offset) String() string { return o.Text }

var offsetRE = regexp.MustCompile(`^(\d+)(y|mo|w|d|h|m)`)

// ParseOffset reads an Offset such as "-36mo".
func ParseOffset(s string) (Offset, error) {
	o := Offset{Set: true, Text: s}
	t := strings.TrimSpace(s)
	if t == "0" || t == "-0" {
		return o, nil
	}
	if !strings.HasPrefix(t, "-") {
		return o, fmt.Errorf("bad date %q: dates are relative to the end and must be negative (-36mo, -2y, -90d) or 0", s)
	}
	months, days, dur, err := parseUnits(t[1:])
	if err != nil {
		return o, fmt.Errorf("bad date %q: %v; want e.g. -36mo, -2y6mo, -90d or 0", s, err)
	}
	o.Months, o.Days, o.Dur = -months, -days, -dur
	return o, nil
}

func parseUnits(t string) (months, days int, dur time.Duration, err error) {
	if t == "" {
		return 0, 0, 0, errors.New("missing amount")
	}
	for t != "" {
		m := offsetRE.FindStringSubmatch(t)
		if m == nil {
			return 0, 0, 0, fmt.Errorf("cannot read %q", t)
		}
		n, _ := strconv.Atoi(m[1])
		switch m[2] {
		case "y":
			months += 12 * n
		case "mo":
			months += n
		case "w":
			days += 7 * n
		case "d":
			days += n
		case "h":
			dur += time.Duration(n) * time.Hour
		case "m":
			dur += time.Duration(n) * time.Minute
		}
		t = t[len(m[0]):]
	}
	return months, days, dur, nil
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (o *Offset) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return errors.New("expected a date such as -36mo")
	}
	v, err := ParseOffset(n.Value)
	if err != nil {
		return err
	}
	*o = v
	return nil
}

// Span is a positive duration such as "6h", "3d", "2w", "2mo", or "none".
type Span struct {
	D    time.Duration
	None bool
	Set  bool
	Text string
}

func (s Span) String() string { return s.Text }

const month = time.Duration(30.436875 * 24 * float64(time.Hour))

// ParseSpan reads a Span.
func ParseSpan(text string) (Span, error) {
	s := Span{Set: true, Text: text}
	t := strings.TrimSpace(text)
	if t == "none" || t == "never" {
		s.None = true
		return s, nil
	}
	months, days, dur, err := parseUnits(t)
	if err != nil {
		return s, fmt.Errorf("bad duration %q: %v; want e.g. 6h, 3d, 2w, 2mo or none", text, err)
	}
	s.D = time.Duration(months)*month + time.Duration(days)*24*time.Hour + dur
	if s.D <= 0 {
		return s, fmt.Errorf("bad duration %q: must be positive", text)
	}
	return s, nil
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (s *Span) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return errors.New("expected a duration such as 6h")
	}
	v, err := ParseSpan(n.Value)
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Error is a problem in a scenario file, located by file, line and key path.
type Error = strictyaml.Error

// maxErrors caps how many problems one Parse reports.
const maxErrors = strictyaml.MaxErrors

// Parse reads a scenario. name is used in error messages (usually the file
// name). It checks the whole spec: unknown keys, bad dates and durations,
// references to unknown people, crowds, employers and orgs, and impossible
// periods; every problem names the file, line and key.
func Parse(name string, data []byte) (*Spec, error) {
	root, err := strictyaml.Parse(name, data)
	if err != nil {
		return nil, err
	}
	if root.Kind == 0 || len(root.Content) == 0 {
		return nil, &Error{File: name, Msg: "empty scenario"}
	}
	spec := &Spec{file: name, lines: map[string]int{}}
	if err := (&strictyaml.Decoder{File: name, Lines: spec.lines}).Decode(root, spec); err != nil {
		return nil, err
	}
	if _, err := spec.check(); err != nil {
		return nil, err
	}
	return spec, nil
}

// MaxFileBytes caps a scenario file: the built-in demo is 24 KiB, and a
// path the user names may be a symlink to /dev/zero or a FIFO.
const MaxFileBytes = 16 << 20

// Load reads and parses a scenario file: a regular file of at most
// MaxFileBytes (see internal/userfile).
func Load(path string) (*Spec, error) {
	data, err := userfile.Read(path, MaxFileBytes)
	if err != nil {
		return nil, err
	}
	return Parse(filepath.Base(path), data)
}
