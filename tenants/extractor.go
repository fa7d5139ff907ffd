package tenants

// Extraction is what a file says about itself: its format, detected from
// the bytes, its text, and the metadata it declares (document properties and
// the header block some bodies print above the body).
type Extraction struct {
	Format    string // hwp, hwpx, pdf
	MediaType string
	Text      string
	// Title declared in the file's properties, if any.
	Title string
	// Fields of a header block (문서번호, 세목, 제목, 요지), if the text has one.
	Header DeclaredFields
}

// DeclaredFields are metadata a document prints in a header block.
type DeclaredFields struct {
	Number  string // document or case number
	Subject string // e.g. 세목 of a tax ruling
	Title   string
	Summary string
	Date    string // YYYY-MM-DD, or ""
}

// Extractor reads files. A file it cannot read is an Invalid error whose
// message names the file and says why; a fault of the extractor itself (an
// engine that cannot start or is overloaded) is Unavailable or Internal.
// Implementations are safe for concurrent use.
type Extractor interface {
	Extract(name string, data []byte) (*Extraction, error)
}
