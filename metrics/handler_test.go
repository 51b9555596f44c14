package metrics

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// The pre-encoded snapshot plus the live part is one valid exposition,
// plain or gzipped (two gzip members), with every family once and the
// same content a registry gather would give.
func TestHandlerServesSnapshotAndLive(t *testing.T) {
	s := allFamilies()
	s.Update(testSnapshot())
	s.UpdateWatch(map[string][]string{"gomod:go.mod": {"example.org/x"}})
	self := NewSelf([]string{"commits"})
	self.RunFinished("commits", 0, 0, nil)
	live := NewLiveRegistry(self, s)
	h := s.Handler(live, func(err error) { t.Error(err) })

	parse := func(body []byte) map[string]int {
		t.Helper()
		p := expfmt.NewTextParser(model.UTF8Validation)
		mfs, err := p.TextToMetricFamilies(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("not a valid exposition: %v", err)
		}
		out := map[string]int{}
		for name, mf := range mfs {
			out[name] = len(mf.Metric)
		}
		return out
	}
	get := func(gz bool) []byte {
		req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
		if gz {
			req.Header.Set("Accept-Encoding", "gzip")
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		body := rec.Body.Bytes()
		if gz {
			if rec.Header().Get("Content-Encoding") != "gzip" {
				t.Fatal("no gzip")
			}
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			if body, err = io.ReadAll(zr); err != nil {
				t.Fatal(err)
			}
		}
		return body
	}
	plain, zipped := get(false), get(true)
	// The Go and process collectors move between two scrapes; fundwatch's
	// own series must not.
	own := func(b []byte) string {
		var out []string
		for _, l := range strings.Split(string(b), "\n") {
			if strings.Contains(l, "fundwatch_") && !strings.Contains(l, "scrape") {
				out = append(out, l)
			}
		}
		return strings.Join(out, "\n")
	}
	if own(plain) != own(zipped) {
		t.Error("gzipped and plain scrapes differ")
	}
	got := parse(plain)
	// What a full registry gather gives, family by family.
	mfs, err := NewRegistry(s, self).Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if got[mf.GetName()] != len(mf.Metric) {
			t.Errorf("%s: %d series served, a gather has %d", mf.GetName(), got[mf.GetName()], len(mf.Metric))
		}
	}
	for _, want := range []string{"fundwatch_repo_stars", "fundwatch_watch_unmapped", "fundwatch_collector_runs_total", "go_goroutines", "fundwatch_build_info"} {
		if got[want] == 0 {
			t.Errorf("%s not served", want)
		}
	}
	if strings.Count(string(plain), "# TYPE fundwatch_repo_stars ") != 1 {
		t.Error("a family is served twice")
	}
}
