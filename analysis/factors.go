package analysis

import "sort"

// busFactor is CHAOSS's contributor absence factor: the fewest people
// whose human commits make up at least half of all human commits in the
// window. Bots are not people; commits nobody can be named for count in
// the total but can never be picked, so they only make the factor larger.
func busFactor(cs []Contribution) int {
	counts := map[string]int{}
	total := 0
	for _, c := range cs {
		if c.Class == Bot {
			continue
		}
		total++
		if c.Person != "" {
			counts[c.Person]++
		}
	}
	return fewestCovering(counts, total)
}

// elephantFactor is CHAOSS's elephant factor: the fewest organisations
// whose people made at least half of the human commits. An employer is one
// organisation; a person without a known employer stands for themselves, so
// a one-volunteer project has elephant factor 1 and the value always exists
// when there is work.
func elephantFactor(cs []Contribution) int {
	counts := map[string]int{}
	total := 0
	for _, c := range cs {
		if c.Class == Bot {
			continue
		}
		total++
		switch {
		case c.Class == Paid:
			counts["employer:"+c.Employer]++
		case c.Person != "":
			counts["person:"+c.Person]++
		}
	}
	return fewestCovering(counts, total)
}

// fewestCovering returns how many of the largest counts it takes to reach
// half of total (0 when total is 0).
func fewestCovering(counts map[string]int, total int) int {
	if total == 0 {
		return 0
	}
	vs := make([]int, 0, len(counts))
	for _, v := range counts {
		vs = append(vs, v)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(vs)))
	sum := 0
	for i, v := range vs {
		sum += v
		if 2*sum >= total {
			return i + 1
		}
	}
	// Unattributed commits hold the majority: everyone named is needed,
	// and more.
	return len(vs) + 1
}
