package bleveindex

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/plaza-portal/plaza/federation"
	"github.com/plaza-portal/plaza/tenants"
)

var (
	benchTenants = []string{"seoul", "busan", "moef", "kwater", "nts", "mois", "incheon", "daegu", "gwangju", "sejong"}
	benchTypes   = []string{"approval", "minutes", "budget", "research", "statistics", "press-release", "notice", "report", "procurement"}
	benchFormats = []string{"hwp", "hwpx", "pdf"}
	// benchTopics are phrases of real documents; each entry is about one or
	// two of them, the rest of its text is filler.
	benchTopics = [][]string{
		strings.Fields("예산을 편성하였다 예산의 효율적 집행 재정 건전성 지출 구조조정 회계연도 결산"),
		strings.Fields("해외직접투자 동향 해외 직접 투자 신고액 업종별 국가별 1분기 2분기"),
		strings.Fields("디지털 플랫폼 구축 디지털플랫폼 제안요청서 K-water 검색엔진을 도입 OpenAPI"),
		strings.Fields("회의록 위원회 심사 결과 위원장 의결 안건 상정 원안 가결"),
		strings.Fields("지방세 감면 질의 회신 취득세 과세표준 부가가치세 공급가액"),
		strings.Fields("공공데이터 개방 계획 안내 데이터 포털 파일 데이터 표준"),
		strings.Fields("도시재생 활성화 방안 정책연구 용역 보고서 주민 참여"),
		strings.Fields("교통 안전 개선 사업 추진 현황 보행자 어린이 보호구역"),
		strings.Fields("기후 변화 대응 탄소중립 이행 점검 온실가스 감축"),
		strings.Fields("청년 일자리 지원 주택 공급 임대 주택 청약"),
	}
	benchSyllables = []rune("가나다라마바사아자차카타파하고노도로모보소오조초코토포호구누두루무부수우주추쿠투푸후기니디리미비시이지치키티피히개내대래매배새애재채경공동명성정중청행현")
)

// benchWord is a filler word of two to four syllables.
func benchWord(r *rand.Rand) string {
	w := make([]rune, 2+r.IntN(3))
	for k := range w {
		w[k] = benchSyllables[r.IntN(len(benchSyllables))]
	}
	return string(w)
}

func benchEntry(r *rand.Rand, i int) federation.Entry {
	topics := [][]string{benchTopics[r.IntN(len(benchTopics))], benchTopics[r.IntN(len(benchTopics))]}
	words := func(n int) string {
		ws := make([]string, n)
		for k := range ws {
			if r.IntN(10) == 0 {
				t := topics[r.IntN(2)]
				ws[k] = t[r.IntN(len(t))]
			} else {
				ws[k] = benchWord(r)
			}
		}
		return strings.Join(ws, " ")
	}
	y := 2015 + r.IntN(11)
	fs := []string{benchFormats[r.IntN(3)]}
	if r.IntN(3) == 0 {
		fs = append(fs, "pdf")
	}
	return federation.Entry{
		Tenant: benchTenants[r.IntN(len(benchTenants))], ID: fmt.Sprintf("doc-%06d", i), Revision: 1,
		Title: words(4 + r.IntN(6)), Type: benchTypes[r.IntN(len(benchTypes))], Department: words(2),
		Summary: words(20), Produced: tenants.Date{Year: y, Month: 1 + r.IntN(12), Day: 1 + r.IntN(28)},
		Formats: fs, Disclosure: "full", Text: words(300 + r.IntN(700)),
	}
}

// benchIndex opens an index on disk holding n generated entries.
func benchIndex(b *testing.B, n int) *Index {
	x, err := Open(b.TempDir() + "/index")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { x.Close() })
	r := rand.New(rand.NewPCG(1, 2))
	es := make([]federation.Entry, n)
	for i := range es {
		es[i] = benchEntry(r, i)
	}
	began := time.Now()
	if err := x.PutBatch(context.Background(), es); err != nil {
		b.Fatal(err)
	}
	b.Logf("indexed %d entries in %v", n, time.Since(began))
	return x
}

func BenchmarkSearch(b *testing.B) {
	x := benchIndex(b, 3000)

	queries := []federation.Query{
		{Text: "해외 직접 투자"},
		{Text: "디지털플랫폼 구축"},
		{Text: "예산을"},
		{Text: "2024년 결산"},
		{Text: "k-water openapi"},
		{Text: "회"},
		{Text: "예산", Tenant: "seoul", Year: 2024},
		{Text: "없는검색어입니다"},
		{},
		{Format: "hwpx", Sort: federation.SortNewest, Page: 5},
	}
	for _, q := range queries {
		b.Run(fmt.Sprintf("%q/%s/%d", q.Text, q.Tenant+q.Format, q.Year), func(b *testing.B) {
			var total int
			for b.Loop() {
				res, err := x.Search(context.Background(), q)
				if err != nil {
					b.Fatal(err)
				}
				total = res.Total
			}
			b.ReportMetric(float64(total), "hits")
		})
	}
	b.Run("Mix", func(b *testing.B) {
		i := 0
		for b.Loop() {
			if _, err := x.Search(context.Background(), queries[i%len(queries)]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

// BenchmarkSearchWorstCase measures the most expensive queries a client may
// send: the longest accepted run of one syllable (one phrase of as many
// bigrams as the limits allow), the most words, and a query just over the
// limits, which must be refused before it reaches the index.
func BenchmarkSearchWorstCase(b *testing.B) {
	x := benchIndex(b, 1000)
	// 32 words, searched as 32 units: topic words apart by numbers.
	var words []string
	for k := range 16 {
		t := benchTopics[k%len(benchTopics)]
		words = append(words, t[k%len(t)], strconv.Itoa(2010+k))
	}
	queries := []struct {
		name string
		text string
	}{
		{"가x500", strings.Repeat("가", 500)},                           // the tester's: over every limit now
		{"5singles", "가.나.다.라.마"},                                     // over the limit now
		{"가x200", strings.Repeat("가", 200)},                           // as many characters as allowed, but 199 bigrams
		{"가x33", strings.Repeat("가", 33)},                             // the longest run of it allowed: 32 bigrams and 31 without the particle 가
		{"run65", string([]rune(strings.Repeat("해외직접투자동향", 9))[:65])}, // the longest run without a particle: 64 bigrams
		{"4singles", "가.나.다.라"},                                       // lone syllables: prefix and wildcard each
		{"32words", strings.Join(words, " ")},
		{"typical", "2024년 해외 직접 투자 동향"},
	}
	for _, q := range queries {
		b.Run(q.name, func(b *testing.B) {
			var total int
			refused := false
			for b.Loop() {
				res, err := x.Search(context.Background(), federation.Query{Text: q.text})
				if tenants.Is(err, tenants.Invalid) {
					refused = true
					continue
				}
				if err != nil {
					b.Fatal(err)
				}
				total = res.Total
			}
			b.ReportMetric(float64(total), "hits")
			if refused {
				b.ReportMetric(1, "refused")
			}
		})
	}
}
