package triage

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/fundwatch/fundwatch/internal/tooltest"
)

// TestPageInChromium loads the triage page in a real headless Chromium
// (Debian's chromium package): no console errors or CSP violations, every
// watched repository shown, and sorting by a column works both ways.
func TestPageInChromium(t *testing.T) {
	browser := tooltest.Require(t, "chromium", "chromium")
	r := Build(testSnapshot())
	var page bytes.Buffer
	if err := WriteHTML(&page, r); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page.Bytes())
	}))
	defer srv.Close()

	// The profile directory is removed after the browser has exited
	// (t.TempDir's cleanup can race Chromium's last writes).
	profile, err := os.MkdirTemp("", "fundwatch-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(profile)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(browser), chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.UserDataDir(profile))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	ctx, cancel := context.WithTimeout(bctx, 60*time.Second)
	defer cancel()

	var mu sync.Mutex
	var problems []string
	chromedp.ListenTarget(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.APITypeError || ev.Type == runtime.APITypeWarning {
				var args []string
				for _, a := range ev.Args {
					args = append(args, string(a.Value))
				}
				problems = append(problems, fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " ")))
			}
		case *runtime.EventExceptionThrown:
			problems = append(problems, "exception: "+ev.ExceptionDetails.Error())
		case *log.EventEntryAdded:
			// CSP violations and failed loads are reported here.
			if ev.Entry.Level == log.LevelError || ev.Entry.Level == log.LevelWarning {
				problems = append(problems, fmt.Sprintf("%s: %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL))
			}
		}
	})

	repos := func() []string {
		var out []string
		if err := chromedp.Run(ctx, chromedp.Evaluate(`Array.from(document.querySelectorAll("#triage tbody tr")).map(r => r.dataset.repo)`, &out)); err != nil {
			t.Fatal(err)
		}
		return out
	}
	if err := chromedp.Run(ctx, log.Enable(), runtime.Enable(), chromedp.Navigate(srv.URL), chromedp.WaitVisible("#triage")); err != nil {
		t.Fatalf("loading the page: %v", err)
	}
	got := repos()
	var want []string
	for _, row := range r.Rows {
		want = append(want, row.Repo)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("rows shown %v, want every watched repository in rank order %v", got, want)
	}

	// Click "Funding gap": ascending, unavailable last; click again:
	// descending, unavailable still last.
	click := func() {
		if err := chromedp.Run(ctx, chromedp.Click(`//th[normalize-space()="Funding gap"]`, chromedp.BySearch)); err != nil {
			t.Fatal(err)
		}
	}
	click()
	if got := strings.Join(repos(), " "); got != "big/healthy tie/b tie/a acme/json solo/yaml not/yet" && got != "big/healthy tie/a tie/b acme/json solo/yaml not/yet" {
		t.Errorf("after sorting by funding gap ascending: %s", got)
	}
	click()
	if got := repos(); got[0] != "solo/yaml" || got[1] != "acme/json" || got[len(got)-1] != "not/yet" {
		t.Errorf("after sorting by funding gap descending: %v", got)
	}
	// Sorting by name.
	if err := chromedp.Run(ctx, chromedp.Click(`//th[normalize-space()="Project"]`, chromedp.BySearch)); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(repos(), " "); got != "acme/json big/healthy not/yet solo/yaml tie/a tie/b" {
		t.Errorf("after sorting by project: %s", got)
	}
	// Give late console messages a moment.
	time.Sleep(200 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	for _, p := range problems {
		t.Errorf("browser: %s", p)
	}
}
