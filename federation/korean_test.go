package federation

import (
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func terms(text string) []string {
	var out []string
	for _, t := range Terms(text) {
		out = append(out, t.Term)
	}
	return out
}

func TestTerms(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       []string
	}{
		{"Bigrams", "해외직접투자", []string{"해외", "외직", "직접", "접투", "투자"}},
		{"SpacingIgnored", "해외 직접  투자", []string{"해외", "외직", "직접", "접투", "투자"}},
		{"LineBreakIgnored", "해외\n직접투자", []string{"해외", "외직", "직접", "접투", "투자"}},
		{"PunctuationSplits", "예산·결산", []string{"예산", "결산"}},
		{"LoneSyllable", "제 1 차", []string{"제", "1", "차"}},
		{"NumberThenHangul", "2024년 예산", []string{"2024", "년예", "예산"}},
		{"Quote", "'24년 1분기", []string{"24", "년", "1", "분기"}},
		{"Latin", "K-water Digital-Platform RFP", []string{"k", "water", "digital", "platform", "rfp"}},
		{"LatinDigits", "COVID19 mp3", []string{"covid19", "mp3"}},
		{"FullWidth", "ＡＢＣ１２", []string{"abc12"}},
		{"Hanja", "大韓民國 憲法", []string{"大韓", "韓民", "民國", "國憲", "憲法"}},
		{"HangulHanjaSplit", "국가(國家)", []string{"국가", "國家"}},
		{"Empty", " \t·!? ", nil},
		{"Particle", "검색엔진을", []string{"검색", "색엔", "엔진", "진을"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := terms(tc.text); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("Terms(%q) = %q, want %q", tc.text, got, tc.want)
			}
		})
	}
}

func TestTermsOffsetsAndPositions(t *testing.T) {
	text := "기재부 '24년 1분기 해외 직접 투자 동향 (Overseas FDI)"
	toks := Terms(text)
	for i, tok := range toks {
		if tok.Position != i+1 {
			t.Fatalf("token %d %q has position %d", i, tok.Term, tok.Position)
		}
		if tok.Start < 0 || tok.End > len(text) || tok.Start >= tok.End {
			t.Fatalf("token %q has range %d..%d", tok.Term, tok.Start, tok.End)
		}
		orig := strings.Join(strings.Fields(text[tok.Start:tok.End]), "")
		if strings.ToLower(orig) != tok.Term {
			t.Fatalf("token %q covers %q", tok.Term, text[tok.Start:tok.End])
		}
	}
	// The bigram across the space covers the space.
	for _, tok := range toks {
		if tok.Term == "외직" && text[tok.Start:tok.End] != "외 직" {
			t.Fatalf("외직 covers %q", text[tok.Start:tok.End])
		}
	}
}

func TestTermsInvalidUTF8(t *testing.T) {
	text := "예산\xff편성 a\xc3"
	for _, tok := range Terms(text) {
		if tok.Start < 0 || tok.End > len(text) {
			t.Fatalf("bad range %v", tok)
		}
	}
	if got := terms(text); !reflect.DeepEqual(got, []string{"예산", "편성", "a"}) {
		t.Fatalf("got %q", got)
	}
}

func TestQueryUnits(t *testing.T) {
	type u struct{ text, alt string }
	altText := func(x Unit) string {
		var ws []string
		for _, a := range x.Alt {
			ws = append(ws, a.Text)
		}
		return strings.Join(ws, " ")
	}
	for _, tc := range []struct {
		name, query string
		want        []u
	}{
		// Words of a spaced query are also looked for apart, in any order.
		{"Spacing", "해외 직접 투자", []u{{"해외직접투자", "해외 직접 투자"}}},
		{"OneSyllableWordJoinsNeighbour", "서울 시 예산", []u{{"서울시예산", "서울시 예산"}}},
		{"OneSyllableWordFirst", "시 예산", []u{{"시예산", ""}}},
		{"Particle", "예산을", []u{{"예산을", "예산"}}},
		{"TwoSyllableParticle", "서울시에서", []u{{"서울시에서", "서울시"}}},
		{"ParticlesPerWord", "서울시의 예산을 편성", []u{{"서울시의예산을편성", "서울시 예산 편성"}}},
		{"TooShortToStrip", "국가 제도", []u{{"국가제도", "국가 제도"}}},
		{"Mixed", "K-water 2024년 예산", []u{{"k-water", ""}, {"2024", ""}, {"년예산", ""}}},
		{"Repeated", "예산 a 예산", []u{{"예산", ""}, {"a", ""}}},
		{"Nothing", "?!", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []u
			for _, x := range QueryUnits(tc.query) {
				got = append(got, u{x.Text, altText(x)})
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("QueryUnits(%q) = %q, want %q", tc.query, got, tc.want)
			}
		})
	}
	t.Run("Terms", func(t *testing.T) {
		us := QueryUnits("예산을, 년")
		if !reflect.DeepEqual(us[0].Terms, []string{"예산", "산을"}) || len(us[0].Alt) != 1 || !reflect.DeepEqual(us[0].Alt[0].Terms, []string{"예산"}) {
			t.Fatalf("got %+v", us[0])
		}
		if !us[1].Single || us[1].Text != "년" {
			t.Fatalf("got %+v", us[1])
		}
	})
}

// TestSpacingInsensitive checks the property the index relies on: a query
// unit's terms occur at consecutive positions in the document's terms
// whichever way either was spaced.
func TestSpacingInsensitive(t *testing.T) {
	contains := func(doc, query string) bool {
		dt := terms(doc)
		for _, u := range QueryUnits(query) {
			found := false
			for i := 0; i+len(u.Terms) <= len(dt) && !found; i++ {
				found = reflect.DeepEqual(dt[i:i+len(u.Terms)], u.Terms)
			}
			if !found {
				return false
			}
		}
		return true
	}
	for _, tc := range []struct{ doc, query string }{
		{"'24년 1분기 해외직접투자 동향", "해외 직접 투자"},
		{"해외 직접 투자 동향", "해외직접투자"},
		{"디지털플랫폼 구축 제안요청서", "디지털 플랫폼"},
		{"디지털 플랫폼 구축", "디지털플랫폼"},
		{"검색엔진을 도입하였다", "검색엔진"},
		{"서울시 예산", "서울시예산"},
	} {
		if !contains(tc.doc, tc.query) {
			t.Errorf("%q does not contain %q", tc.doc, tc.query)
		}
	}
	if contains("해외 투자 동향", "해외직접투자") {
		t.Error("해외 투자 동향 contains 해외직접투자")
	}
}

func BenchmarkTerms(b *testing.B) {
	text := strings.Repeat("2024년도 예산을 편성하였으며, 해외 직접 투자 동향과 K-water 디지털플랫폼 구축 사업을 추진한다. ", 200)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Terms(text)
	}
}

// TestTermsJoinedPositions checks what phrases of joined query runs rely on:
// the tokens of "151.3", "2025-147" or "투자정책과-1234" are at consecutive
// positions of the text, and nothing comes between them.
func TestTermsJoinedPositions(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string // the consecutive terms
	}{
		{"총액 151.3억 원", []string{"151", "3"}},
		{"제2025-147호", []string{"2025", "147"}},
		{"비율 8.9%", []string{"8", "9"}},
		{"2024.06.21.", []string{"2024", "06", "21"}},
		{"투자정책과-1234", []string{"투자", "자정", "정책", "책과", "1234"}},
		{"K-water", []string{"k", "water"}},
		{"10:30", []string{"10", "30"}},
		{"1,234,567", []string{"1", "234", "567"}},
		{"a/b", []string{"a", "b"}},
	} {
		toks := Terms(tc.text)
		found := false
		for i := 0; i+len(tc.want) <= len(toks) && !found; i++ {
			found = true
			for k, w := range tc.want {
				if toks[i+k].Term != w || toks[i+k].Position != toks[i].Position+k {
					found = false
					break
				}
			}
		}
		if !found {
			t.Errorf("Terms(%q) = %+v: no %q at consecutive positions", tc.text, toks, tc.want)
		}
	}
}

func TestQueryUnitsJoined(t *testing.T) {
	type u struct {
		text  string
		terms string
		alt   string
	}
	show := func(us []Unit) []u {
		var out []u
		for _, x := range us {
			var alt []string
			for _, a := range x.Alt {
				alt = append(alt, strings.Join(a.Terms, "+"))
			}
			out = append(out, u{x.Text, strings.Join(x.Terms, "+"), strings.Join(alt, " ")})
		}
		return out
	}
	for _, tc := range []struct {
		query string
		want  []u
	}{
		{"151.3", []u{{"151.3", "151+3", ""}}},
		{"8.9%", []u{{"8.9", "8+9", ""}}},
		{"2025-147", []u{{"2025-147", "2025+147", ""}}},
		{"2024.06.21", []u{{"2024.06.21", "2024+06+21", ""}}},
		{"1,234", []u{{"1,234", "1+234", ""}}},
		{"ＡＢ－１２", []u{{"ab-12", "ab+12", ""}}},          // full-width
		{"2025–147", []u{{"2025–147", "2025+147", ""}}}, // en dash
		// Space around the punctuation separates.
		{"2025 - 147", []u{{"2025", "2025", ""}, {"147", "147", ""}}},
		{"151. 3", []u{{"151", "151", ""}, {"3", "3", ""}}},
		// Other punctuation separates.
		{"예산·결산", []u{{"예산", "예산", ""}, {"결산", "결산", ""}}},
		{"국가(國家)", []u{{"국가", "국가", ""}, {"國家", "國家", ""}}},
		// A change of script alone does not join.
		{"2024년", []u{{"2024", "2024", ""}, {"년", "년", ""}}},
		// A lone CJK character matches inside bigrams: never in a phrase.
		{"1-가", []u{{"1", "1", ""}, {"가", "가", ""}}},
		{"제2025-147호", []u{{"제", "제", ""}, {"2025-147", "2025+147", ""}, {"호", "호", ""}}},
		// Hangul: the particle-stripped alternative keeps the join.
		{"투자정책과-1234", []u{{"투자정책과-1234", "투자+자정+정책+책과+1234", "투자+자정+정책+1234"}}},
		{"서울시의 예산을-2025", []u{{"서울시의예산을-2025", "서울+울시+시의+의예+예산+산을+2025", "서울+울시 예산+2025"}}},
		{"2025-예산을 편성", []u{{"2025-예산을편성", "2025+예산+산을+을편+편성", "2025+예산 편성"}}},
		// Spacing inside Hangul does not count for the unit; its words
		// apart are the alternative.
		{"해외 직접 투자", []u{{"해외직접투자", "해외+외직+직접+접투+투자", "해외 직접 투자"}}},
		// The same phrase however punctuated is one unit.
		{"151.3 151-3", []u{{"151.3", "151+3", ""}}},
	} {
		if got := show(QueryUnits(tc.query)); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("QueryUnits(%q) =\n %q, want\n %q", tc.query, got, tc.want)
		}
	}
}

// TestTermsNFD checks that decomposed text (NFD: conjoining jamo, combining
// marks) gives the tokens of the composed text (NFC), with offsets into the
// text as given.
func TestTermsNFD(t *testing.T) {
	for _, nfc := range []string{
		"2024년 해외직접투자 동향",
		"각 부처는 지출 구조조정을 통하여 예산을 편성하였다",
		"Café résumé naïve",
		"ガイドライン がぎぐ パピプ",
		"大韓民國 憲法",
		"쀍 힣 가",
	} {
		nfd := norm.NFD.String(nfc)
		if nfd == nfc && !strings.Contains(nfc, "大") {
			t.Fatalf("%q has no decomposition", nfc)
		}
		want, got := Terms(nfc), Terms(nfd)
		if len(got) != len(want) {
			t.Fatalf("NFD %q: %q, want %q", nfc, terms(nfd), terms(nfc))
		}
		for i := range got {
			if got[i].Term != want[i].Term || got[i].Position != want[i].Position || got[i].Kind != want[i].Kind {
				t.Fatalf("NFD %q: token %d is %+v, want %+v", nfc, i, got[i], want[i])
			}
			// The offsets cover the decomposed characters.
			if span := norm.NFC.String(nfd[got[i].Start:got[i].End]); strings.Join(strings.Fields(span), "") != strings.Join(strings.Fields(nfc[want[i].Start:want[i].End]), "") {
				t.Fatalf("NFD %q: token %q covers %q", nfc, got[i].Term, nfd[got[i].Start:got[i].End])
			}
		}
		// A query in either form finds the text in either form.
		for _, q := range []string{nfc, nfd} {
			us := QueryUnits(q)
			if !reflect.DeepEqual(us, QueryUnits(nfc)) {
				t.Fatalf("QueryUnits(NFD %q) differs", nfc)
			}
		}
	}
	// Marks after a CJK character belong to it; old Hangul jamo that do not
	// compose stay characters of their own.
	if got := terms("가\u0301나"); !reflect.DeepEqual(got, []string{"가나"}) {
		t.Fatalf("got %q", got)
	}
	if got := terms("\u1100\u1100"); !reflect.DeepEqual(got, []string{"\u1100\u1100"}) {
		t.Fatalf("got %q", got)
	}
}
