package scenario

import (
	_ "embed"
	"time"
)

//go:embed demo.yaml
var demoYAML []byte

// DemoSpec returns a fresh copy of the built-in demo scenario. It panics if
// the embedded file is invalid, which the package tests rule out.
func DemoSpec() *Spec {
	s, err := Parse("demo.yaml", demoYAML)
	if err != nil {
		panic(err)
	}
	return s
}

// Demo expands the built-in demo scenario so that it ends at end.
func Demo(end time.Time) (*World, error) {
	s, err := Parse("demo.yaml", demoYAML)
	if err != nil {
		return nil, err
	}
	return Expand(s, end)
}
