package collectors

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/fundwatch/fundwatch/ghrepo"
	"github.com/fundwatch/fundwatch/store"
)

// Commit history read over git has names and emails; who does the work is
// counted by GitHub account. GitHub links an email to an account, and says
// which for any commit made with it (Commit.author.user): one GraphQL
// query answers for LoginBatch commits, at one point, whatever the batch
// size (no connections). Only recently active authors are asked (whose
// profiles the analysis reads); each email once.
const (
	// LoginBatch is how many commits one login query asks about.
	LoginBatch = 100
	// unlinkedRecheck is how long an email GitHub linked to no account
	// stays unasked: people add addresses to their accounts later.
	unlinkedRecheck = 30 * 24 * time.Hour
)

// LoginQuery asks, for n commits of one repository passed as $c0..$c{n-1},
// which accounts their author and committer emails are linked to.
func LoginQuery(n int) string { return loginQuery.text(n) }

var loginQuery = batchQuery{
	name:     "Logins",
	vars:     []string{"$owner: String!", "$name: String!"},
	itemVars: func(i int) []string { return []string{fmt.Sprintf("$c%d: GitObjectID!", i)} },
	open:     "repository(owner: $owner, name: $name) {",
	field:    func(i int) string { return fmt.Sprintf("c%d: object(oid: $c%d) { ...who }", i, i) },
	close:    "}",
	fragment: `fragment who on Commit {
  author { email user { login } }
  committer { email user { login } }
}
`,
}

// noreply matches GitHub's private commit emails, which name the account:
// "ID+login@users.noreply.github.com" (or, before 2017, without the ID).
var noreply = regexp.MustCompile(`(?i)^(?:[0-9]+\+)?([a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\[bot\])?)@users\.noreply\.github\.com$`)

// noreplyLogin returns the login a GitHub noreply email names, or "".
func noreplyLogin(email string) string {
	if m := noreply.FindStringSubmatch(email); m != nil {
		return m[1]
	}
	return ""
}

// resolveLogins fills in the author and committer logins of commits (read
// over git, so without logins) from what is known of their emails: the
// noreply form, the store's answers, and for emails of authors active in
// the last year that nothing is known of, GitHub's answer. A failed lookup
// leaves those logins empty and returns the error: the caller keeps the
// commits but not its cursor, so the next refresh reads them again and
// asks again.
func resolveLogins(ctx context.Context, env *Env, repo ghrepo.Name, commits []store.Commit) error {
	emails := map[string]bool{}
	for _, c := range commits {
		for _, e := range []string{c.AuthorEmail, c.CommitterEmail} {
			if e != "" && noreplyLogin(e) == "" {
				emails[strings.ToLower(e)] = true
			}
		}
	}
	list := make([]string, 0, len(emails))
	for e := range emails {
		list = append(list, e)
	}
	known, err := env.Store.EmailLogins(ctx, list)
	if err != nil {
		return err
	}
	// Ask about the newest recent commit of each email nothing (fresh) is
	// known of.
	now := env.now()
	stale := func(e string) bool {
		k, ok := known[e]
		return !ok || k.Login == "" && env.clock().Sub(k.CheckedAt) > unlinkedRecheck
	}
	ask := map[string]string{} // email → sha
	askAt := map[string]time.Time{}
	for _, c := range commits {
		// Only authors of the analysis's year window (Env.ActiveWindow):
		// the ones whose profiles it reads.
		if now.Sub(c.AuthorTime) > env.activeWindow() {
			continue
		}
		for _, e := range []string{c.AuthorEmail, c.CommitterEmail} {
			e = strings.ToLower(e)
			if emails[e] && stale(e) && c.AuthorTime.After(askAt[e]) {
				ask[e], askAt[e] = c.SHA, c.AuthorTime
			}
		}
	}
	var lookupErr error
	if len(ask) > 0 {
		var got map[string]store.EmailLogin
		got, lookupErr = lookupLogins(ctx, env, repo, ask)
		for e, r := range got {
			known[e] = r
		}
	}
	login := func(email string) string {
		if l := noreplyLogin(email); l != "" {
			return l
		}
		return known[strings.ToLower(email)].Login
	}
	for i := range commits {
		c := &commits[i]
		if c.AuthorLogin == "" {
			c.AuthorLogin = login(c.AuthorEmail)
		}
		if c.CommitterLogin == "" {
			c.CommitterLogin = login(c.CommitterEmail)
		}
	}
	return lookupErr
}

// lookupLogins asks GitHub which accounts the emails of ask (email → a
// commit made with it) are linked to, records the answers and returns
// them by lower-case email, with the errors of the batches that failed.
// Emails it could not learn about are absent.
func lookupLogins(ctx context.Context, env *Env, repo ghrepo.Name, ask map[string]string) (map[string]store.EmailLogin, error) {
	var errs []error
	// One commit per email, in a stable order; a commit can answer for
	// two emails (author and committer).
	shas := make([]string, 0, len(ask))
	seen := map[string]bool{}
	for _, sha := range ask {
		if !seen[sha] {
			seen[sha] = true
			shas = append(shas, sha)
		}
	}
	sort.Strings(shas)
	at := apiName(ctx, env, repo)
	out := map[string]store.EmailLogin{}
	for start := 0; start < len(shas); start += LoginBatch {
		chunk := shas[start:min(start+LoginBatch, len(shas))]
		vars := map[string]any{"owner": at.Owner, "name": at.Repo}
		for i, sha := range chunk {
			vars["c"+strconv.Itoa(i)] = sha
		}
		var data struct {
			Repository map[string]*struct {
				Author, Committer struct {
					Email string `json:"email"`
					User  *struct {
						Login string `json:"login"`
					} `json:"user"`
				}
			} `json:"repository"`
		}
		_, err := env.GH.Query(ctx, "logins", LoginQuery(len(chunk)), vars, &data)
		if err != nil {
			errs = append(errs, fmt.Errorf("looking up the accounts of %d commits' emails: %w", len(chunk), err))
			continue
		}
		checked := env.clock().UTC()
		var rows []store.EmailLogin
		for i := range chunk {
			c := data.Repository["c"+strconv.Itoa(i)]
			if c == nil {
				continue // unknown to GitHub (not pushed yet?): ask again later
			}
			for _, a := range []struct {
				Email string
				User  *struct {
					Login string `json:"login"`
				}
			}{{c.Author.Email, c.Author.User}, {c.Committer.Email, c.Committer.User}} {
				e := strings.ToLower(a.Email)
				if _, wanted := ask[e]; !wanted || a.Email == "" {
					continue
				}
				r := store.EmailLogin{Email: a.Email, CheckedAt: checked}
				if a.User != nil {
					r.Login = a.User.Login
				}
				out[e] = r
				rows = append(rows, r)
			}
		}
		if err := env.Store.SetEmailLogins(context.WithoutCancel(ctx), rows); err != nil {
			errs = append(errs, err)
		}
	}
	return out, errors.Join(errs...)
}
