package main

import (
	"sync"
	"time"

	"github.com/fundwatch/fundwatch/collectors"
	"github.com/fundwatch/fundwatch/scheduler"
)

func collectorsOf(entries []scheduler.Entry) []collectors.Collector {
	out := make([]collectors.Collector, 0, len(entries))
	for _, e := range entries {
		out = append(out, e.Collector)
	}
	return out
}

// countFailures forwards to another observer and counts failed refreshes.
type countFailures struct {
	collectors.RunObserver
	n *int
}

var countMu sync.Mutex

func (c countFailures) RunFinished(name string, d time.Duration, failed int, err error) {
	countMu.Lock()
	*c.n += failed
	if failed == 0 && err != nil {
		*c.n++
	}
	countMu.Unlock()
	c.RunObserver.RunFinished(name, d, failed, err)
}
