package metrics

import (
	"bytes"
	"compress/gzip"
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

// encoded is the snapshot's exposition, plain (in pieces, see chunks) and
// gzipped.
type encoded struct {
	text [][]byte
	gz   []byte
}

// encode renders what is exported. It cannot fail as a whole: what it
// could not write as given is in the problems it returns.
func encode(e exported) (encoded, encodeProblems) {
	sink := newTextSink()
	e.render(cleanLabels(sink.emit, &sink.problems))
	var text chunks
	sink.write(&text)
	pieces := text.done()
	var gz bytes.Buffer
	// Writes to a bytes.Buffer do not fail.
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestSpeed)
	for _, p := range pieces {
		zw.Write(p)
	}
	zw.Close()
	return encoded{text: pieces, gz: gz.Bytes()}, sink.problems
}

// Handler serves the snapshot (pre-encoded) followed by what live gathers,
// in the Prometheus text format, gzipped when the client accepts it.
func (s *Snapshot) Handler(live prometheus.Gatherer, onError func(error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// What the snapshot's encoding left out is reported once, by
		// Update's error and fundwatch_exporter_series_dropped, not on
		// every scrape.
		s.mu.RLock()
		enc := s.enc
		s.mu.RUnlock()
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
		for _, p := range enc.text {
			w.Write(p)
		}
		w.Write(liveText.Bytes())
	})
}

// NewLiveRegistry is the registry of what changes between snapshots: the
// self-metrics, what the encoding of snap left out or repaired, the build
// info and the standard Go and process collectors.
func NewLiveRegistry(self *Self, snap *Snapshot) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	registerLive(reg, self, snap)
	return reg
}
