package tenants

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Limits of one submission.
const (
	MaxFileSize  = 256 << 20
	MaxFiles     = 20
	MaxTitleLen  = 500
	MaxIndexText = 2 << 20 // bytes of text per file kept for search and preview
)

// Upload is one file of a submission, as received.
type Upload struct {
	Name string
	Data []byte
}

// Submission is a document offered for publication: metadata as far as the
// publisher knows it, and its files. Empty fields are filled from the files
// where they say (title, number, date, summary).
type Submission struct {
	Tenant     string
	Type       DocType
	Title      string
	Summary    string
	Department string
	Author     string
	Number     string
	Produced   Date
	Disclosure Disclosure
	Grounds    []Ground
	Files      []Upload
	// DefaultType is the type of a new document whose Type is empty; unlike
	// Type it never changes a document that exists (a folder imported with
	// a type must not retype what it already holds).
	DefaultType DocType
}

// Outcome says what a publication did.
type Outcome string

const (
	Published Outcome = "published" // a new document
	Updated   Outcome = "updated"   // a new revision of an existing document
	Unchanged Outcome = "unchanged" // the same files and metadata were there already
)

// Publication is the result of Publish.
type Publication struct {
	Outcome  Outcome
	Document *Document
}

// Publisher is the one publishing pipeline every entry point uses: detect
// each file's format from its bytes, extract its text, store originals, text
// and the record in the tenant's bucket, and announce the change so the
// indexer puts it in the federated index. Safe for concurrent use.
type Publisher struct {
	archive  *Archive
	extract  Extractor
	announce Announcer
	now      func() time.Time
	// docLocks serialise publications of one document (striped by id)
	// within a process, so its updates do not keep conflicting. Between
	// processes (on shared buckets) the record's conditional write decides:
	// the loser gets Conflict, and its file objects, named by checksum,
	// never replace the winner's.
	docLocks [64]sync.Mutex
}

// NewPublisher returns a publisher reading files with x, writing to archive
// and announcing on a.
func NewPublisher(archive *Archive, x Extractor, a Announcer) *Publisher {
	return &Publisher{archive: archive, extract: x, announce: a, now: time.Now}
}

func (p *Publisher) lock(tenant, id string) func() {
	h := fnv.New32a()
	h.Write([]byte(tenant + "/" + id))
	mu := &p.docLocks[h.Sum32()%uint32(len(p.docLocks))]
	mu.Lock()
	return mu.Unlock
}

// Publish validates and stores a submission. A file that cannot be read
// refuses the whole submission (Invalid, naming the file and the reason) and
// nothing is written. Publishing files already published in the tenant
// updates that document instead of creating a second one.
func (p *Publisher) Publish(ctx context.Context, s Submission) (*Publication, error) {
	const op = "publish"
	t, err := p.archive.registry.Lookup(ctx, s.Tenant)
	if err != nil {
		return nil, err
	}
	if t.Status != StatusActive {
		return nil, Errorf(op, Forbidden, "기관 %s 은 게시가 중지되었습니다 / tenant %s is suspended", t.Slug, t.Slug)
	}
	if err := s.validate(); err != nil {
		return nil, err
	}

	bucket := t.Bucket()
	if _, err := p.archive.registry.Ensure(ctx, t.Slug); err != nil {
		return nil, E(op, err)
	}
	sums := make([]string, len(s.Files))
	for i, u := range s.Files {
		sum := sha256.Sum256(u.Data)
		sums[i] = hex.EncodeToString(sum[:])
	}
	id, err := p.existingID(ctx, bucket, sums)
	if err != nil {
		return nil, E(op, err)
	}
	if id == "" {
		id = sums[0][:16]
	}
	defer p.lock(t.Slug, id)()
	old, etag, err := p.archive.Document(ctx, t.Slug, id)
	switch {
	case Is(err, NotFound): // new, or a checksum entry whose record was never written
		old, err = nil, nil
	case err != nil && !Is(err, Unavailable):
		// The record is damaged: updating it would lose what it holds.
		return nil, E(op, Conflict, fmt.Sprintf("%s: 이 파일을 가진 문서 %s 의 기록이 손상되어 갱신할 수 없습니다 (plaza reindex 가 손상된 기록을 알려 줍니다) / the record of document %s, which holds this file, is damaged and cannot be updated", s.Files[0].Name, id, id), err)
	}
	if err != nil {
		return nil, E(op, err)
	}

	// Only files the document does not hold yet are read and stored; the
	// files it holds stay as they are, under their first names.
	var fresh []int
	for i, sum := range sums {
		if old == nil || !old.hasFile(sum) {
			fresh = append(fresh, i)
		}
	}
	if old != nil && len(fresh) == 0 && s.agreesWith(old) {
		return &Publication{Outcome: Unchanged, Document: old}, nil
	}

	// Read every new file before writing anything.
	next := 0
	if old != nil {
		next = len(old.Files)
	}
	files := make([]File, 0, len(fresh))
	texts := make([]string, 0, len(fresh))
	var first *Extraction
	for k, i := range fresh {
		u := s.Files[i]
		x, err := p.extract.Extract(u.Name, u.Data)
		if err != nil {
			return nil, E(op, err)
		}
		// NFC, so text decomposed by its producer matches what people type.
		texts = append(texts, truncateUTF8(norm.NFC.String(x.Text), MaxIndexText))
		files = append(files, File{N: next + k, Name: cleanFileName(u.Name), Size: int64(len(u.Data)), MediaType: x.MediaType,
			Format: x.Format, SHA256: sums[i], TextChars: utf8.RuneCountInString(x.Text)})
		if k == 0 {
			first = x
		}
	}

	var d *Document
	outcome := Published
	if old != nil {
		// An update: what the submission states replaces what the record
		// says; what it leaves empty stays.
		outcome = Updated
		cp := *old
		d = &cp
		d.Files = append(slices.Clone(old.Files), files...)
		s.applyTo(d)
		forgetContent(d)
	} else {
		d = &Document{Tenant: t.Slug, ID: id, Files: files, Disclosure: DisclosureFull, Type: TypeOther}
		if s.DefaultType != "" {
			d.Type = s.DefaultType
		}
		s.applyTo(d)
		fillFromFile(d, first, s.Files[0].Name)
	}
	now := p.now().UTC().Truncate(time.Second)
	if d.Disclosed.IsZero() {
		d.Disclosed = now
	}
	d.Revision++
	d.Updated = now

	// Originals, text and checksum entries first, the record last: the
	// record is the commit point. A crash before it leaves objects no record
	// names, and checksum entries whose record is missing, which the next
	// publication of the same files takes over.
	for k, f := range files {
		if _, err := p.archive.put(ctx, bucket, fileKey(id, f), f.MediaType, s.Files[fresh[k]].Data, PutOptions{}); err != nil {
			return nil, E(op, err)
		}
		if _, err := p.archive.put(ctx, bucket, textKey(id, f), "text/plain; charset=utf-8", []byte(texts[k]), PutOptions{}); err != nil {
			return nil, E(op, err)
		}
		if _, err := p.archive.put(ctx, bucket, checksumKey(f.SHA256), "", []byte(id), PutOptions{}); err != nil {
			return nil, E(op, err)
		}
	}
	if err := p.archive.writeRecord(ctx, bucket, d, etag); err != nil {
		return nil, E(op, err)
	}
	// The record is written; if the announcement is lost, the reconciler
	// finds the document at the next start.
	if err := p.announce.Announce(ctx, Change{Tenant: d.Tenant, ID: d.ID, Revision: d.Revision}); err != nil {
		return &Publication{Outcome: outcome, Document: d}, E(op, Unavailable, "문서는 저장되었으나 색인 알림에 실패했습니다 / stored, but the index was not notified", err)
	}
	return &Publication{Outcome: outcome, Document: d}, nil
}

func (p *Publisher) existingID(ctx context.Context, bucket string, sums []string) (string, error) {
	for _, sum := range sums {
		id, err := p.archive.byChecksum(ctx, bucket, sum)
		if err != nil || id != "" {
			return id, err
		}
	}
	return "", nil
}

func (s *Submission) validate() error {
	const op = "publish"
	switch {
	case len(s.Files) == 0:
		return Errorf(op, Invalid, "파일이 없습니다 / no file given")
	case len(s.Files) > MaxFiles:
		return Errorf(op, Invalid, "파일은 한 문서에 %d개까지입니다 / at most %d files per document", MaxFiles, MaxFiles)
	case utf8.RuneCountInString(s.Title) > MaxTitleLen:
		return Errorf(op, Invalid, "제목이 너무 깁니다 (%d자까지) / title too long (max %d)", MaxTitleLen, MaxTitleLen)
	case s.Type != "" && !s.Type.Valid():
		return Errorf(op, Invalid, "문서 유형 %q 이 올바르지 않습니다 / invalid document type %q", s.Type, s.Type)
	case s.DefaultType != "" && !s.DefaultType.Valid():
		return Errorf(op, Invalid, "문서 유형 %q 이 올바르지 않습니다 / invalid document type %q", s.DefaultType, s.DefaultType)
	}
	switch s.Disclosure {
	case "", DisclosureFull:
	case DisclosurePartial, DisclosureNone:
		if len(s.Grounds) == 0 {
			return Errorf(op, Invalid, "부분공개·비공개에는 정보공개법 제9조 제1항의 근거가 필요합니다 / partial or no disclosure needs a ground under Art. 9(1)")
		}
	default:
		return Errorf(op, Invalid, "공개 구분 %q 을 알 수 없습니다 / unknown disclosure level %q", s.Disclosure, s.Disclosure)
	}
	for _, g := range s.Grounds {
		if g < 1 || g > 8 {
			return Errorf(op, Invalid, "비공개 근거는 제1호~제8호입니다 / grounds are clauses 1 to 8")
		}
	}
	for _, f := range s.Files {
		if len(f.Data) > MaxFileSize {
			return Errorf(op, Invalid, "%s: 파일이 너무 큽니다 (%d MiB까지) / file too large (max %d MiB)", f.Name, MaxFileSize>>20, MaxFileSize>>20)
		}
	}
	return nil
}

// hasFile reports whether the document holds a file with this checksum.
func (d *Document) hasFile(sha string) bool {
	return slices.ContainsFunc(d.Files, func(f File) bool { return f.SHA256 == sha })
}

// agreesWith reports whether every field the submission states already has
// that value in old (empty fields state nothing).
func (s *Submission) agreesWith(old *Document) bool {
	d := *old
	s.applyTo(&d)
	return d.Type == old.Type && d.Title == old.Title && d.Summary == old.Summary && d.Department == old.Department &&
		d.Author == old.Author && d.Number == old.Number && d.Produced == old.Produced &&
		d.Disclosure == old.Disclosure && slices.Equal(d.Grounds, old.Grounds)
}

// applyTo sets on d every field the submission states.
func (s *Submission) applyTo(d *Document) {
	set := func(dst *string, v string) {
		if v = strings.TrimSpace(v); v != "" {
			*dst = v
		}
	}
	stated := func(field, v string) {
		if strings.TrimSpace(v) != "" { // the publisher's word now, not the content's
			d.FromContent = slices.DeleteFunc(slices.Clone(d.FromContent), func(f string) bool { return f == field })
		}
	}
	stated("title", s.Title)
	stated("summary", s.Summary)
	stated("number", s.Number)
	if !s.Produced.IsZero() {
		stated("produced", "x")
	}
	set(&d.Title, strings.Join(strings.Fields(s.Title), " "))
	set(&d.Summary, s.Summary)
	set(&d.Department, s.Department)
	set(&d.Author, s.Author)
	set(&d.Number, s.Number)
	if s.Type != "" {
		d.Type = s.Type
	}
	if !s.Produced.IsZero() {
		d.Produced = s.Produced
	}
	if s.Disclosure != "" {
		d.Disclosure = s.Disclosure
		d.Grounds = s.Grounds
		if s.Disclosure == DisclosureFull {
			d.Grounds = nil
		}
	}
}

// fillFromFile fills what a new document's submission left empty from what
// its first file declares, and notes which fields it filled. Only a fully
// disclosed document takes anything from its content: the summary, number or
// title printed in a withheld document is part of what is withheld, so it
// gets its file name as title.
func fillFromFile(d *Document, x *Extraction, fileName string) {
	stem := strings.TrimSuffix(path.Base(filepath.ToSlash(fileName)), path.Ext(fileName))
	if d.Disclosure != DisclosureFull {
		d.Title = firstNonEmpty(d.Title, stem)
		return
	}
	h := x.Header
	fill := func(field string, dst *string, v string) {
		if *dst == "" && strings.TrimSpace(v) != "" {
			*dst = v
			d.FromContent = append(d.FromContent, field)
		}
	}
	fill("title", &d.Title, clipRunes(strings.Join(strings.Fields(firstNonEmpty(h.Title, x.Title)), " "), MaxTitleLen))
	d.Title = firstNonEmpty(d.Title, stem)
	fill("number", &d.Number, clipRunes(strings.TrimSpace(h.Number), 200))
	fill("subject", &d.Subject, clipRunes(strings.TrimSpace(h.Subject), 200))
	fill("summary", &d.Summary, strings.TrimSpace(h.Summary))
	if d.Produced.IsZero() && h.Date != "" {
		if dt, err := ParseDate(h.Date); err == nil {
			d.Produced = dt
			d.FromContent = append(d.FromContent, "produced")
		}
	}
}

// forgetContent clears what a document took from its content once it is no
// longer fully disclosed; its title falls back to its first file's name.
func forgetContent(d *Document) {
	if d.Disclosure == DisclosureFull {
		return
	}
	for _, f := range d.FromContent {
		switch f {
		case "title":
			d.Title = strings.TrimSuffix(d.Files[0].Name, path.Ext(d.Files[0].Name))
		case "number":
			d.Number = ""
		case "subject":
			d.Subject = ""
		case "summary":
			d.Summary = ""
		case "produced":
			d.Produced = Date{}
		}
	}
	d.FromContent = nil
}

// clipRunes cuts s to at most n characters.
func clipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}

// cleanFileName keeps the original name's base for download (an HWPX named
// .hwp keeps its name; its media type says what it is), made safe as an
// object key.
func cleanFileName(name string) string {
	base := path.Base(filepath.ToSlash(norm.NFC.String(name)))
	base = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '/' || r == '\\' {
			return '_'
		}
		return r
	}, base)
	if base == "." || base == ".." || base == "" || base == "/" {
		base = "file"
	}
	if strings.HasPrefix(base, ".") {
		base = "_" + base
	}
	return truncateUTF8(base, 200)
}

func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
