package dashboards

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"

	"github.com/grafana/grafana-foundation-sdk/go/bargauge"
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
)

// Dashboard is one generated dashboard and the file it is written to.
type Dashboard struct {
	// File is the JSON file's name inside dashboards/, e.g. "triage.json".
	File      string
	Dashboard dashboard.Dashboard
}

// UIDs of the dashboards, for links between them.
const (
	OverviewUID   = "fundwatch-overview"
	TriageUID     = "fundwatch-triage"
	ProjectUID    = "fundwatch-project"
	CollectorsUID = "fundwatch-collectors"
)

// Tag is carried by every fundwatch dashboard; the dashboards link to each
// other through it.
const Tag = "fundwatch"

// schemaVersion is the dashboard schema of the Grafana the stack ships
// (docker-compose.yml: grafana 11.1), which the generated JSON follows.
const schemaVersion = 39

// All builds the four dashboards, in a fixed order.
func All() ([]Dashboard, error) {
	specs := []struct {
		file  string
		build func() *dashboard.DashboardBuilder
	}{
		{"overview.json", overview},
		{"triage.json", triage},
		{"project.json", project},
		{"collectors.json", collectors},
	}
	out := make([]Dashboard, 0, len(specs))
	for _, s := range specs {
		d, err := s.build().Build()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.file, err)
		}
		d.SchemaVersion = schemaVersion
		for i := range d.Links {
			// The SDK defaults links into Grafana 12's controls menu;
			// Grafana 11 shows them above the panels, as intended.
			d.Links[i].Placement = nil
		}
		numberPanels(&d)
		out = append(out, Dashboard{File: s.file, Dashboard: d})
	}
	return out, nil
}

// numberPanels gives every panel and row a stable id, in layout order.
func numberPanels(d *dashboard.Dashboard) {
	id := uint32(0)
	for i := range d.Panels {
		id++
		switch p := d.Panels[i]; {
		case p.Panel != nil:
			p.Panel.Id = ptr(id)
		case p.RowPanel != nil:
			p.RowPanel.Id = id
		}
	}
}

// Render returns every dashboard as indented JSON with a trailing newline,
// keyed by file name. The output is deterministic.
func Render() (map[string][]byte, error) {
	all, err := All()
	if err != nil {
		return nil, err
	}
	out := make(map[string][]byte, len(all))
	for _, d := range all {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(d.Dashboard); err != nil {
			return nil, fmt.Errorf("%s: %w", d.File, err)
		}
		out[d.File] = b.Bytes()
	}
	return out, nil
}

// Query is one panel query of a generated dashboard, with its template
// variables as written in the dashboard (see Substitute).
type Query struct {
	Dashboard string // dashboard uid
	Panel     string // panel title
	RefID     string
	Expr      string
	// Instant is true for queries Grafana evaluates once, at the end of
	// the time range (stats, tables); the others are range queries.
	Instant bool
	// Optional, when set, says why the query may legitimately return
	// nothing (e.g. a signal the demo's REST data cannot provide); tests
	// that require data should skip such queries.
	Optional string
	// NeedsGit marks a query that has data only where history came over
	// git (authors' UTC offsets): tests require its data where git is
	// usable, and allow none elsewhere.
	NeedsGit bool
}

// optional records why a query may return nothing, by its expression.
// Keep it short: every other query returns data on the demo.
var optional = map[string]string{}

// needsGit lists the queries whose data only history read over git has.
var needsGit = map[string]bool{exprWorkingHours: true}

// Queries lists every panel query of every dashboard, in dashboard and
// layout order. It panics if the dashboards cannot be built, which the
// package's tests rule out.
func Queries() []Query {
	rendered, err := Render()
	if err != nil {
		panic(err)
	}
	var out []Query
	for _, file := range sortedKeys(rendered) {
		var d struct {
			UID    string      `json:"uid"`
			Panels []jsonPanel `json:"panels"`
		}
		if err := json.Unmarshal(rendered[file], &d); err != nil {
			panic(fmt.Sprintf("%s: %v", file, err))
		}
		for _, p := range flatten(d.Panels) {
			for _, t := range p.Targets {
				out = append(out, Query{Dashboard: d.UID, Panel: p.Title, RefID: t.RefID, Expr: t.Expr, Instant: t.Instant, Optional: optional[t.Expr], NeedsGit: needsGit[t.Expr]})
			}
		}
	}
	return out
}

// jsonPanel is the part of a rendered panel the package's own checks read.
type jsonPanel struct {
	Type        string      `json:"type"`
	Title       string      `json:"title"`
	Description string      `json:"description"`
	Panels      []jsonPanel `json:"panels"`
	Targets     []struct {
		RefID   string `json:"refId"`
		Expr    string `json:"expr"`
		Instant bool   `json:"instant"`
	} `json:"targets"`
}

// flatten returns the panels that are not rows, rows' nested panels
// included.
func flatten(ps []jsonPanel) []jsonPanel {
	var out []jsonPanel
	for _, p := range ps {
		if p.Type == "row" {
			out = append(out, flatten(p.Panels)...)
			continue
		}
		out = append(out, p)
	}
	return out
}

// Order of the dashboards in Queries: the order of All.
func sortedKeys(m map[string][]byte) []string {
	order := map[string]int{"overview.json": 0, "triage.json": 1, "project.json": 2, "collectors.json": 3}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		oi, iok := order[keys[i]]
		oj, jok := order[keys[j]]
		if iok && jok {
			return oi < oj
		}
		if iok != jok {
			return iok
		}
		return keys[i] < keys[j]
	})
	return keys
}

// DefaultVars are the values Substitute uses for Grafana's built-in
// variables and the datasource when vars does not override them.
var DefaultVars = map[string]string{
	"__rate_interval": "1m",
	"__interval":      "30s",
	"__interval_ms":   "30000",
	"__range":         "1d",
	"__range_s":       "86400",
	"__range_ms":      "86400000",
	"datasource":      "prometheus",
}

var varRef = regexp.MustCompile(`\$\{([A-Za-z0-9_]+)(?::[A-Za-z]+)?\}|\$([A-Za-z0-9_]+)|\[\[([A-Za-z0-9_]+)\]\]`)

// Substitute replaces Grafana template variables in expr ($name, ${name},
// ${name:format}, [[name]]) with their values from vars, falling back to
// DefaultVars; variables found in neither are left as they are.
func Substitute(expr string, vars map[string]string) string {
	return varRef.ReplaceAllStringFunc(expr, func(ref string) string {
		m := varRef.FindStringSubmatch(ref)
		name := m[1] + m[2] + m[3]
		if v, ok := vars[name]; ok {
			return v
		}
		if v, ok := DefaultVars[name]; ok {
			return v
		}
		return ref
	})
}

// ---- building blocks shared by the dashboards ----

func ptr[T any](v T) *T { return &v }

// ds is the datasource every panel and query uses: the dashboard's
// "datasource" variable.
func ds() common.DataSourceRef {
	return common.DataSourceRef{Type: ptr("prometheus"), Uid: ptr("${datasource}")}
}

// newDashboard starts a dashboard with fundwatch's common settings: the
// datasource variable and links to the other fundwatch dashboards.
func newDashboard(uid, title, description, from, refresh string, tags ...string) *dashboard.DashboardBuilder {
	return dashboard.NewDashboardBuilder(title).
		Uid(uid).
		Description(description).
		Tags(append([]string{Tag}, tags...)).
		Time(from, "now").
		Refresh(refresh).
		Timezone(common.TimeZoneBrowser).
		Tooltip(dashboard.DashboardCursorSyncCrosshair).
		Editable().
		WithVariable(dashboard.NewDatasourceVariableBuilder("datasource").
			Label("Data source").
			Description("The Prometheus that scrapes fundwatch and evaluates its recording rules.").
			Type("prometheus").
			Current(dashboard.VariableOption{
				Text:  dashboard.StringOrArrayOfString{String: ptr("Prometheus")},
				Value: dashboard.StringOrArrayOfString{String: ptr("prometheus")},
			})).
		Link(dashboard.NewDashboardLinkBuilder("fundwatch").
			Type(dashboard.DashboardLinkTypeDashboards).
			Tags([]string{Tag}).
			Icon("external link").
			Tooltip("Other fundwatch dashboards").
			AsDropdown(false).
			IncludeVars(true).
			KeepTime(true))
}

// projectLink is the URL of the drill-down for the repository in a data
// link; repo is the data-link expression naming it.
func projectLink(repo string) string {
	return "/d/" + ProjectUID + "/fundwatch-project?var-repo=" + repo + "&${datasource:queryparam}&${__url_time_range}"
}

// drillDownLinks is the data link from a repository to its drill-down.
func drillDownLinks(repo string) []map[string]any {
	return []map[string]any{{
		"title":       "Open the project drill-down",
		"url":         projectLink(repo),
		"targetBlank": false,
	}}
}

// rangeQ is a range query (time series) with a legend.
func rangeQ(ref, expr, legend string) *prometheus.DataqueryBuilder {
	return prometheus.NewDataqueryBuilder().
		Datasource(ds()).
		RefId(ref).
		Expr(expr).
		Range().
		EditorMode(prometheus.QueryEditorModeCode).
		LegendFormat(legend)
}

// instantQ is an instant query (the latest value) with a legend.
func instantQ(ref, expr, legend string) *prometheus.DataqueryBuilder {
	return prometheus.NewDataqueryBuilder().
		Datasource(ds()).
		RefId(ref).
		Expr(expr).
		Instant().
		EditorMode(prometheus.QueryEditorModeCode).
		LegendFormat(legend)
}

// tableQ is an instant query in table format: one row per series, one
// column per label and a "Value #<ref>" column.
func tableQ(ref, expr string) *prometheus.DataqueryBuilder {
	return prometheus.NewDataqueryBuilder().
		Datasource(ds()).
		RefId(ref).
		Expr(expr).
		Instant().
		Format(prometheus.PromQueryFormatTable).
		EditorMode(prometheus.QueryEditorModeCode)
}

// thresholds builds absolute thresholds: base color, then (value, color)
// steps.
func thresholds(base string, steps ...any) *dashboard.ThresholdsConfigBuilder {
	ts := []dashboard.Threshold{{Value: nil, Color: base}}
	for i := 0; i+1 < len(steps); i += 2 {
		ts = append(ts, dashboard.Threshold{Value: ptr(toFloat(steps[i])), Color: steps[i+1].(string)})
	}
	return dashboard.NewThresholdsConfigBuilder().Mode(dashboard.ThresholdsModeAbsolute).Steps(ts)
}

func toFloat(v any) float64 {
	switch v := v.(type) {
	case int:
		return float64(v)
	case float64:
		return v
	}
	panic(fmt.Sprintf("threshold value %v", v))
}

// Colors of "lower is worse" and "higher is worse" values.
var (
	riskThresholds = func() *dashboard.ThresholdsConfigBuilder {
		return thresholds("green", 0.25, "yellow", 0.5, "orange", 0.75, "red")
	}
	paidThresholds = func() *dashboard.ThresholdsConfigBuilder {
		return thresholds("red", 0.1, "orange", 0.3, "yellow", 0.5, "green")
	}
	busFactorThresholds = func() *dashboard.ThresholdsConfigBuilder {
		return thresholds("red", 2, "orange", 3, "green")
	}
	countThresholds = func() *dashboard.ThresholdsConfigBuilder { // 0 fine, any is notable
		return thresholds("green", 1, "orange")
	}
)

// valueText maps exact values to text and colour.
func valueText(pairs ...string) []dashboard.ValueMapping {
	opts := map[string]dashboard.ValueMappingResult{}
	for i := 0; i+2 < len(pairs); i += 3 {
		opts[pairs[i]] = dashboard.ValueMappingResult{Text: ptr(pairs[i+1]), Color: ptr(pairs[i+2]), Index: ptr(int32(i / 3))}
	}
	return []dashboard.ValueMapping{{ValueMap: &dashboard.ValueMap{Type: dashboard.MappingTypeValueToText, Options: opts}}}
}

func lastValue() *common.ReduceDataOptionsBuilder {
	return common.NewReduceDataOptionsBuilder().Calcs([]string{"lastNotNull"}).Values(false)
}

// statPanel shows the latest value of each series.
func statPanel(title, desc, unit string, w, h uint32, targets ...*prometheus.DataqueryBuilder) *stat.PanelBuilder {
	p := stat.NewPanelBuilder().
		Title(title).
		Description(desc).
		Datasource(ds()).
		Span(w).Height(h).
		Unit(unit).
		ReduceOptions(lastValue()).
		ColorMode(common.BigValueColorModeValue).
		GraphMode(common.BigValueGraphModeNone).
		TextMode(common.BigValueTextModeAuto).
		JustifyMode(common.BigValueJustifyModeAuto).
		Orientation(common.VizOrientationAuto)
	for _, t := range targets {
		p.WithTarget(t)
	}
	return p
}

// timeseriesPanel draws lines with a table legend showing the last value.
func timeseriesPanel(title, desc, unit string, w, h uint32, targets ...*prometheus.DataqueryBuilder) *timeseries.PanelBuilder {
	p := timeseries.NewPanelBuilder().
		Title(title).
		Description(desc).
		Datasource(ds()).
		Span(w).Height(h).
		Unit(unit).
		LineWidth(1).
		FillOpacity(10).
		ShowPoints(common.VisibilityModeNever).
		SpanNulls(common.BoolOrFloat64{Bool: ptr(false)}).
		Legend(common.NewVizLegendOptionsBuilder().
			DisplayMode(common.LegendDisplayModeTable).
			Placement(common.LegendPlacementBottom).
			ShowLegend(true).
			Calcs([]string{"lastNotNull"})).
		Tooltip(common.NewVizTooltipOptionsBuilder().Mode(common.TooltipDisplayModeMulti).Sort(common.SortOrderDescending))
	for _, t := range targets {
		p.WithTarget(t)
	}
	return p
}

// stacked makes a time series panel stack its series.
func stacked(p *timeseries.PanelBuilder) *timeseries.PanelBuilder {
	return p.Stacking(common.NewStackingConfigBuilder().Mode(common.StackingModeNormal)).FillOpacity(60).LineWidth(0)
}

// barGaugePanel shows the latest value of each series as horizontal bars.
func barGaugePanel(title, desc, unit string, w, h uint32, targets ...*prometheus.DataqueryBuilder) *bargauge.PanelBuilder {
	p := bargauge.NewPanelBuilder().
		Title(title).
		Description(desc).
		Datasource(ds()).
		Span(w).Height(h).
		Unit(unit).
		ReduceOptions(lastValue()).
		Orientation(common.VizOrientationHorizontal).
		DisplayMode(common.BarGaugeDisplayModeGradient).
		ValueMode(common.BarGaugeValueModeColor).
		NamePlacement(common.BarGaugeNamePlacementAuto).
		ShowUnfilled(true).
		Sizing(common.BarGaugeSizingAuto)
	for _, t := range targets {
		p.WithTarget(t)
	}
	return p
}

// tablePanel is a table of instant table-format queries.
func tablePanel(title, desc string, w, h uint32, targets ...*prometheus.DataqueryBuilder) *table.PanelBuilder {
	p := table.NewPanelBuilder().
		Title(title).
		Description(desc).
		Datasource(ds()).
		Span(w).Height(h).
		CellHeight(common.TableCellHeightSm).
		ShowHeader(true).
		Filterable(true).
		Align(common.FieldTextAlignmentAuto).
		CellOptions(common.TableCellOptions{TableAutoCellOptions: &common.TableAutoCellOptions{Type: "auto"}}).
		Footer(common.NewTableFooterOptionsBuilder().Show(false).Reducer([]string{"sum"}).CountRows(false))
	for _, t := range targets {
		p.WithTarget(t)
	}
	return p
}

// column describes one column of a table built from several queries.
type column struct {
	field string // source field: a label, or "Value #<ref>"
	name  string // displayed name
	unit  string
	props []dashboard.DynamicConfigValue
}

// mergeTable joins table-format queries on their common labels (Time and
// repo) into one table, keeps the given columns in order under their
// display names, hides everything else listed in hide, and applies units.
func mergeTable(p *table.PanelBuilder, cols []column, hide ...string) *table.PanelBuilder {
	rename := map[string]string{}
	index := map[string]int{}
	exclude := map[string]bool{"Time": true, "__name__": true}
	for _, h := range hide {
		exclude[h] = true
	}
	for i, c := range cols {
		index[c.field] = i
		if c.name != "" && c.name != c.field {
			rename[c.field] = c.name
		}
	}
	p.WithTransformation(dashboard.DataTransformerConfig{Id: "merge", Options: map[string]any{}})
	p.WithTransformation(dashboard.DataTransformerConfig{Id: "organize", Options: map[string]any{
		"excludeByName": exclude,
		"indexByName":   index,
		"renameByName":  rename,
	}})
	for _, c := range cols {
		name := c.name
		if name == "" {
			name = c.field
		}
		props := append([]dashboard.DynamicConfigValue{}, c.props...)
		if c.unit != "" {
			props = append([]dashboard.DynamicConfigValue{{Id: "unit", Value: c.unit}}, props...)
		}
		if len(props) > 0 {
			p.OverrideByName(name, props)
		}
	}
	return p
}

// colorCells colours a table column's cells by its thresholds.
func colorCells(t *dashboard.ThresholdsConfigBuilder) []dashboard.DynamicConfigValue {
	th, err := t.Build()
	if err != nil {
		panic(err)
	}
	return []dashboard.DynamicConfigValue{
		{Id: "thresholds", Value: th},
		{Id: "custom.cellOptions", Value: map[string]any{"type": "color-text"}},
	}
}

// linkToProject is the override property linking a repo column to the
// drill-down.
func linkToProject() []dashboard.DynamicConfigValue {
	return []dashboard.DynamicConfigValue{{Id: "links", Value: drillDownLinks("${__value.raw}")}}
}

// row adds a full-width row header; the panels added after it belong to
// it. (Rows are kept expanded, with their panels at the top level, which
// is how Grafana stores expanded rows.)
func row(title string) *dashboard.RowBuilder {
	return dashboard.NewRowBuilder(title).Collapsed(false)
}

type cogLink = cog.Builder[dashboard.DashboardLink]

// dataLink is a panel data link (the SDK models it as a dashboard link of
// type "link").
func dataLink(title, url string) *dashboard.DashboardLinkBuilder {
	return dashboard.NewDashboardLinkBuilder(title).Type(dashboard.DashboardLinkTypeLink).Url(url)
}

type cogSort = cog.Builder[common.TableSortByFieldState]
