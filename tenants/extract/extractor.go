package extract

import (
	"errors"
	"fmt"

	"github.com/plaza-portal/plaza/tenants"
)

// Extractor is the tenants.Extractor of the formats this package reads.
type Extractor struct{}

var _ tenants.Extractor = Extractor{}

// Extract reads a file. A *Refusal becomes an Invalid error naming the file
// and the reason; a fault of the PDF engine becomes Unavailable, since the
// file is not to blame.
func (Extractor) Extract(name string, data []byte) (*tenants.Extraction, error) {
	const op = "extract"
	res, err := File(name, data)
	if err != nil {
		var r *Refusal
		switch {
		case errors.As(err, &r):
			return nil, tenants.E(op, tenants.Invalid, fmt.Sprintf("%s: %s", name, r.Reason), err)
		case errors.Is(err, ErrEngine):
			return nil, tenants.E(op, tenants.Unavailable, "문서 읽기 엔진을 쓸 수 없습니다. 잠시 뒤 다시 시도하세요 / the document reader is unavailable; try again later", err)
		}
		return nil, tenants.E(op, err)
	}
	h := Header(res.Text)
	return &tenants.Extraction{
		Format: string(res.Format), MediaType: res.Format.MediaType(), Text: res.Text, Title: res.Title,
		Header: tenants.DeclaredFields{Number: h.Number, Subject: h.Subject, Title: h.Title, Summary: h.Summary, Date: h.Date},
	}, nil
}
