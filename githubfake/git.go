package githubfake

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The fake serves each repository's history over git's smart HTTP
// protocol at the web host, as github.com does:
//
//	GET  /{owner}/{repo}.git/info/refs?service=git-upload-pack
//	POST /{owner}/{repo}.git/git-upload-pack
//
// so that `git clone --bare --filter=blob:none http://host/owner/repo.git`
// and later `git fetch` work against it, anonymously (repositories are
// public). The protocol itself is the real one: requests go to
// `git http-backend` through net/http/cgi.
//
// What is served is built on the first git request, and only then, so the
// fake keeps working for REST and GraphQL without git installed: one bare
// repository for the whole world, made by one `git fast-import` stream of
// every repository's history. A repository's default branch lives in the
// namespace r<pos> (refs/namespaces/r<pos>/refs/heads/..., with a HEAD
// there naming it), and a request is served with GIT_NAMESPACE set to its
// repository's namespace, so a client sees that repository's branch and
// HEAD only. The namespace is filled on the first request for its
// repository: on the slow file systems of CI a loose ref costs about half
// a millisecond, so writing 20,000 of them up front made a 10,000-
// repository world take 17 s to build instead of about one (see
// BenchmarkGitWorld). fast-import therefore writes its commits under a
// single scratch ref (refs/fake/import), resetting it between
// repositories; nothing prunes the commits no ref reaches yet (gc.auto=0).
// One repository rather than one per scenario repository for the same
// reason: a `git init` writes a few dozen files (25 ms each here, so 250 s
// for 10,000 repositories before any history is imported).
//
// The horizon holds for git too: the served branch points at the newest
// commit at or before it (none: no refs, an empty repository), and
// SetHorizon moves the branches in one update-ref transaction. Objects
// past the horizon exist in the shared object store but no served ref
// reaches them.
//
// Repository conditions apply: a deleted repository (or one unknown or not
// yet created) is 404, a blocked one 451, a renamed one answers 301 to the
// same git path under its new name (git follows it for info/refs and goes
// on at the new address), an empty one has no refs. Of the injected
// faults, those a git server or the network in front of it can produce
// strike git requests too: 500, 502, 503, slow, reset and abort (the pack
// cut in the middle); rate limits (git costs no API quota), broken JSON
// and list shifts do not apply. Git requests are counted under their own
// routes (GitRefsRoute, GitUploadPackRoute) and never charged to any rate
// limit.

// Routes under which git requests are counted.
const (
	GitRefsRoute       = "/{owner}/{repo}.git/info/refs"
	GitUploadPackRoute = "/{owner}/{repo}.git/git-upload-pack"
)

// CloneURL is the address to clone the repository fullName ("owner/name")
// from a fake served at serverURL (e.g. an httptest.Server's URL): the
// REST repository object's clone_url.
func CloneURL(serverURL, fullName string) string {
	return strings.TrimSuffix(serverURL, "/") + "/" + fullName + ".git"
}

// gitServe is the git side of a Server: the repository it materializes and
// the refs it last set there.
type gitServe struct {
	dir    string // Options.GitDir; "" for a temporary directory
	mu     sync.Mutex
	root   string // GIT_PROJECT_ROOT, holding worldRepo
	owned  bool   // root was created here and Close removes it
	built  bool
	err    error    // why building failed; kept, so every request says it
	active []bool   // per repository position: its namespace is filled
	refs   []string // per repository position: the served branch's commit, "" for none
	closed bool
}

const (
	worldRepo = "world.git"
	importRef = "refs/fake/import"
	// noRefsNamespace has no refs: repositories the RepoEmpty condition
	// empties are served from it.
	noRefsNamespace = "none"
	// maxGitRequestBody bounds a chunked upload-pack request, which is
	// buffered because CGI needs a Content-Length; negotiations are a few
	// kilobytes.
	maxGitRequestBody = 64 << 20
)

func namespaceOf(pos int) string { return "r" + strconv.Itoa(pos) }

// Close removes the repository the fake built to serve git, unless it was
// built in Options.GitDir. The fake still answers REST and GraphQL after
// Close; git requests fail.
func (s *Server) Close() error {
	g := &s.git
	g.mu.Lock()
	defer g.mu.Unlock()
	g.closed = true
	if g.owned && g.root != "" {
		root := g.root
		g.root, g.built = "", false
		return os.RemoveAll(root)
	}
	return nil
}

// gitRequest splits a git path into the repository and the operation
// ("info/refs", "git-upload-pack", or something the fake does not serve).
// ok is false for paths that are not git's: the second segment must end
// in ".git".
func gitRequest(path string) (owner, repo, op string, ok bool) {
	parts := strings.SplitN(strings.TrimPrefix(path, "/"), "/", 3)
	if len(parts) != 3 || parts[0] == "" {
		return "", "", "", false
	}
	repo, ok = strings.CutSuffix(parts[1], ".git")
	if !ok || repo == "" {
		return "", "", "", false
	}
	return parts[0], repo, parts[2], true
}

// gitFaultApplies says which fault kinds strike git requests.
func gitFaultApplies(k FaultKind) bool {
	switch k {
	case Fault500, Fault502, Fault503, FaultSlow, FaultReset, FaultAbort:
		return true
	}
	return false
}

// serveGit answers r if it is a git request; false leaves it to REST.
func (s *Server) serveGit(w http.ResponseWriter, r *http.Request) bool {
	owner, name, op, ok := gitRequest(r.URL.Path)
	if !ok {
		return false
	}
	route := unknownRoute
	switch {
	case op == "info/refs":
		route = GitRefsRoute
	case op == "git-upload-pack":
		route = GitUploadPackRoute
	}
	fault := s.faults.pick(route, r.URL.Path, gitFaultApplies)
	if fault != nil && s.beforeServing(w, r, fault, route) {
		return true
	}
	rec := &statusWriter{ResponseWriter: w}
	if fault != nil && fault.Kind == FaultAbort {
		s.serveGitAborted(w, r, fault, route, owner, name, op)
		return true
	}
	if fault != nil && (fault.Kind == Fault500 || fault.Kind == Fault502 || fault.Kind == Fault503) {
		code, _ := strconv.Atoi(string(fault.Kind))
		s.faults.count(fault.Kind)
		gitError(rec, code, http.StatusText(code))
	} else {
		s.serveGitRepo(rec, r, owner, name, op)
	}
	s.counts.add(route, rec.code())
	return true
}

// serveGitAborted is the abort fault: the answer's headers and part of its
// body, then a dropped connection.
func (s *Server) serveGitAborted(w http.ResponseWriter, r *http.Request, f *Fault, route, owner, name, op string) {
	rec := httptest.NewRecorder()
	s.serveGitRepo(rec, r, owner, name, op)
	body := rec.Body.Bytes()
	if rec.Code != http.StatusOK || len(body) < 2 {
		copyRecorded(w, rec)
		s.counts.add(route, rec.Code)
		return
	}
	s.faults.count(f.Kind)
	s.counts.add(route, rec.Code)
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(rec.Code)
	_, _ = w.Write(body[:1+s.faults.intn(len(body)-1)])
	if fl, ok := w.(http.Flusher); ok {
		fl.Flush()
	}
	panic(http.ErrAbortHandler)
}

func copyRecorded(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

// serveGitRepo answers a git request for owner/name from the current
// snapshot and repository conditions.
func (s *Server) serveGitRepo(w http.ResponseWriter, r *http.Request, owner, name, op string) {
	switch op {
	case "info/refs":
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			gitError(w, http.StatusMethodNotAllowed, "Method Not Allowed")
			return
		}
		if svc := r.URL.Query().Get("service"); svc != "git-upload-pack" {
			// Dumb HTTP and pushes: the fake serves fetches only.
			gitError(w, http.StatusForbidden, "Only git-upload-pack over the smart HTTP protocol is served.")
			return
		}
	case "git-upload-pack":
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", "POST")
			gitError(w, http.StatusMethodNotAllowed, "Method Not Allowed")
			return
		}
	default:
		gitError(w, http.StatusNotFound, "Not Found")
		return
	}
	full := owner + "/" + name
	ns := ""
	switch st := s.states.get(full); st.Condition {
	case RepoDeleted:
		gitError(w, http.StatusNotFound, "Repository not found.")
		return
	case RepoBlocked:
		gitError(w, http.StatusUnavailableForLegalReasons, "Repository access blocked.")
		return
	case RepoRenamed:
		if ri := s.idx.repoByName[strings.ToLower(st.To)]; ri != nil {
			loc := webBase(r) + "/" + ri.repo.FullName() + ".git/" + op
			if r.URL.RawQuery != "" {
				loc += "?" + r.URL.RawQuery
			}
			w.Header().Set("Location", loc)
			gitError(w, http.StatusMovedPermanently, "Moved Permanently")
			return
		}
		gitError(w, http.StatusNotFound, "Repository not found.")
		return
	case RepoEmpty:
		ns = noRefsNamespace
	}
	ri := s.idx.repoByName[strings.ToLower(full)]
	if ri == nil || !s.snapshot().repos[ri.pos].visible {
		gitError(w, http.StatusNotFound, "Repository not found.")
		return
	}
	if ns == "" {
		ns = namespaceOf(ri.pos)
	}
	activate := -1
	if ns != noRefsNamespace {
		activate = ri.pos
	}
	root, gitPath, err := s.gitRoot(activate)
	if err != nil {
		gitError(w, http.StatusServiceUnavailable, "githubfake cannot serve git: "+err.Error())
		return
	}
	req := r.Clone(r.Context())
	req.URL.Path = "/" + worldRepo + "/" + op
	req.URL.RawPath = ""
	// The backend needs none of the caller's credentials.
	req.Header.Del("Authorization")
	req.Header.Del("Cookie")
	if req.ContentLength < 0 || len(req.TransferEncoding) > 0 {
		// net/http/cgi refuses chunked bodies (git sends one when a
		// negotiation outgrows http.postBuffer): buffer it.
		body, err := io.ReadAll(io.LimitReader(r.Body, maxGitRequestBody+1))
		if err != nil || len(body) > maxGitRequestBody {
			gitError(w, http.StatusBadRequest, "request body unreadable or too large")
			return
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.ContentLength = int64(len(body))
		req.TransferEncoding = nil
	}
	h := &cgi.Handler{
		Path: gitPath,
		Args: []string{"http-backend"},
		Dir:  root,
		Env: append(gitEnv(root),
			"GIT_PROJECT_ROOT="+root,
			"GIT_HTTP_EXPORT_ALL=1",
			"GIT_NAMESPACE="+ns,
		),
		Stderr: io.Discard,
	}
	h.ServeHTTP(w, req)
}

// webBase is the origin the client used, for redirects.
func webBase(r *http.Request) string {
	if r.TLS != nil {
		return "https://" + r.Host
	}
	return "http://" + r.Host
}

// gitError answers as github.com's git frontend does: plain text.
func gitError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(code)
	_, _ = io.WriteString(w, msg+"\n")
}

// statusWriter remembers the status a handler answered with.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Flush() {
	if fl, ok := w.ResponseWriter.(http.Flusher); ok {
		fl.Flush()
	}
}

func (w *statusWriter) code() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}

// gitEnv isolates the fake's git processes from the user's and the
// system's configuration.
func gitEnv(home string) []string {
	return []string{"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "HOME=" + home, "GIT_TERMINAL_PROMPT=0"}
}

// gitRoot returns the project root and the git program, building the
// repository on first use and filling the namespace of the repository at
// position pos (if pos >= 0) on its first request.
func (s *Server) gitRoot(pos int) (root, gitPath string, err error) {
	g := &s.git
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return "", "", errors.New("the server is closed")
	}
	if g.err != nil {
		return "", "", g.err
	}
	gitPath, err = exec.LookPath("git")
	if err != nil {
		return "", "", fmt.Errorf("git is not installed: %w", err)
	}
	if !g.built {
		if g.err = s.buildGit(gitPath); g.err != nil {
			return "", "", g.err
		}
		g.built = true
	}
	if pos >= 0 && !g.active[pos] {
		if err := s.activate(gitPath, pos); err != nil {
			return "", "", err
		}
	}
	return g.root, gitPath, nil
}

// activate fills the namespace of the repository at pos: its HEAD and its
// branch at the horizon. Called with s.git.mu held.
func (s *Server) activate(gitPath string, pos int) error {
	g := &s.git
	ri := s.idx.repos[pos]
	dir := filepath.Join(g.root, worldRepo, "refs", "namespaces", namespaceOf(pos))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	// git 2.39's update-ref cannot write a symbolic ref, and symbolic-ref
	// would be one more process per repository: the loose ref file is
	// written as git writes it.
	head := "ref: " + s.servedBranch(ri) + "\n"
	if err := os.WriteFile(filepath.Join(dir, "HEAD"), []byte(head), 0o644); err != nil {
		return err
	}
	g.active[pos] = true
	return s.updateRefs(gitPath)
}

// syncGitRefs points the served branches at the current horizon, if the
// repository has been built (else building will).
func (s *Server) syncGitRefs() {
	g := &s.git
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.built || g.closed {
		return
	}
	gitPath, err := exec.LookPath("git")
	if err == nil {
		err = s.updateRefs(gitPath)
	}
	if err != nil {
		// Serving the old horizon would be a silent lie: fail every git
		// request instead.
		g.err, g.built = fmt.Errorf("moving branches to the horizon: %w", err), false
	}
}

// buildGit makes the world's repository: init, one fast-import of every
// repository's history, a check that git named every commit as New did,
// the namespaces' HEADs, and the branches at the horizon. Called with
// s.git.mu held.
func (s *Server) buildGit(gitPath string) error {
	g := &s.git
	if g.root == "" {
		if g.dir != "" {
			if err := os.MkdirAll(g.dir, 0o755); err != nil {
				return err
			}
			g.root = g.dir
		} else {
			dir, err := os.MkdirTemp("", "githubfake-git-")
			if err != nil {
				return err
			}
			g.root, g.owned = dir, true
		}
	}
	repo := filepath.Join(g.root, worldRepo)
	if err := os.RemoveAll(repo); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	run := func(stdin io.Reader, args ...string) ([]byte, error) {
		cmd := exec.CommandContext(ctx, gitPath, args...)
		cmd.Dir = g.root
		cmd.Env = append(os.Environ(), gitEnv(g.root)...)
		cmd.Stdin = stdin
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("git %s: %v: %s", args[0], err, strings.TrimSpace(stderr.String()))
		}
		return out, nil
	}
	if _, err := run(nil, "init", "--quiet", "--bare", repo); err != nil {
		return err
	}
	for _, kv := range [][2]string{
		{"uploadpack.allowFilter", "true"}, // --filter=blob:none
		{"gc.auto", "0"},                   // nothing may prune or repack under a request
		{"core.logAllRefUpdates", "false"},
		{"http.receivepack", "false"},
	} {
		if _, err := run(nil, "-C", repo, "config", kv[0], kv[1]); err != nil {
			return err
		}
	}
	marksFile := filepath.Join(g.root, "marks")
	stream, marks := s.gitStream()
	pr, pw := io.Pipe()
	go func() {
		bw := bufio.NewWriterSize(pw, 1<<16)
		err := stream(bw)
		if err == nil {
			err = bw.Flush()
		}
		pw.CloseWithError(err)
	}()
	if _, err := run(pr, "-C", repo, "fast-import", "--quiet", "--done", "--export-marks="+marksFile); err != nil {
		return err
	}
	if err := checkMarks(marksFile, marks); err != nil {
		return err
	}
	os.Remove(marksFile)
	g.active = make([]bool, len(s.idx.repos))
	g.refs = make([]string, len(s.idx.repos))
	return nil
}

// servedBranch is the full name of ri's branch in its namespace.
func (s *Server) servedBranch(ri *repoIndex) string {
	return "refs/namespaces/" + namespaceOf(ri.pos) + "/refs/heads/" + gitBranch(ri)
}

// gitBranch is the repository's default branch if git accepts it as a
// branch name, else "main" (only a hand-written world can get that
// wrong).
func gitBranch(ri *repoIndex) string {
	b := ri.repo.DefaultBranch
	if b == "" || !validRefName(b) {
		return "main"
	}
	return b
}

// validRefName is a conservative subset of git check-ref-format.
func validRefName(b string) bool {
	if strings.HasPrefix(b, "-") || strings.HasPrefix(b, "/") || strings.HasSuffix(b, "/") ||
		strings.HasSuffix(b, ".") || strings.HasSuffix(b, ".lock") || strings.Contains(b, "..") ||
		strings.Contains(b, "//") || strings.Contains(b, "/.") || strings.HasPrefix(b, ".") || b == "HEAD" {
		return false
	}
	for _, r := range b {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '-' || r == '_' || r == '.' || r == '/') {
			return false
		}
	}
	return true
}

// updateRefs moves every served branch (of the filled namespaces) whose
// horizon commit changed, in one transaction. Called with s.git.mu held.
func (s *Server) updateRefs(gitPath string) error {
	g := &s.git
	snap := s.snapshot()
	var in strings.Builder
	want := make([]string, len(g.refs))
	for i, ri := range s.idx.repos {
		if !g.active[i] {
			continue
		}
		if v := snap.repos[i]; v.nCommits > 0 {
			want[i] = ri.commits[v.nCommits-1].SHA
		}
		switch {
		case want[i] == g.refs[i]:
		case want[i] == "":
			fmt.Fprintf(&in, "delete %s\n", s.servedBranch(ri))
		default:
			fmt.Fprintf(&in, "update %s %s\n", s.servedBranch(ri), want[i])
		}
	}
	if in.Len() == 0 {
		return nil
	}
	cmd := exec.Command(gitPath, "-C", filepath.Join(g.root, worldRepo), "update-ref", "--stdin")
	cmd.Env = append(os.Environ(), gitEnv(g.root)...)
	cmd.Stdin = strings.NewReader(in.String())
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("git update-ref: %v: %s", err, strings.TrimSpace(string(out)))
	}
	g.refs = want
	return nil
}

// gitStream returns a writer of the fast-import stream of every
// repository's whole history, and the commit ID each mark must get.
// Commits are written with the same gitobj.Commit values New hashed
// (githistory.go), so fast-import computes the same IDs.
func (s *Server) gitStream() (func(w *bufio.Writer) error, map[int]string) {
	marks := map[int]string{}
	next := 0
	type plan struct {
		ri        *repoIndex
		blob      int
		commitOne int // mark of the first commit
	}
	var plans []plan
	for _, ri := range s.idx.repos {
		if len(ri.commits) == 0 {
			continue
		}
		p := plan{ri: ri}
		if ri.git.funding != "" {
			next++
			p.blob = next
			marks[next] = ri.git.funding
		}
		p.commitOne = next + 1
		for _, c := range ri.commits {
			next++
			marks[next] = c.SHA
		}
		plans = append(plans, p)
	}
	write := func(w *bufio.Writer) error {
		for _, p := range plans {
			ri := p.ri
			if p.blob != 0 {
				fmt.Fprintf(w, "blob\nmark :%d\ndata %d\n%s\n", p.blob, len(ri.repo.FundingYML), ri.repo.FundingYML)
			}
			markOf := make(map[string]int, len(ri.commits))
			// A root commit, not a child of the previous repository's last.
			w.WriteString("reset " + importRef + "\n")
			for i, c := range ri.commits {
				mark := p.commitOne + i
				markOf[c.SHA] = mark
				gc := gitCommit(c, ri.git.tree)
				fmt.Fprintf(w, "commit %s\nmark :%d\nauthor %s\ncommitter %s\ndata %d\n%s\n",
					importRef, mark, gc.Author, gc.Committer, len(gc.Message), gc.Message)
				for j, parent := range c.Parents {
					verb := "merge"
					if j == 0 {
						verb = "from"
					}
					fmt.Fprintf(w, "%s :%d\n", verb, markOf[parent])
				}
				if i == 0 && p.blob != 0 {
					fmt.Fprintf(w, "M 100644 :%d %s\n", p.blob, fundingPath)
				}
				w.WriteString("\n")
			}
		}
		_, err := w.WriteString("done\n")
		return err
	}
	return write, marks
}

// checkMarks compares what fast-import named each mark with the IDs New
// computed: REST and GraphQL report the latter, so a difference would be
// a fake whose protocols disagree.
func checkMarks(file string, want map[int]string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	got := 0
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if line == "" {
			continue
		}
		m, id, ok := strings.Cut(strings.TrimPrefix(line, ":"), " ")
		n, err := strconv.Atoi(m)
		if !ok || err != nil {
			return fmt.Errorf("fast-import marks: bad line %q", line)
		}
		if w := want[n]; w != id {
			return fmt.Errorf("git fast-import named object :%d %s, the fake computed %s", n, id, w)
		}
		got++
	}
	if got != len(want) {
		return fmt.Errorf("fast-import marked %d objects, want %d", got, len(want))
	}
	return nil
}
