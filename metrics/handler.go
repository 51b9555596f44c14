package metrics

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
)

// The snapshot's series change only when a snapshot is computed (after a
// collector run), but a scrape may come every few seconds; at 10,000
// watched repositories they are a million series. So, as kube-state-metrics
// does, they are encoded once, when they change, in the text format and
// gzipped; a scrape writes those bytes and encodes only the small live part
// (self-metrics, Go and process collectors). Two gzip members one after the
// other are one valid gzip stream, so the two parts need no re-compression.

// encoded is the snapshot's exposition, plain and gzipped.
type encoded struct {
	text, gz []byte
}

func encode(series, watch []prometheus.Metric) (encoded, error) {
	reg := prometheus.NewRegistry()
	if err := reg.Register(constCollector(append(append([]prometheus.Metric(nil), series...), watch...))); err != nil {
		return encoded{}, err
	}
	mfs, err := reg.Gather()
	if err != nil {
		return encoded{}, err
	}
	var text bytes.Buffer
	enc := expfmt.NewEncoder(&text, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, mf := range mfs {
		if err := enc.Encode(mf); err != nil {
			return encoded{}, err
		}
	}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestSpeed)
	zw.Write(text.Bytes())
	if err := zw.Close(); err != nil {
		return encoded{}, err
	}
	return encoded{text: text.Bytes(), gz: gz.Bytes()}, nil
}

// constCollector hands out prepared metrics; it describes nothing, so the
// registry checks them at gather time (unchecked collector).
type constCollector []prometheus.Metric

func (constCollector) Describe(chan<- *prometheus.Desc) {}
func (c constCollector) Collect(ch chan<- prometheus.Metric) {
	for _, m := range c {
		ch <- m
	}
}

// Handler serves the snapshot (pre-encoded) followed by what live gathers,
// in the Prometheus text format, gzipped when the client accepts it.
func (s *Snapshot) Handler(live prometheus.Gatherer, onError func(error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.RLock()
		enc, encErr := s.enc, s.encErr
		s.mu.RUnlock()
		if encErr != nil && onError != nil {
			onError(fmt.Errorf("encoding the snapshot: %w", encErr))
		}
		mfs, err := live.Gather()
		if err != nil && onError != nil {
			onError(err)
		}
		var liveText bytes.Buffer
		e := expfmt.NewEncoder(&liveText, expfmt.NewFormat(expfmt.TypeTextPlain))
		for _, mf := range mfs {
			if err := e.Encode(mf); err != nil && onError != nil {
				onError(err)
			}
		}
		w.Header().Set("Content-Type", string(expfmt.NewFormat(expfmt.TypeTextPlain)))
		if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			w.Header().Set("Content-Encoding", "gzip")
			w.Header().Set("Vary", "Accept-Encoding")
			w.Write(enc.gz)
			zw, _ := gzip.NewWriterLevel(w, gzip.BestSpeed)
			zw.Write(liveText.Bytes())
			zw.Close()
			return
		}
		w.Write(enc.text)
		w.Write(liveText.Bytes())
	})
}

// NewLiveRegistry is the registry of what changes between snapshots: the
// self-metrics, the build info and the standard Go and process collectors.
func NewLiveRegistry(self *Self) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	registerLive(reg, self)
	return reg
}
