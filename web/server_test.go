package web

import (
	"bytes"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// syncBuffer is a bytes.Buffer safe for a server goroutine writing while a
// test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (w *syncBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *syncBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// logLines returns the log lines with the message msg.
func logLines(buf *syncBuffer, msg string) []string {
	var out []string
	for _, l := range strings.Split(buf.String(), "\n") {
		if strings.Contains(l, " msg="+msg+" ") || strings.Contains(l, ` msg="`+msg+`"`) {
			out = append(out, l)
		}
	}
	return out
}

func TestRequestLog(t *testing.T) {
	s, fx := newTestServer(t)
	var buf syncBuffer
	s.log = slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	press24 := fx.docs[docPress24]

	const secret = "주민등록번호-secret-words"
	cases := []struct {
		target, path string
		status       int
	}{
		{"/healthz", "/healthz", 200},
		{"/", "/", 200},
		{"/search?q=" + secret + "&page=2", "/search", 200},
		{"/api/v1/search?q=" + secret + "&size=0", "/api/v1/search", 400},
		{"/api/v1/documents/moef/nope", "/api/v1/documents/moef/nope", 404},
		{"/no/such/page?x=" + secret, "/no/such/page", 404},
		{fileURL(press24.Tenant, press24.ID, 0), fileURL(press24.Tenant, press24.ID, 0), 200},
	}
	for _, c := range cases {
		if res, body := get(t, s, c.target); res.StatusCode != c.status {
			t.Fatalf("GET %s: %d, want %d; %.200s", c.target, res.StatusCode, c.status, body)
		}
	}
	lines := logLines(&buf, "request")
	if len(lines) != len(cases) {
		t.Fatalf("%d request lines for %d requests:\n%s", len(lines), len(cases), buf.String())
	}
	for i, c := range cases {
		l := lines[i]
		for _, want := range []string{"level=DEBUG", "method=GET", "path=" + c.path + " ", "status=" + strconv.Itoa(c.status), "duration="} {
			if !strings.Contains(l, want) {
				t.Errorf("line for %s: missing %q in\n%s", c.target, want, l)
			}
		}
		if strings.Contains(c.target, "?") && !strings.Contains(l, "query_bytes=") {
			t.Errorf("line for %s: no query_bytes: %s", c.target, l)
		}
	}
	if !strings.Contains(lines[3], "params=q,size ") {
		t.Errorf("parameter names not logged: %s", lines[3])
	}
	// The query's values are the citizen's business.
	if strings.Contains(buf.String(), "secret") {
		t.Errorf("a query value reached the log:\n%s", buf.String())
	}

	t.Run("LongPathAndQueryClipped", func(t *testing.T) {
		before := len(logLines(&buf, "request"))
		long := "/no/" + strings.Repeat("p", 8000) + "?" + strings.Repeat("k", 3000) + "=v"
		for i := range 30 {
			long += "&n" + strconv.Itoa(i) + "=v"
		}
		if res, _ := get(t, s, long); res.StatusCode != http.StatusNotFound {
			t.Fatalf("status %d", res.StatusCode)
		}
		lines := logLines(&buf, "request")
		if len(lines) != before+1 {
			t.Fatalf("%d new lines", len(lines)-before)
		}
		l := lines[len(lines)-1]
		if len(l) > 1000 || strings.Contains(l, strings.Repeat("p", logPathRunes+1)) || !strings.Contains(l, "status=404") {
			t.Errorf("line of %d bytes: %.300s", len(l), l)
		}
	})
	t.Run("RefusedByParser", func(t *testing.T) {
		// A request refused before any handler (431) still gets a line.
		addr := strings.TrimPrefix(serve(t, s), "http://")
		res, _, err := hugeRequest(addr, "/api/v1/search?q="+strings.Repeat("a", 64<<10))
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Fatalf("status %d", res.StatusCode)
		}
		if l := logLines(&buf, "request refused"); len(l) != 1 || !strings.Contains(l[0], "status=431") || len(l[0]) > 1000 {
			t.Errorf("refused lines: %q", l)
		}
	})
	t.Run("QuietAboveDebug", func(t *testing.T) {
		var info syncBuffer
		s.log = slog.New(slog.NewTextHandler(&info, &slog.HandlerOptions{Level: slog.LevelInfo}))
		get(t, s, "/healthz")
		get(t, s, "/api/v1/search?page=0")
		if info.String() != "" {
			t.Errorf("logged at info level:\n%s", info.String())
		}
	})
}
