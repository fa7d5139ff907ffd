package bleveindex

import (
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"

	"github.com/plaza-portal/plaza/federation"
)

// analyzerName names both the tokenizer and the analyzer in Bleve's
// registry; the index mapping refers to it by name, so an index on disk can
// only be opened by a binary that registered it (this package does in init).
const analyzerName = "plaza_korean"

func init() {
	if err := registry.RegisterTokenizer(analyzerName, func(map[string]any, *registry.Cache) (analysis.Tokenizer, error) {
		return tokenizer{}, nil
	}); err != nil {
		panic(err)
	}
	if err := registry.RegisterAnalyzer(analyzerName, func(_ map[string]any, cache *registry.Cache) (analysis.Analyzer, error) {
		tok, err := cache.TokenizerNamed(analyzerName)
		if err != nil {
			return nil, err
		}
		// federation.Terms already lower-cases; no filter may drop tokens,
		// or phrases over bigrams would no longer find consecutive positions.
		return &analysis.DefaultAnalyzer{Tokenizer: tok}, nil
	}); err != nil {
		panic(err)
	}
}

// tokenizer is federation.Terms as a Bleve tokenizer.
type tokenizer struct{}

func (tokenizer) Tokenize(b []byte) analysis.TokenStream {
	toks := federation.Terms(string(b))
	if len(toks) == 0 {
		return nil
	}
	n := 0
	for _, t := range toks {
		n += len(t.Term)
	}
	// One allocation for all terms and one for all tokens.
	terms := make([]byte, 0, n)
	backing := make([]analysis.Token, len(toks))
	out := make(analysis.TokenStream, len(toks))
	for i, t := range toks {
		at := len(terms)
		terms = append(terms, t.Term...)
		typ := analysis.AlphaNumeric
		if t.Kind != federation.TokenWord {
			typ = analysis.Ideographic
		}
		backing[i] = analysis.Token{
			Start:    t.Start,
			End:      t.End,
			Term:     terms[at:len(terms):len(terms)],
			Position: t.Position,
			Type:     typ,
		}
		out[i] = &backing[i]
	}
	return out
}
