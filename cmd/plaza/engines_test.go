package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/plaza-portal/plaza/storage/enginetest"
	"github.com/plaza-portal/plaza/tenants/corpustest"
)

// TestEndToEndOnRealEngines runs Plaza as a deployment would: buckets on an
// S3 server, the index on an Elasticsearch-API server, changes on a Redis
// stream. Nodes keep nothing of their own, so an import runs while two
// portal nodes serve, and both see its documents.
func TestEndToEndOnRealEngines(t *testing.T) {
	s3URL := enginetest.URL(t, enginetest.S3)
	esURL := enginetest.URL(t, enginetest.ES)
	redisURL := enginetest.URL(t, enginetest.Redis)
	bin := buildPlaza(t)
	corpus := corpustest.Dir(t)

	// A fresh bucket prefix, index and Redis database: nothing shared with
	// other tests on the same servers.
	ru, err := url.Parse(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	ru.Path = fmt.Sprintf("/%d", 1+rand.IntN(15))
	env := []string{
		"PLAZA_S3_URL=" + s3URL + "?prefix=" + enginetest.Name("e2e"),
		"PLAZA_ES_URL=" + esURL,
		"PLAZA_ES_INDEX=" + enginetest.Name("plaza"),
		"PLAZA_REDIS_URL=" + ru.String(),
		"PLAZA_LOG_LEVEL=warn",
	}
	run := func(args ...string) (string, error) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = append(append(os.Environ(), env...), "PLAZA_DATA="+t.TempDir())
		out, err := cmd.CombinedOutput()
		return string(out), err
	}

	// A small folder of the corpus: the press release pair and a PDF.
	folder := t.TempDir()
	manifest := "file,tenant,type,title,produced\n"
	for _, f := range []struct{ src, title, date string }{
		{"docs/hwp/moef_press_2024q1_overseas_direct_investment.hwp", "'24년 1분기 해외직접투자 동향", "2024-06-21"},
		{"docs/hwpx/moef_press_2024q1_overseas_direct_investment.hwpx", "'24년 1분기 해외직접투자 동향", "2024-06-21"},
		{"docs/pdf/nikl_2022_work_plan.pdf", "2022년 국립국어원 업무계획", "2022-01"},
	} {
		b, err := os.ReadFile(filepath.Join(corpus, f.src))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(folder, filepath.Base(f.src)), b, 0o644); err != nil {
			t.Fatal(err)
		}
		tenant := strings.SplitN(filepath.Base(f.src), "_", 2)[0]
		manifest += fmt.Sprintf("%s,%s,press-release,%s,%s\n", filepath.Base(f.src), tenant, f.title, f.date)
	}
	if err := os.WriteFile(filepath.Join(folder, "manifest.csv"), []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	tenantsCSV, err := os.ReadFile(filepath.Join(corpus, "tenants.csv"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(folder, "tenants.csv"), tenantsCSV, 0o644)
	out, err := run("import", folder)
	if err != nil || !strings.Contains(out, "published 2") {
		t.Fatalf("import: %v\n%s", err, out)
	}

	// Two portal nodes, each with an empty data folder of its own.
	a, _ := startServe(t, bin, append(env, "PLAZA_DATA="+t.TempDir()))
	b, _ := startServe(t, bin, append(env, "PLAZA_DATA="+t.TempDir()))
	for _, base := range []string{a, b} {
		hits := awaitSearch(t, base, "해외 직접 투자", 1)
		if hits[0].Tenant != "moef" || !strings.Contains(hits[0].Title, "해외직접투자") {
			t.Fatalf("%s: hits %+v", base, hits)
		}
	}

	t.Run("DownloadFromS3", func(t *testing.T) {
		id := awaitSearch(t, b, "국립국어원", 1)[0].ID
		var doc struct {
			Files []struct{ Name, URL string } `json:"files"`
		}
		getJSON(t, a+"/api/v1/documents/nikl/"+id, &doc)
		if len(doc.Files) != 1 {
			t.Fatalf("files %+v", doc.Files)
		}
		want, _ := os.ReadFile(filepath.Join(corpus, "docs/pdf/nikl_2022_work_plan.pdf"))
		req, _ := http.NewRequest("GET", b+doc.Files[0].URL, nil)
		req.Header.Set("Range", "bytes=1000-1999")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 206 || string(got) != string(want[1000:2000]) {
			t.Fatalf("range from S3: status %d, %d bytes", res.StatusCode, len(got))
		}
	})

	t.Run("ImportWhileServing", func(t *testing.T) {
		more := t.TempDir()
		src := filepath.Join(corpus, "docs/hwpx/moef_press_2025q1_overseas_direct_investment.hwpx")
		bts, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(more, "q1-2025.hwpx"), bts, 0o644)
		// Published by a body registered now, while the nodes serve.
		os.WriteFile(filepath.Join(more, "tenants.csv"), []byte("slug,name_ko,name_en,kind\nnew-body,새 기관,New body,agency\n"), 0o644)
		os.WriteFile(filepath.Join(more, "manifest.csv"), []byte("file,tenant,type,title,produced\nq1-2025.hwpx,new-body,press-release,'25년 1분기 해외직접투자 동향,2025-06-20\n"), 0o644)
		out, err := run("import", more)
		if err != nil || !strings.Contains(out, "published 1") {
			t.Fatalf("import while serving: %v\n%s", err, out)
		}
		for _, base := range []string{a, b} {
			hits := awaitSearch(t, base, "해외직접투자", 2)
			if len(hits) != 2 {
				t.Fatalf("%s: %+v", base, hits)
			}
			var doc struct{ Title string }
			for _, h := range hits {
				if h.Tenant == "new-body" {
					getJSON(t, base+"/api/v1/documents/new-body/"+h.ID, &doc)
				}
			}
			if !strings.Contains(doc.Title, "25년") {
				t.Fatalf("%s: the new body's document: %+v (hits %+v)", base, doc, hits)
			}
			res, err := http.Get(base + "/t/new-body")
			if err != nil || res.StatusCode != 200 {
				t.Fatalf("%s: the new body's page: %v %v", base, res.StatusCode, err)
			}
			res.Body.Close()
		}
	})

	t.Run("Reindex", func(t *testing.T) {
		out, err := run("reindex")
		if err != nil || !strings.Contains(out, "reindexed 3 documents (0 indexed, 0 removed)") {
			t.Fatalf("reindex: %v\n%s", err, out)
		}
		// A new, empty index is filled from the buckets alone.
		fresh := append(env[:len(env):len(env)], "PLAZA_ES_INDEX="+enginetest.Name("plaza"))
		cmd := exec.Command(bin, "reindex")
		cmd.Env = append(append(os.Environ(), fresh...), "PLAZA_DATA="+t.TempDir())
		b, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(b), "reindexed 3 documents (3 indexed, 0 removed)") {
			t.Fatalf("reindex into a new index: %v\n%s", err, b)
		}
		c, _ := startServe(t, bin, append(fresh, "PLAZA_DATA="+t.TempDir()))
		awaitSearch(t, c, "해외직접투자", 2)
	})
}

type apiHit struct{ ID, Tenant, Title, URL string }

// awaitSearch searches until at least n hits come back: the engines make
// writes visible a little later (zincsearch after about 50 ms).
func awaitSearch(t *testing.T, base, q string, n int) []apiHit {
	t.Helper()
	var r struct {
		Total int      `json:"total"`
		Hits  []apiHit `json:"hits"`
	}
	deadline := time.Now().Add(time.Minute)
	for {
		getJSON(t, base+"/api/v1/search?q="+url.QueryEscape(q), &r)
		if len(r.Hits) >= n {
			return r.Hits
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: search %q found %d, want %d", base, q, len(r.Hits), n)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func getJSON(t *testing.T, u string, v any) {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("GET %s: %d %s", u, res.StatusCode, b)
	}
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatal(errors.Join(fmt.Errorf("GET %s", u), err))
	}
}

// startServe starts `plaza serve` on a free port with env and returns its
// base URL and a stop that ends it with SIGTERM and returns how it exited;
// the server is stopped when the test ends in any case.
func startServe(t *testing.T, bin string, env []string, args ...string) (string, func() error) {
	t.Helper()
	srv := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	srv.Env = append(os.Environ(), env...)
	stdout, err := srv.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	srv.Stderr = os.Stderr
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	var once sync.Once
	var exit error
	stop := func() error {
		once.Do(func() {
			srv.Process.Signal(syscall.SIGTERM)
			select {
			case exit = <-exited:
			case <-time.After(15 * time.Second):
				srv.Process.Kill()
				exit = errors.New("serve did not stop on SIGTERM")
			}
		})
		return exit
	}
	t.Cleanup(func() { stop() })
	lines := bufio.NewScanner(stdout)
	var base string
	for lines.Scan() {
		if m := regexp.MustCompile(`http://[0-9.:]+`).FindString(lines.Text()); m != "" {
			base = m
			break
		}
	}
	go func() {
		io.Copy(io.Discard, stdout)
		exited <- srv.Wait()
	}()
	if base == "" {
		t.Fatal("serve printed no address")
	}
	return base, stop
}
