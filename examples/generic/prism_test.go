package generic_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/oasdiff/yaml"
)

// TestSweepPrism runs the sweep with Stoplight Prism (npm
// @stoplight/prism-cli, a validator this project did not write) as a proxy
// in front of the generic server:
//
//	idemcheck → recorder → prism proxy --errors <spec> → generic server
//
// With --errors, Prism answers a request that breaks the document with 422
// and the violations in its body, instead of forwarding it; a forwarded
// response that breaks the document comes back with an sl-violations
// header. The recorder reads both. The test requires no request violation
// but those of the idempotency key alone (missing-key, key-format), and
// reports the rest, grouped.
//
//	IDEMCHECK_PRISM=/path/to/prism go test -run TestSweepPrism ./examples/generic -v
//	IDEMCHECK_SWEEP=all IDEMCHECK_PRISM=… go test -run TestSweepPrism ./examples/generic -v -timeout 90m
//
// By default it checks the examples' documents and prismDocs, side by
// side like TestSweep, which fits in CI's test step; IDEMCHECK_SWEEP picks
// others, "all" every one. Prism is looked for in IDEMCHECK_PRISM, then on PATH;
// without it the test skips, and says so. .ci/run installs it.
func TestSweepPrism(t *testing.T) {
	prism := findPrism()
	if prism == "" {
		t.Skip("PRISM NOT FOUND: the independent validation of what idemcheck sends did not run. Install @stoplight/prism-cli (npm) and set IDEMCHECK_PRISM to its prism binary, or put it on PATH.")
	}
	t.Logf("prism: %s", prism)
	setSweepGC(t)
	docs := sweepDocs(t, prismDefault)
	keep := tableAtEnd(t, len(docs), prismTable)
	for i, d := range docs {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel() // each document on a server and a Prism of its own
			rec := &recorder{}
			pr := &prismRow{sweepRow: sweepRow{name: d.name}, rec: rec}
			defer func() { keep(i, *pr) }()      // a skip's row too
			pr.loadErr = "not run: no time left" // budgetLeft may skip
			if !budgetLeft(t) {
				return
			}
			pr.loadErr = ""
			front := func(t *testing.T, upstream string) (string, []string) {
				spec, err := prismSpec(t, d)
				if err != nil {
					pr.loadErr = err.Error()
					t.Skipf("prism cannot serve %s: %v", d.name, err)
				}
				addr, err := startPrism(t, prism, spec, upstream)
				if err != nil {
					pr.loadErr = err.Error()
					t.Skipf("prism cannot serve %s: %v", d.name, err)
				}
				rec.target = &url.URL{Scheme: "http", Host: addr}
				hs := httptest.NewServer(rec)
				t.Cleanup(hs.Close)
				return hs.URL, securityHeaders(t, d)
			}
			pr.sweepRow = runSweep(t, d, front)
			pr.require(t)
		})
	}
}

// prismWait bounds how long Prism may take to load a document; Prism's
// lifetime is bounded by the test's own.
const prismWait = 3 * time.Minute

// remoteRefRE finds a $ref to a URL.
var remoteRefRE = regexp.MustCompile(`"?\$ref"?\s*:\s*["']?https?://`)

// prismSpec is the file Prism is given: the document, with every $ref to
// a URL replaced by {} (Square's sit in example values; Prism would try to
// download them, and nothing here may talk to another host), and every
// $ref into the document that points at nothing replaced by {} (Square's
// dangling schemas, which Prism refuses to load as kin-openapi does; the
// generic server does the same, see load.go). A split document (a folder)
// is given as it is, after making sure that none of its files has a $ref
// to a URL.
func prismSpec(t *testing.T, d sweepDoc) (string, error) {
	t.Helper()
	data := d.data
	if data == nil {
		if filepath.Base(filepath.Dir(d.path)) != filepath.Base(specsDir()) { // a folder's root
			err := filepath.WalkDir(filepath.Dir(d.path), func(p string, e os.DirEntry, err error) error {
				if err != nil || e.IsDir() {
					return err
				}
				b, err := os.ReadFile(p)
				if err == nil && remoteRefRE.Match(b) {
					return fmt.Errorf("%s has a $ref to a URL, which Prism would download", p)
				}
				return err
			})
			return d.path, err
		}
		var err error
		if data, err = os.ReadFile(d.path); err != nil {
			return "", err
		}
	}
	j := data
	if t := bytes.TrimSpace(data); len(t) == 0 || t[0] != '{' { // JSON as JSON: Twilio's is not valid YAML
		var err error
		if j, err = yaml.YAMLToJSON(data); err != nil {
			return "", err
		}
	}
	var tree any
	if err := json.Unmarshal(j, &tree); err != nil {
		return "", err
	}
	dropRefs(tree, tree)
	out, err := json.Marshal(tree)
	if err != nil {
		return "", err
	}
	spec := filepath.Join(t.TempDir(), "openapi.json")
	return spec, os.WriteFile(spec, out, 0o600)
}

// dropRefs replaces below v every $ref that is a URL or a pointer into
// root that leads nowhere.
func dropRefs(root, v any) {
	bad := func(e any) bool {
		m, ok := e.(map[string]any)
		if !ok {
			return false
		}
		ref, ok := m["$ref"].(string)
		switch {
		case !ok:
			return false
		case strings.HasPrefix(ref, "http://"), strings.HasPrefix(ref, "https://"):
			return true
		case strings.HasPrefix(ref, "#"):
			return !resolves(root, ref[1:])
		}
		return false
	}
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			if bad(e) {
				t[k] = map[string]any{}
				continue
			}
			dropRefs(root, e)
		}
	case []any:
		for i, e := range t {
			if bad(e) {
				t[i] = map[string]any{}
				continue
			}
			dropRefs(root, e)
		}
	}
}

// resolves reports whether the JSON pointer leads somewhere in tree.
func resolves(tree any, pointer string) bool {
	if pointer == "" {
		return true
	}
	for _, tok := range strings.Split(strings.TrimPrefix(pointer, "/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch c := tree.(type) {
		case map[string]any:
			next, ok := c[tok]
			if !ok {
				return false
			}
			tree = next
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(c) {
				return false
			}
			tree = c[i]
		default:
			return false
		}
	}
	return true
}

// findPrism looks for the prism binary.
func findPrism() string {
	if p := os.Getenv("IDEMCHECK_PRISM"); p != "" {
		return p
	}
	if p, err := exec.LookPath("prism"); err == nil {
		return p
	}
	return ""
}

// startPrism runs prism proxy --errors on a free loopback port and waits
// until it listens. It is killed (its process group) when the test ends.
func startPrism(t *testing.T, prism, spec, upstream string) (string, error) {
	t.Helper()
	port, err := freePort()
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), docBudget(t)+2*prismWait)
	cmd := exec.CommandContext(ctx, prism, "proxy", "--errors", "-h", "127.0.0.1", "-p", strconv.Itoa(port), "-v", "warn", spec, upstream)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // node's children go with it
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	out, err := cmd.StdoutPipe()
	if err != nil {
		cancel()
		return "", err
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		cancel()
		return "", err
	}
	var logMu sync.Mutex
	var logTail []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			logMu.Lock()
			if logTail = append(logTail, sc.Text()); len(logTail) > 20 {
				logTail = logTail[1:]
			}
			logMu.Unlock()
		}
	}()
	t.Cleanup(func() {
		if cmd.Process != nil {
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // the group this test started
		}
		cancel()
		_ = cmd.Wait()
		<-done
	})
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	for deadline := time.Now().Add(prismWait); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		select {
		case <-done:
			logMu.Lock()
			defer logMu.Unlock()
			return "", fmt.Errorf("prism exited: %s", strings.Join(logTail, " | "))
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return addr, nil
		}
	}
	return "", fmt.Errorf("prism did not listen within %s", prismWait)
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// securityHeaders are credentials of every kind the document's security
// schemes name, as a user passes them with -H: Prism checks that a
// request carries them (the generic server does not).
func securityHeaders(t *testing.T, d sweepDoc) []string {
	t.Helper()
	data := d.data
	if data == nil {
		var err error
		if data, err = os.ReadFile(d.path); err != nil {
			return nil
		}
	}
	var raw struct {
		Components struct {
			SecuritySchemes map[string]struct {
				Type, Scheme, In, Name string
			} `json:"securitySchemes"`
		} `json:"components"`
		SecurityDefinitions map[string]struct {
			Type, In, Name string
		} `json:"securityDefinitions"`
	}
	if json.Unmarshal(data, &raw) != nil { // JSON as JSON: Twilio's is not valid YAML
		if tree, err := yaml.YAMLToJSON(data); err == nil {
			_ = json.Unmarshal(tree, &raw)
		}
	}
	headers := []string{"Authorization: Bearer idemcheck-sweep"}
	add := func(typ, scheme, in, name string) {
		switch {
		case typ == "http" && strings.EqualFold(scheme, "basic"), typ == "basic":
			headers[0] = "Authorization: Basic aWRlbWNoZWNrOnN3ZWVw"
		case typ == "apiKey" && in == "header" && !strings.EqualFold(name, "Authorization"):
			headers = append(headers, name+": idemcheck-sweep")
		case typ == "apiKey" && in == "cookie":
			headers = append(headers, "Cookie: "+name+"=idemcheck-sweep")
		}
	}
	for _, s := range raw.Components.SecuritySchemes {
		add(s.Type, s.Scheme, s.In, s.Name)
	}
	for _, s := range raw.SecurityDefinitions {
		add(s.Type, "", s.In, s.Name)
	}
	return headers
}

// recorder is a reverse proxy to Prism that keeps the violations Prism
// reports.
type recorder struct {
	target *url.URL
	once   sync.Once
	proxy  *httputil.ReverseProxy

	mu         sync.Mutex
	requests   int
	requestV   []violation // from Prism's 422 answers
	requestW   []violation // request warnings of forwarded requests (sl-violations)
	multipartV []violation // types of multipart parts, which Prism does not decode
	responseV  []violation // response violations (sl-violations)
	prismError map[string]int
}

type violation struct {
	Method, Path string
	Location     []string `json:"location"`
	Severity     string   `json:"severity"`
	Code         string   `json:"code"`
	Message      string   `json:"message"`
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.once.Do(func() {
		r.proxy = httputil.NewSingleHostReverseProxy(r.target)
		r.proxy.ModifyResponse = r.observe
		r.proxy.ErrorLog = log.New(io.Discard, "", 0) // retry-after-drop hangs up on purpose
	})
	r.mu.Lock()
	r.requests++
	r.mu.Unlock()
	r.proxy.ServeHTTP(w, req)
}

func (r *recorder) observe(resp *http.Response) error {
	method, path := resp.Request.Method, resp.Request.URL.RequestURI()
	if h := resp.Header.Get("sl-violations"); h != "" {
		var vs []violation
		if json.Unmarshal([]byte(h), &vs) == nil {
			r.mu.Lock()
			for _, v := range vs {
				v.Method, v.Path = method, path
				if len(v.Location) > 0 && v.Location[0] == "request" {
					r.requestW = append(r.requestW, v) // forwarded: warnings only
				} else {
					r.responseV = append(r.responseV, v)
				}
			}
			r.mu.Unlock()
		}
	}
	if !strings.Contains(resp.Header.Get("Content-Type"), "problem+json") {
		return nil
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	resp.Body = io.NopCloser(strings.NewReader(string(body)))
	if err != nil {
		return nil
	}
	var problem struct {
		Type       string      `json:"type"`
		Title      string      `json:"title"`
		Validation []violation `json:"validation"`
	}
	if json.Unmarshal(body, &problem) != nil || !strings.Contains(problem.Type, "stoplight.io/prism/errors") {
		return nil // the generic server's own problem+json answer
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if strings.HasSuffix(problem.Type, "#UNPROCESSABLE_ENTITY") && len(problem.Validation) > 0 {
		multipart := strings.HasPrefix(resp.Request.Header.Get("Content-Type"), "multipart/")
		for _, v := range problem.Validation {
			v.Method, v.Path = method, path
			if multipart && v.Code == "type" && len(v.Location) == 2 && v.Location[0] == "body" {
				// Prism reads every multipart part as a string; an object
				// sent as an application/json part, as OpenAPI says it
				// is, reads to it as a string (Box's attributes)
				r.multipartV = append(r.multipartV, v)
				continue
			}
			r.requestV = append(r.requestV, v)
		}
		return nil
	}
	if r.prismError == nil {
		r.prismError = map[string]int{}
	}
	r.prismError[problem.Type[strings.LastIndex(problem.Type, "#")+1:]+": "+problem.Title]++
	return nil
}

// prismRow is one document's line of the Prism table.
type prismRow struct {
	sweepRow
	rec     *recorder
	loadErr string
}

// keyOnly reports whether a violation is about the idempotency key alone
// (Prism names header parameters in lower case).
func keyOnlyViolation(v violation) bool {
	for _, l := range v.Location {
		if isKeyName(l) {
			return true
		}
	}
	return isKeyName(v.Message)
}

func isKeyName(s string) bool {
	s = strings.ToLower(s)
	return strings.Contains(s, "idempoten") || strings.Contains(s, "paypal-request-id")
}

func (pr prismRow) split() (other, key []violation) {
	pr.rec.mu.Lock()
	defer pr.rec.mu.Unlock()
	for _, v := range pr.rec.requestV {
		if keyOnlyViolation(v) {
			key = append(key, v)
		} else {
			other = append(other, v)
		}
	}
	return other, key
}

func (pr prismRow) require(t *testing.T) {
	t.Helper()
	other, key := pr.split()
	pr.rec.mu.Lock()
	resp, warn, perr := append([]violation(nil), pr.rec.responseV...), append([]violation(nil), pr.rec.requestW...), pr.rec.prismError
	multipart := append([]violation(nil), pr.rec.multipartV...)
	pr.rec.mu.Unlock()
	var b strings.Builder
	fmt.Fprintf(&b, "%s through prism: %d requests, %d request violations (%d more about the key alone), %d response violations, prism errors %v; idemcheck exit %d\n",
		pr.name, pr.rec.requests, len(other), len(key), len(resp), perr, pr.exit)
	b.WriteString(groupViolations("request violations", other))
	b.WriteString(groupViolations("(not counted) violations of the idempotency key alone", key))
	b.WriteString(groupViolations("(not counted) request warnings", warn))
	b.WriteString(groupViolations("(not counted) types of multipart parts, which Prism reads as strings", multipart))
	b.WriteString(groupViolations("response violations (the generic server's answers, as Prism reads the document)", resp))
	if len(other) > 0 {
		t.Error(b.String())
	} else {
		t.Log(b.String())
	}
}

func groupViolations(title string, vs []violation) string {
	items := make([]struct{ key, op string }, len(vs))
	for i, v := range vs {
		items[i] = struct{ key, op string }{fmt.Sprintf("%s %s (%s): %s", v.Severity, strings.Join(v.Location, "."), v.Code, mask(v.Message)), v.Method + " " + v.Path}
	}
	return formatGroups(title, groupBy(items, 3))
}

func prismTable(rows []prismRow) string {
	var b strings.Builder
	b.WriteString("| document | requests through prism | request violations | key-only violations | multipart parts (Prism's limit) | response violations: errors / warnings | prism errors | idemcheck exit | seconds |\n")
	b.WriteString("| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |\n")
	for _, r := range rows {
		if r.loadErr != "" {
			fmt.Fprintf(&b, "| %s | prism cannot load it: %s | | | | | | | |\n", r.name, mask(r.loadErr))
			continue
		}
		other, key := r.split()
		r.rec.mu.Lock()
		errs := 0
		for _, v := range r.rec.responseV {
			if v.Severity == "Error" {
				errs++
			}
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %d / %d | %v | %d | %.1f |\n", r.name, r.rec.requests, len(other), len(key), len(r.rec.multipartV), errs, len(r.rec.responseV)-errs, r.rec.prismError, r.exit, r.seconds)
		r.rec.mu.Unlock()
	}
	return b.String()
}
