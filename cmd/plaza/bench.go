package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/plaza-portal/plaza/federation"
	"github.com/plaza-portal/plaza/tenants"
	"github.com/plaza-portal/plaza/tenants/importer"
)

// benchQueries are the fixed Korean queries the benchmark times: tax terms
// found in the rulings, with spacing variants and particles, some filtered.
var benchQueries = []string{
	"양도소득세", "양도 소득세", "부가가치세", "법인세", "상속세", "증여세", "재건축", "비과세",
	"1세대 1주택", "1세대1주택", "감면", "세액공제", "가산세", "경정청구", "과세표준", "필요경비",
	"취득가액", "매입세액", "납세의무자", "원천징수", "종합소득세", "사업소득", "근로소득", "배당소득",
	"이자소득", "부당행위계산", "특수관계인", "토지", "건물", "주택을", "임대", "상가를",
	"농지", "대토", "감정가액", "시가", "기준시가", "환급", "체납", "압류",
	"심판청구", "이의신청", "심사청구", "국세기본법", "조세특례제한법", "소득세법 시행령", "부가가치세법", "세금계산서",
	"수정신고", "명의신탁", "사업자등록", "폐업", "합병", "분할", "연구개발", "외국납부세액",
	"2008", "부동산 양도", "주식 양도", "공익법인",
}

// bench imports the bulk rulings into a fresh data folder and prints import
// throughput, search latency percentiles and peak memory.
func bench(ctx context.Context, cfg Config, stdout io.Writer, rounds int) error {
	bulk := filepath.Join(cfg.Corpus, "bulk", "nts")
	if _, err := os.Stat(bulk); err != nil {
		return fmt.Errorf("bench: %s 이 없습니다 (--corpus 또는 PLAZA_CORPUS) / %s not found: set --corpus or PLAZA_CORPUS", bulk, bulk)
	}
	dir, err := os.MkdirTemp("", "plaza-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	// The benchmark measures the embedded engines, and must never write
	// into the servers a node is configured for.
	cfg.Data, cfg.S3URL, cfg.ESURL, cfg.RedisURL = dir, "", "", ""
	a, err := openApp(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return err
	}
	defer a.Close()
	if _, err := a.registry.Ensure(ctx, "nts"); tenants.Is(err, tenants.NotFound) {
		if err := a.registry.Register(ctx, tenants.Tenant{Slug: "nts", NameKo: "국세청", NameEn: "National Tax Service", Kind: tenants.KindAgency}); err != nil {
			return err
		}
	}

	start := time.Now()
	rep, err := a.importAll(ctx, io.Discard, []string{bulk}, importer.Options{Tenant: "nts", Type: tenants.TypeRuling})
	if err != nil {
		return err
	}
	elapsed := time.Since(start) // includes waiting for the index
	n, err := a.index.Count(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "import  %d documents (%d refused), %.1f MB in %.2fs: %.0f docs/s, %.2f MB/s (extract + store + index)\n",
		rep.Published+rep.Unchanged, len(rep.Refused), float64(rep.Bytes)/1e6, elapsed.Seconds(),
		float64(rep.Published+rep.Unchanged)/elapsed.Seconds(), float64(rep.Bytes)/1e6/elapsed.Seconds())
	fmt.Fprintf(stdout, "index   %d entries\n", n)

	var lat []time.Duration
	var hits int
	for range rounds {
		for _, q := range benchQueries {
			for _, query := range []federation.Query{{Text: q}, {Text: q, Year: 2008}, {Text: q, Sort: federation.SortNewest, Page: 2}} {
				if err := query.Normalize(); err != nil {
					return err
				}
				t0 := time.Now()
				res, err := a.index.Search(ctx, query)
				if err != nil {
					return fmt.Errorf("query %q: %w", q, err)
				}
				lat = append(lat, time.Since(t0))
				hits += res.Total
			}
		}
	}
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(float64(len(lat))*p))] }
	fmt.Fprintf(stdout, "search  %d queries (%d distinct texts x 3 shapes x %d rounds): p50 %v  p90 %v  p99 %v  max %v  (%.1f hits/query)\n",
		len(lat), len(benchQueries), rounds, pct(0.50).Round(time.Microsecond), pct(0.90).Round(time.Microsecond),
		pct(0.99).Round(time.Microsecond), lat[len(lat)-1].Round(time.Microsecond), float64(hits)/float64(len(lat)))
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(stdout, "memory  peak RSS %s, Go heap in use %.1f MB, total allocated %.0f MB\n", peakRSS(), float64(ms.HeapInuse)/1e6, float64(ms.TotalAlloc)/1e6)
	return nil
}

// peakRSS reads the process's high-water resident set size from Linux's
// /proc; elsewhere it says it does not know.
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(v)
			if kb, err := strconv.Atoi(f[0]); err == nil {
				return fmt.Sprintf("%.1f MB", float64(kb)/1024)
			}
		}
	}
	return "unknown"
}
