// Package e2e runs fundwatch the way users run it, next to the real
// programs it is meant to work with: a Prometheus (Debian's package)
// scraping the demo with the shipped rules and dashboards' queries, and
// promtool importing a backfill.
package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os/exec"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/internal/tooltest"
)

var binary string

func TestMain(m *testing.M) { tooltest.RunWithBinary(m, "../cmd/fundwatch", &binary) }

func freeAddr(t *testing.T) string { return tooltest.FreeAddr(t) }

// process is a started program whose output the test can wait on and
// print when something goes wrong.
type process struct {
	name string
	cmd  *exec.Cmd
	out  *tooltest.Output
}

func start(t *testing.T, name string, args ...string) *process {
	t.Helper()
	p := &process{name: name, cmd: exec.Command(args[0], args[1:]...)}
	p.out = tooltest.Start(t, name, p.cmd)
	return p
}

func (p *process) output() string { return p.out.String() }

// waitFor waits until the process prints a line containing s, for as long
// as it keeps printing (it fails after stall without a new line).
func (p *process) waitFor(t *testing.T, s string, stall time.Duration) {
	t.Helper()
	p.out.WaitFor(t, p.name, s, stall)
}

// eventually retries f until it returns nil or the timeout passes.
func eventually(t *testing.T, timeout time.Duration, what string, f func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still failing after %s: %v", what, timeout, err)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// promAPI is a client of Prometheus's HTTP API, enough for the tests.
type promAPI struct{ base string }

type promResult struct {
	Metric map[string]string `json:"metric"`
	Value  [2]any            `json:"value"`
}

func (p promAPI) get(ctx context.Context, path string, q url.Values, into any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.base+path+"?"+q.Encode(), nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var env struct {
		Status    string          `json:"status"`
		ErrorType string          `json:"errorType"`
		Error     string          `json:"error"`
		Data      json.RawMessage `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		return fmt.Errorf("%s: %d, %v", path, resp.StatusCode, err)
	}
	if env.Status != "success" {
		return fmt.Errorf("%s: %s: %s", path, env.ErrorType, env.Error)
	}
	return json.Unmarshal(env.Data, into)
}

// query runs an instant query (at the given time, or now when zero) and
// returns its vector or scalar result as samples.
func (p promAPI) query(ctx context.Context, expr string, at time.Time) ([]promResult, error) {
	q := url.Values{"query": {expr}}
	if !at.IsZero() {
		q.Set("time", fmt.Sprintf("%d", at.Unix()))
	}
	var data struct {
		ResultType string          `json:"resultType"`
		Result     json.RawMessage `json:"result"`
	}
	if err := p.get(ctx, "/api/v1/query", q, &data); err != nil {
		return nil, err
	}
	switch data.ResultType {
	case "vector":
		var v []promResult
		err := json.Unmarshal(data.Result, &v)
		return v, err
	case "scalar":
		var s [2]any
		if err := json.Unmarshal(data.Result, &s); err != nil {
			return nil, err
		}
		return []promResult{{Value: s}}, nil
	default:
		return nil, fmt.Errorf("result type %s", data.ResultType)
	}
}

func (r promResult) float() float64 {
	s, _ := r.Value[1].(string)
	var f float64
	fmt.Sscan(s, &f)
	return f
}
