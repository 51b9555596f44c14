package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/alecthomas/kingpin/v2"
)

// healthcheckCmd is what a container's HEALTHCHECK runs (the image has no
// curl): GET a URL, exit 0 on 200, 1 otherwise, saying why.
type healthcheckCmd struct {
	cmd     *kingpin.CmdClause
	url     *string
	timeout *time.Duration
}

func newHealthcheckCmd(app *kingpin.Application) *healthcheckCmd {
	c := &healthcheckCmd{cmd: app.Command("healthcheck", "Check a running fundwatch: GET --url and exit 0 when it answers 200 (for container health checks).")}
	c.url = c.cmd.Flag("url", "URL to check.").Default("http://127.0.0.1" + defaultListen + "/-/healthy").String()
	c.timeout = c.cmd.Flag("timeout", "How long to wait for the answer.").Default("5s").Duration()
	return c
}

func (c *healthcheckCmd) run() int {
	client := &http.Client{Timeout: *c.timeout}
	resp, err := client.Get(*c.url)
	if err != nil {
		fmt.Fprintf(os.Stderr, "fundwatch healthcheck: %v\n", err)
		return 1
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(os.Stderr, "fundwatch healthcheck: %s answered %s\n", *c.url, resp.Status)
		return 1
	}
	return 0
}
