// Package scenario describes a synthetic GitHub world: the people, employers,
// repositories and events of several years, written as YAML and expanded
// deterministically into concrete commits, issues, comments and releases.
//
// The expanded World is what githubfake serves. It also keeps the truth the
// analysis tries to recover (who was paid by whom, when an employer left), so
// later tests can score fundwatch's conclusions against it.
package scenario

import "time"

// World is a fully expanded scenario: everything githubfake can serve.
type World struct {
	// Name of the scenario, e.g. "demo".
	Name string
	// End is the instant the history ends ("now" of the scenario).
	End time.Time
	// Users holds people, bots and organisations, keyed by login.
	Users map[string]*User
	// Repos in a stable order (owner/name ascending).
	Repos []*Repo
	// Employers is the ground truth of who pays whom (see Employment).
	Employers []Employer
}

// User is a GitHub account: a person (Type "User"), a bot (Type "Bot") or an
// organisation (Type "Organization").
type User struct {
	Login     string
	ID        int64
	Type      string // "User", "Bot" or "Organization"
	Name      string
	Company   string // free-text profile field, as people write it ("@acme", "Acme Inc.")
	Email     string // public profile email, may be empty
	Blog      string
	Location  string
	Bio       string
	CreatedAt time.Time
	// Orgs are the organisations this user is a *public* member of.
	Orgs []string
	// Emails are the commit emails this person uses (truth; not all are public).
	Emails []string
	// UTCOffset is the person's usual time-zone offset in minutes east of UTC.
	UTCOffset int
	// Employment is the truth about who paid this person, over time.
	Employment []Employment
	// Sponsors is the account's GitHub Sponsors profile; nil when it has
	// no listing (and so no sponsors).
	Sponsors *Sponsors
}

// Sponsors is what GitHub's GraphQL API tells any authenticated caller
// about an account's Sponsors profile.
type Sponsors struct {
	HasListing bool
	Public     int // active sponsorships visible to everyone
	Private    int // active private sponsorships: counted, never named
	Goal       *SponsorsGoal
}

// Total is the number of active sponsorships, private ones included.
func (s *Sponsors) Total() int { return s.Public + s.Private }

// SponsorsGoal is a listing's active goal, as GraphQL's SponsorsGoal.
type SponsorsGoal struct {
	Kind            string // "TOTAL_SPONSORS_COUNT" or "MONTHLY_SPONSORSHIP_AMOUNT"
	TargetValue     int    // sponsors, or dollars a month
	PercentComplete int    // 0..100
	Title           string
	Description     string
}

// Employment is one period during which a person was paid by an employer.
// To is zero while the employment is ongoing.
type Employment struct {
	Employer string
	From     time.Time
	To       time.Time
}

// Employer is a company (or foundation) in the world.
type Employer struct {
	ID      string   // short stable id, e.g. "acme"
	Name    string   // display name, e.g. "Acme Corp"
	Domains []string // corporate email domains
	Org     string   // GitHub org login of the company, may be empty
}

// Repo is one repository with its whole history. Slices are sorted oldest
// first; githubfake orders responses the way GitHub does.
type Repo struct {
	Owner         string
	Name          string
	ID            int64
	Description   string
	Homepage      string
	Language      string
	License       string // SPDX id, e.g. "MIT"; empty for none
	DefaultBranch string
	Topics        []string
	CreatedAt     time.Time
	Archived      bool
	ArchivedAt    time.Time // when it was archived (zero if not archived)
	Fork          bool
	HasIssues     bool
	Stars         int
	Forks         int
	Watchers      int
	// FundingYML is the raw .github/FUNDING.yml; empty means the file is absent.
	FundingYML string

	Commits  []Commit
	Issues   []Issue // issues and pull requests share one number space
	Comments []Comment
	Releases []Release

	// Truth describes the story this repository was built to tell.
	Truth RepoTruth
}

// FullName returns "owner/name".
func (r *Repo) FullName() string { return r.Owner + "/" + r.Name }

// Commit is one commit on the default branch.
type Commit struct {
	SHA            string
	Parents        []string
	Message        string
	AuthorName     string
	AuthorEmail    string
	AuthorLogin    string    // GitHub login linked to the author email; "" when unlinked
	AuthorDate     time.Time // carries the author's own UTC offset
	CommitterName  string
	CommitterEmail string
	CommitterLogin string
	CommitterDate  time.Time
	// TruthEmployer is the employer that paid for this commit ("" = unpaid).
	TruthEmployer string
	// TruthBot is true for commits made by automation.
	TruthBot bool
}

// Issue is an issue or (IsPull) a pull request.
type Issue struct {
	Number    int
	Title     string
	Body      string
	User      string // author login
	Labels    []string
	CreatedAt time.Time
	ClosedAt  time.Time // zero while open
	ClosedBy  string
	IsPull    bool
	MergedAt  time.Time // pull requests only; zero if not merged
	MergedBy  string
	Draft     bool
	Locked    bool
}

// Comment is an issue or pull-request conversation comment.
type Comment struct {
	ID          int64
	IssueNumber int
	User        string
	Body        string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Release is a published (or draft) release.
type Release struct {
	ID          int64
	TagName     string
	Name        string
	Body        string
	Author      string
	Draft       bool
	Prerelease  bool
	CreatedAt   time.Time
	PublishedAt time.Time
}

// RepoTruth is what the scenario author intended the repository to show.
type RepoTruth struct {
	// Story is a short machine-readable kind: "healthy-corporate",
	// "employer-exit", "volunteer-critical", "abandoned", "finished",
	// "handover", "revived", "archived", "bot-heavy", ...
	Story  string
	Tier   string // "critical" or ""
	Events []Event
}

// Event is a dated fact of the story, e.g. an employer leaving.
type Event struct {
	Kind     string // "employer-exit", "handover", "funding", "archived", "last-commit", ...
	Date     time.Time
	Employer string
	Person   string
	Note     string
}
