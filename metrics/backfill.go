package metrics

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"google.golang.org/protobuf/proto"

	"github.com/fundwatch/fundwatch/analysis"
)

// historicalFamilies are the families a backfill replays: the analysis
// signals, which are computed as of an instant from dated facts, and the
// watch-list info that dashboards and alert rules join on. Repository
// metadata (stars, archived, ...) and collection status are only known as
// of now, so writing them into the past would be made up.
func historicalFamilies() map[string]bool {
	out := map[string]bool{repoInfo.Name: true, repoCommitsAvailable.Name: true}
	for _, f := range Catalogue() {
		switch f.Subject {
		case SubjectWork, SubjectPeople, SubjectHealth, SubjectRisk:
			out[f.Name] = true
		}
	}
	return out
}

// WriteHistory writes the signals of h as of each instant (ascending) as
// OpenMetrics text with timestamps, the input of
// `promtool tsdb create-blocks-from openmetrics`. Samples are grouped by
// family and by series, in time order within a series, as the format
// requires. sel selects the families as /metrics does (nil: the
// defaults), so that the past and the present have the same series.
func WriteHistory(w io.Writer, h *analysis.History, instants []time.Time, sel *Selection) (samples int, err error) {
	keep := historicalFamilies()
	// family -> series key -> points in time order
	points := map[string]map[string][]*dto.Metric{}
	for i, at := range instants {
		if i > 0 && !at.After(instants[i-1]) {
			return 0, fmt.Errorf("backfill instants must ascend: %s after %s", at, instants[i-1])
		}
		ms := constMetrics(h.At(at), sel)
		for _, m := range ms {
			name := familyName(m)
			if !keep[name] {
				continue
			}
			var d dto.Metric
			if err := m.Write(&d); err != nil {
				return 0, err
			}
			d.TimestampMs = proto.Int64(at.UnixMilli())
			if points[name] == nil {
				points[name] = map[string][]*dto.Metric{}
			}
			k := seriesKey(&d)
			points[name][k] = append(points[name][k], &d)
		}
	}
	for _, f := range Catalogue() {
		series := points[f.Name]
		if len(series) == 0 {
			continue
		}
		keys := make([]string, 0, len(series))
		for k := range series {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		mf := &dto.MetricFamily{Name: proto.String(f.Name), Help: proto.String(f.Help), Type: dtoType(f.Type)}
		for _, k := range keys {
			mf.Metric = append(mf.Metric, series[k]...)
			samples += len(series[k])
		}
		if _, err := expfmt.MetricFamilyToOpenMetrics(w, mf); err != nil {
			return samples, err
		}
	}
	_, err = expfmt.FinalizeOpenMetrics(w)
	return samples, err
}

// Instants returns the instants from from to to (inclusive of to) every
// step, aligned so that the last one is to.
func Instants(from, to time.Time, step time.Duration) []time.Time {
	if step <= 0 || to.Before(from) {
		return nil
	}
	n := int(to.Sub(from) / step)
	out := make([]time.Time, 0, n+1)
	for i := n; i >= 0; i-- {
		out = append(out, to.Add(-time.Duration(i)*step))
	}
	return out
}

var familyOfDesc = func() map[*prometheus.Desc]string {
	m := map[*prometheus.Desc]string{}
	for name, d := range descs {
		m[d] = name
	}
	return m
}()

func familyName(m prometheus.Metric) string { return familyOfDesc[m.Desc()] }

func seriesKey(d *dto.Metric) string {
	var b strings.Builder
	for _, l := range d.Label {
		b.WriteString(l.GetName())
		b.WriteByte(0)
		b.WriteString(l.GetValue())
		b.WriteByte(0)
	}
	return b.String()
}

func dtoType(t prometheus.ValueType) *dto.MetricType {
	switch t {
	case prometheus.CounterValue:
		return dto.MetricType_COUNTER.Enum()
	default:
		return dto.MetricType_GAUGE.Enum()
	}
}
