package scenario

import (
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// WebFlow is the account GitHub records as committer of pull requests merged
// in the web interface.
const WebFlow = "web-flow"

type expander struct {
	spec   *Spec
	ix     *index
	end    time.Time
	start  time.Time
	world  *World
	people map[string]*person
	crowds map[string][]*person
	ids    map[int64]bool
	emails map[string]bool
	logins map[string]bool // lower-cased
}

func hash64(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

func (x *expander) rng(stream string) *rand.Rand {
	return rand.New(rand.NewPCG(x.spec.Seed, hash64(stream)))
}

// id gives a stable, unique account id derived from the login.
func (x *expander) id(login string, want int64) int64 {
	id := want
	if id == 0 {
		id = 1_000_000 + int64(hash64("user/"+login)%90_000_000)
	}
	for x.ids[id] {
		id++
	}
	x.ids[id] = true
	return id
}

// Expand turns a spec into a concrete world ending at end. It is
// deterministic: the same spec and end give a deep-equal World.
func Expand(spec *Spec, end time.Time) (*World, error) {
	ix, err := spec.check()
	if err != nil {
		return nil, err
	}
	end = end.Truncate(time.Second)
	x := &expander{
		spec:   spec,
		ix:     ix,
		end:    end,
		start:  spec.start(end),
		people: map[string]*person{},
		crowds: map[string][]*person{},
		ids:    map[int64]bool{},
		emails: map[string]bool{},
		logins: map[string]bool{},
		world:  &World{Name: spec.Name, End: end, Users: map[string]*User{}},
	}
	x.orgs()
	x.webFlow()
	x.namedPeople()
	for i := range spec.Crowds {
		x.crowd(&spec.Crowds[i])
	}
	for i := range spec.Repos {
		x.world.Repos = append(x.world.Repos, x.repo(&spec.Repos[i]))
	}
	slices.SortFunc(x.world.Repos, func(a, b *Repo) int {
		return strings.Compare(strings.ToLower(a.FullName()), strings.ToLower(b.FullName()))
	})
	return x.world, nil
}
