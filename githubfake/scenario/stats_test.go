package scenario

import (
	"fmt"
	"testing"
	"time"
)

func TestPrintStats(t *testing.T) {
	st := time.Now()
	w, err := Demo(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("took", time.Since(st), "users", len(w.Users))
	tc, ti, tp := 0, 0, 0
	for _, r := range w.Repos {
		pr, is := 0, 0
		for _, i := range r.Issues {
			if i.IsPull {
				pr++
			} else {
				is++
			}
		}
		ppl := map[string]bool{}
		bots := 0
		emp := map[string]int{}
		for _, c := range r.Commits {
			ppl[c.AuthorEmail] = true
			if c.TruthBot {
				bots++
			}
			emp[c.TruthEmployer]++
		}
		tc += len(r.Commits)
		ti += is
		tp += pr
		fmt.Printf("%-30s %-18s commits %5d issues %4d prs %4d comments %5d releases %3d emails %3d bots %4d %v\n", r.FullName(), r.Truth.Story, len(r.Commits), is, pr, len(r.Comments), len(r.Releases), len(ppl), bots, emp)
	}
	fmt.Println(tc, ti, tp)
}
