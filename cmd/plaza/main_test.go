package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/plaza-portal/plaza/tenants/corpustest"
)

// buildPlaza builds the real binary once per test run.
func buildPlaza(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "plaza")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func plaza(t *testing.T, bin string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "PLAZA_LOG_LEVEL=warn")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// TestEndToEnd runs the built binary as a user would: import the corpus into
// a fresh data folder, serve it on a free port, search, download.
func TestEndToEnd(t *testing.T) {
	bin := buildPlaza(t)
	data := t.TempDir()
	corpus := corpustest.Dir(t)

	// Two files of the corpus are unreadable by design: exit status 1.
	out, err := plaza(t, bin, "import", "--data", data, corpus)
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("import: %v\n%s", err, out)
	}
	if !strings.Contains(out, "published 19") || !strings.Contains(out, "refused 2") || !strings.Contains(out, "drm_markany_wrapped.hwp") {
		t.Fatalf("import summary:\n%s", out)
	}

	base, stop := startServe(t, bin, []string{"PLAZA_LOG_LEVEL=warn"}, "--data", data)

	t.Run("SecondProcessIsRefused", func(t *testing.T) {
		out, err := plaza(t, bin, "import", "--data", data, corpus)
		if err == nil || !strings.Contains(out, "in use") {
			t.Fatalf("import while serving: %v\n%s", err, out)
		}
	})

	var hit struct {
		Total int `json:"total"`
		Hits  []struct {
			ID, Tenant, Title, URL string
		} `json:"hits"`
	}
	t.Run("Search", func(t *testing.T) {
		res, err := http.Get(base + "/api/v1/search?q=" + url.QueryEscape("해외 직접 투자"))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if res.StatusCode != 200 {
			t.Fatalf("status %d", res.StatusCode)
		}
		if err := json.NewDecoder(res.Body).Decode(&hit); err != nil {
			t.Fatal(err)
		}
		if hit.Total < 2 || hit.Hits[0].Tenant != "moef" || !strings.Contains(hit.Hits[0].Title, "해외직접투자") {
			t.Fatalf("search = %+v", hit)
		}
		page, err := http.Get(base + hit.Hits[0].URL)
		if err != nil || page.StatusCode != 200 {
			t.Fatalf("document page: %v %v", page.StatusCode, err)
		}
		page.Body.Close()
	})
	t.Run("Download", func(t *testing.T) {
		var doc struct {
			Files []struct {
				Name, URL string
			} `json:"files"`
		}
		res, err := http.Get(fmt.Sprintf("%s/api/v1/documents/nikl/%s", base, findID(t, base, "nikl")))
		if err != nil {
			t.Fatal(err)
		}
		json.NewDecoder(res.Body).Decode(&doc)
		res.Body.Close()
		if len(doc.Files) != 2 {
			t.Fatalf("nikl files = %+v", doc.Files)
		}
		want, _ := os.ReadFile(filepath.Join(corpus, "docs/pdf/nikl_2022_work_plan.pdf"))
		res, err = http.Get(base + doc.Files[1].URL)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if !bytes.Equal(got, want) || res.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("download: %d bytes (want %d), type %q", len(got), len(want), res.Header.Get("Content-Type"))
		}
		req, _ := http.NewRequest("GET", base+doc.Files[1].URL, nil)
		req.Header.Set("Range", "bytes=100-199")
		res, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		part, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 206 || !bytes.Equal(part, want[100:200]) {
			t.Fatalf("range: status %d, %d bytes", res.StatusCode, len(part))
		}
	})

	// Stop the server, then rebuild the index from the buckets alone.
	if err := stop(); err != nil {
		t.Fatalf("serve exited with %v", err)
	}
	out, err = plaza(t, bin, "reindex", "--data", data)
	if err != nil || !strings.Contains(out, "reindexed 19 documents") {
		t.Fatalf("reindex: %v\n%s", err, out)
	}

	// A damaged record is skipped and named; the rest is indexed, and the
	// portal still starts.
	metas, _ := filepath.Glob(filepath.Join(data, "buckets", "plaza-moel", "documents", "*", "meta.json"))
	if len(metas) != 1 {
		t.Fatalf("moel records: %v", metas)
	}
	if err := os.WriteFile(metas[0], []byte(`{"broken`), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err = plaza(t, bin, "reindex", "--data", data)
	if err == nil || !strings.Contains(out, "reindexed 18 documents") || !strings.Contains(out, "unreadable record: moel/") {
		t.Fatalf("reindex with a damaged record: %v\n%s", err, out)
	}
	out, err = plaza(t, bin, "import", "--data", data, "--tenant", "moel", t.TempDir())
	if err != nil || !strings.Contains(out, "published 0") {
		t.Fatalf("import after damage: %v\n%s", err, out)
	}
}

func findID(t *testing.T, base, tenant string) string {
	t.Helper()
	res, err := http.Get(base + "/api/v1/search?tenant=" + tenant)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var r struct {
		Hits []struct{ ID string } `json:"hits"`
	}
	json.NewDecoder(res.Body).Decode(&r)
	if len(r.Hits) == 0 {
		t.Fatalf("no documents of %s", tenant)
	}
	return r.Hits[0].ID
}

func TestCommandLine(t *testing.T) {
	t.Run("Usage", func(t *testing.T) {
		var out bytes.Buffer
		if err := run(t.Context(), nil, &out, &out); err != nil || !strings.Contains(out.String(), "plaza serve") {
			t.Fatalf("usage: %v %q", err, out.String())
		}
	})
	t.Run("UnknownCommand", func(t *testing.T) {
		var out bytes.Buffer
		if err := run(t.Context(), []string{"frobnicate"}, &out, &out); err == nil || !strings.Contains(err.Error(), "unknown command") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("BadAddr", func(t *testing.T) {
		var out bytes.Buffer
		err := run(t.Context(), []string{"serve", "--data", t.TempDir(), "--addr", "nonsense"}, &out, &out)
		if err == nil || !strings.Contains(err.Error(), "host:port") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ImportNeedsPath", func(t *testing.T) {
		var out bytes.Buffer
		if err := run(t.Context(), []string{"import", "--data", t.TempDir()}, &out, &out); err == nil {
			t.Fatal("import without path accepted")
		}
	})
	t.Run("StrayArgument", func(t *testing.T) {
		var out bytes.Buffer
		err := run(t.Context(), []string{"serve", "--data", t.TempDir(), "extra", "--addr", "127.0.0.1:0"}, &out, &out)
		if err == nil || !strings.Contains(err.Error(), `unexpected argument "extra"`) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("TenantsCSVAlone", func(t *testing.T) {
		var out bytes.Buffer
		data := t.TempDir()
		csv := filepath.Join(t.TempDir(), "tenants.csv")
		os.WriteFile(csv, []byte("slug,name_ko,name_en,kind\nnewbody,새 기관,New body,agency\n"), 0o644)
		if err := run(t.Context(), []string{"import", "--data", data, "--tenants", csv}, &out, &out); err != nil {
			t.Fatalf("import --tenants: %v\n%s", err, out.String())
		}
		out.Reset()
		if err := run(t.Context(), []string{"tenants", "--data", data}, &out, &out); err != nil || !strings.Contains(out.String(), "newbody") {
			t.Fatalf("tenants: %v\n%s", err, out.String())
		}
	})
	t.Run("EngineURLs", func(t *testing.T) {
		c := defaultConfig()
		env := map[string]string{"PLAZA_ES_URL": "http://127.0.0.1:9", "PLAZA_ES_INDEX": "plaza"}
		if err := c.fromEnv(func(k string) string { return env[k] }); err != nil {
			t.Fatal(err)
		}
		if err := c.validate(); err == nil || !strings.Contains(err.Error(), "needs PLAZA_S3_URL") {
			t.Fatalf("ES without S3: %v", err)
		}
		c = defaultConfig()
		env = map[string]string{"PLAZA_S3_URL": "http://k:s@127.0.0.1:9", "PLAZA_REDIS_URL": "redis://127.0.0.1:9/0"}
		c.fromEnv(func(k string) string { return env[k] })
		if err := c.validate(); err == nil || !strings.Contains(err.Error(), "needs PLAZA_ES_URL") {
			t.Fatalf("Redis without ES: %v", err)
		}
		c = defaultConfig()
		env = map[string]string{"PLAZA_S3_URL": "http://k:s@127.0.0.1:9", "PLAZA_ES_URL": "http://127.0.0.1:9", "PLAZA_ES_INDEX": "Bad Name"}
		if err := c.fromEnv(func(k string) string { return env[k] }); err != nil {
			t.Fatal(err)
		}
		if c.S3URL != env["PLAZA_S3_URL"] || c.ESURL != env["PLAZA_ES_URL"] || c.usesDataFolder() {
			t.Fatalf("config = %+v", c)
		}
		if err := c.validate(); err == nil || !strings.Contains(err.Error(), "PLAZA_ES_INDEX") {
			t.Fatalf("bad index name: %v", err)
		}
		// An engine that does not answer: a clear error, no secret in it.
		t.Setenv("PLAZA_S3_URL", "http://key:topsecret@127.0.0.1:1")
		var out bytes.Buffer
		err := run(t.Context(), []string{"tenants", "--data", t.TempDir()}, &out, &out)
		if err == nil || strings.Contains(err.Error(), "topsecret") || !strings.Contains(err.Error(), "127.0.0.1:1") {
			t.Fatalf("unreachable S3: %v", err)
		}
	})
	t.Run("DemoWithoutCorpus", func(t *testing.T) {
		var out bytes.Buffer
		err := run(t.Context(), []string{"demo", "--data", t.TempDir(), "--corpus", t.TempDir()}, &out, &out)
		if err == nil || !strings.Contains(err.Error(), "PLAZA_CORPUS") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("EnvConfig", func(t *testing.T) {
		c := defaultConfig()
		env := map[string]string{"PLAZA_ADDR": ":9999", "PLAZA_DATA": "/srv/plaza", "PLAZA_LOG_LEVEL": "debug"}
		if err := c.fromEnv(func(k string) string { return env[k] }); err != nil {
			t.Fatal(err)
		}
		if c.Addr != ":9999" || c.Data != "/srv/plaza" || c.LogLevel.String() != "DEBUG" {
			t.Fatalf("config = %+v", c)
		}
		env["PLAZA_LOG_LEVEL"] = "loud"
		if err := c.fromEnv(func(k string) string { return env[k] }); err == nil {
			t.Fatal("bad log level accepted")
		}
	})
}

// TestDemoAndBench runs the README's run command and the benchmark as a user
// would, on the whole corpus.
func TestDemoAndBench(t *testing.T) {
	bin := buildPlaza(t)
	data := t.TempDir()
	demo := exec.Command(bin, "demo", "--data", data, "--addr", "127.0.0.1:0", "--corpus", corpustest.Dir(t))
	demo.Env = append(os.Environ(), "PLAZA_LOG_LEVEL=warn")
	stdout, err := demo.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Start(); err != nil {
		t.Fatal(err)
	}
	defer demo.Process.Kill()
	var base, summary string
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		line := lines.Text()
		if strings.Contains(line, "published") {
			summary = line
		}
		if m := regexp.MustCompile(`http://[0-9.:]+`).FindString(line); m != "" {
			base = m
			break
		}
	}
	go io.Copy(io.Discard, stdout)
	if base == "" {
		t.Fatal("demo printed no address")
	}
	// 19 documents of the manifest, 996 new rulings, 3 rulings that are
	// manifest documents already; 2 edge files and 1 truncated ruling refused.
	if !strings.Contains(summary, "published 1015, updated 0, unchanged 3, refused 3") {
		t.Fatalf("demo summary: %q", summary)
	}
	res, err := http.Get(base + "/api/v1/tenants")
	if err != nil {
		t.Fatal(err)
	}
	var ts []struct {
		Slug      string
		Documents int
	}
	json.NewDecoder(res.Body).Decode(&ts)
	res.Body.Close()
	counts := map[string]int{}
	total := 0
	for _, tn := range ts {
		counts[tn.Slug] = tn.Documents
		total += tn.Documents
	}
	if total != 1015 || counts["nts"] != 999 || counts["seoul"] != 0 || len(ts) < 36 {
		t.Fatalf("tenants: total %d, nts %d, %d tenants", total, counts["nts"], len(ts))
	}
	demo.Process.Signal(syscall.SIGTERM)
	if err := demo.Wait(); err != nil {
		t.Fatalf("demo exited with %v", err)
	}

	out, err := plaza(t, bin, "bench", "--rounds", "1", "--corpus", corpustest.Dir(t))
	if err != nil {
		t.Fatalf("bench: %v\n%s", err, out)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`import +999 documents \(1 refused\), 21\.\d MB in [\d.]+s: \d+ docs/s, [\d.]+ MB/s`),
		regexp.MustCompile(`search +180 queries .* p50 \S+ +p90 \S+ +p99 \S+`),
		regexp.MustCompile(`memory +peak RSS [\d.]+ MB`),
	} {
		if !want.MatchString(out) {
			t.Errorf("bench output lacks %s:\n%s", want, out)
		}
	}
}
