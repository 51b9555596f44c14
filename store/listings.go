package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// ListedRepo is one repository of an account listing.
type ListedRepo struct {
	Name     string `json:"name"`
	Fork     bool   `json:"fork"`
	Archived bool   `json:"archived"`
}

// AccountListing is the last complete listing of an account's repositories.
type AccountListing struct {
	Account  string
	Repos    []ListedRepo
	ListedAt time.Time
}

// SetAccountListing records a complete listing of account (case-insensitive),
// replacing the previous one.
func (s *Store) SetAccountListing(ctx context.Context, l AccountListing) error {
	if l.Account == "" {
		return errors.New("store: set account listing: empty account")
	}
	repos, err := json.Marshal(l.Repos)
	if err != nil {
		return fmt.Errorf("store: account listing of %s: %w", l.Account, err)
	}
	return s.write(ctx, "set account listing of "+l.Account, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO account_listings (account_key, account, repos, listed_at)
			VALUES (?, ?, ?, ?)
			ON CONFLICT (account_key) DO UPDATE SET
				account = excluded.account, repos = excluded.repos, listed_at = excluded.listed_at`,
			key(l.Account), l.Account, string(repos), l.ListedAt.Unix())
		return err
	})
}

// AccountListingOf returns the last listing recorded for account; false
// when there is none.
func (s *Store) AccountListingOf(ctx context.Context, account string) (AccountListing, bool, error) {
	var (
		l     AccountListing
		repos string
	)
	err := s.db.QueryRowContext(ctx, `SELECT account, repos, listed_at FROM account_listings WHERE account_key = ?`,
		key(account)).Scan(&l.Account, &repos, utc{&l.ListedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return AccountListing{}, false, nil
	}
	if err == nil {
		err = json.Unmarshal([]byte(repos), &l.Repos)
	}
	if err != nil {
		return AccountListing{}, false, fmt.Errorf("store: account listing of %s: %w", account, err)
	}
	return l, true, nil
}
