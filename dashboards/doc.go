// Package dashboards builds fundwatch's Grafana dashboards as code with the
// Grafana Foundation SDK. The JSON files beside this package are generated
// from it (go generate ./dashboards) and provisioned into Grafana by
// docker-compose; a test fails when they are out of date.
//
// Four dashboards, cross-linked by the "fundwatch" tag:
//
//   - overview.json (uid fundwatch-overview): the whole watch list at a glance.
//   - triage.json (uid fundwatch-triage): one table of every watched
//     repository for grant triage, with a link to the drill-down.
//   - project.json (uid fundwatch-project): one repository in depth.
//   - collectors.json (uid fundwatch-collectors): fundwatch's own health.
//
// Every panel queries the Prometheus datasource chosen by the dashboard's
// "datasource" variable. Queries lists every panel query so tests can run
// them against a real Prometheus.
package dashboards

//go:generate go run ./gen
