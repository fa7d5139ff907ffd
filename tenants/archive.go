package tenants

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Keys of a document's objects in its tenant's bucket.
func metaKey(id string) string { return "documents/" + id + "/meta.json" }

// A file's objects are named by its number and the start of its checksum:
// two processes that add a file to one document at once both number it n,
// and the one whose record write then loses must not have replaced the
// winner's bytes or text (it leaves objects no record names, as a crash
// does).
func fileKey(id string, f File) string {
	return fmt.Sprintf("documents/%s/files/%s/%s", id, fileTag(f), f.Name)
}
func textKey(id string, f File) string {
	return fmt.Sprintf("documents/%s/text/%s.txt", id, fileTag(f))
}
func fileTag(f File) string {
	return fmt.Sprintf("%d-%.16s", f.N, f.SHA256)
}
func checksumKey(sha string) string { return "checksums/" + sha }

var idRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)

// ValidID reports whether s can be a document id (URL-safe, no path parts).
func ValidID(s string) bool { return idRE.MatchString(s) }

// Archive reads and writes document records in the tenants' buckets. It
// checks that a tenant exists before touching its bucket and never reads
// across buckets. Safe for concurrent use.
type Archive struct {
	blobs    BlobStore
	registry *Registry
}

// NewArchive returns an archive over blobs for the tenants of registry.
func NewArchive(blobs BlobStore, registry *Registry) *Archive {
	return &Archive{blobs: blobs, registry: registry}
}

// Registry returns the tenants the archive serves.
func (a *Archive) Registry() *Registry { return a.registry }

func (a *Archive) bucket(ctx context.Context, tenant string) (string, error) {
	t, err := a.registry.Lookup(ctx, tenant)
	if err != nil {
		return "", err
	}
	return t.Bucket(), nil
}

// Document returns a document's record and the ETag of its meta.json (for a
// conditional update). NotFound when the tenant or document does not exist.
func (a *Archive) Document(ctx context.Context, tenant, id string) (*Document, string, error) {
	const op = "archive.document"
	b, err := a.bucket(ctx, tenant)
	if err != nil {
		return nil, "", err
	}
	if !ValidID(id) {
		return nil, "", Errorf(op, NotFound, "문서가 없습니다 / no such document")
	}
	obj, err := a.blobs.Open(ctx, b, metaKey(id))
	if Is(err, NotFound) {
		return nil, "", Errorf(op, NotFound, "문서가 없습니다 / no such document")
	}
	if err != nil {
		return nil, "", E(op, err)
	}
	defer obj.Close()
	var d Document
	if err := json.NewDecoder(io.LimitReader(obj, 16<<20)).Decode(&d); err != nil {
		return nil, "", E(op, Internal, fmt.Errorf("%s/%s: %w", b, metaKey(id), err))
	}
	if d.Tenant != tenant || d.ID != id {
		return nil, "", E(op, Internal, fmt.Errorf("%s/%s holds the record of %s/%s", b, metaKey(id), d.Tenant, d.ID))
	}
	return &d, obj.Info().ETag, nil
}

// Text returns the extracted text of a document's files, joined by blank
// lines. A document that is not disclosed has no text to show: Forbidden.
func (a *Archive) Text(ctx context.Context, d *Document) (string, error) {
	return a.TextPrefix(ctx, d, -1)
}

// TextPrefix is Text cut to at most max bytes (all of it when max < 0),
// reading no more than that from the bucket (a page preview needs only the
// start of a long document).
func (a *Archive) TextPrefix(ctx context.Context, d *Document, max int64) (string, error) {
	const op = "archive.text"
	if !d.Public() {
		return "", Errorf(op, Forbidden, "비공개 문서입니다 / this document is not disclosed")
	}
	b, err := a.bucket(ctx, d.Tenant)
	if err != nil {
		return "", err
	}
	var sb strings.Builder
	for _, f := range d.Files {
		left := max - int64(sb.Len())
		if max >= 0 && left <= 2 {
			break
		}
		obj, err := a.blobs.Open(ctx, b, textKey(d.ID, f))
		if Is(err, NotFound) {
			continue
		}
		if err != nil {
			return "", E(op, err)
		}
		if sb.Len() > 0 {
			sb.WriteString("\n\n")
			left -= 2
		}
		var r io.Reader = obj
		if max >= 0 {
			r = io.LimitReader(obj, left)
		}
		_, err = io.Copy(&sb, r)
		obj.Close()
		if err != nil {
			return "", E(op, err)
		}
	}
	return trimPartialRune(sb.String()), nil
}

// trimPartialRune drops a character cut in two at the end of s.
func trimPartialRune(s string) string {
	for i := len(s) - 1; i >= 0 && i >= len(s)-utf8.UTFMax; i-- {
		if utf8.RuneStart(s[i]) {
			if !utf8.FullRuneInString(s[i:]) {
				return s[:i]
			}
			break
		}
	}
	return s
}

// OpenFile opens the n-th original file of a document. A document that is
// not disclosed keeps its files: Forbidden.
func (a *Archive) OpenFile(ctx context.Context, d *Document, n int) (Object, File, error) {
	const op = "archive.file"
	if !d.Public() {
		return nil, File{}, Errorf(op, Forbidden, "비공개 문서의 파일은 내려받을 수 없습니다 / files of a document that is not disclosed cannot be downloaded")
	}
	if n < 0 || n >= len(d.Files) {
		return nil, File{}, Errorf(op, NotFound, "파일이 없습니다 / no such file")
	}
	b, err := a.bucket(ctx, d.Tenant)
	if err != nil {
		return nil, File{}, err
	}
	f := d.Files[n]
	obj, err := a.blobs.Open(ctx, b, fileKey(d.ID, f))
	if err != nil {
		return nil, File{}, E(op, err)
	}
	return obj, f, nil
}

// EachDocument calls fn for every document record of a tenant, in id order
// (none for a tenant without a bucket).
// A record that cannot be read is passed as its id with the error (d nil), as
// fs.WalkDir does, so one damaged record need not stop a walk: fn decides.
// An error fn returns stops the walk and is returned.
func (a *Archive) EachDocument(ctx context.Context, tenant string, fn func(id string, d *Document, err error) error) error {
	b, err := a.bucket(ctx, tenant)
	if err != nil {
		return err
	}
	var walkErr error // an error of fn, told apart from one of the store
	err = a.blobs.List(ctx, b, "documents/", func(o ObjectInfo) error {
		if path.Base(o.Key) != "meta.json" || strings.Count(o.Key, "/") != 2 {
			return nil
		}
		id := strings.Split(o.Key, "/")[1]
		d, _, err := a.Document(ctx, tenant, id)
		walkErr = fn(id, d, err)
		return walkErr
	})
	if walkErr == nil && Is(err, NotFound) {
		return nil // a tenant that never published has no bucket yet
	}
	return err
}

// byChecksum finds the document that holds a file with the given SHA-256;
// "" when none does.
func (a *Archive) byChecksum(ctx context.Context, bucket, sha string) (string, error) {
	obj, err := a.blobs.Open(ctx, bucket, checksumKey(sha))
	if Is(err, NotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	defer obj.Close()
	b, err := io.ReadAll(io.LimitReader(obj, 128))
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

func (a *Archive) put(ctx context.Context, bucket, key, contentType string, data []byte, opt PutOptions) (ObjectInfo, error) {
	opt.ContentType = contentType
	return a.blobs.Put(ctx, bucket, key, bytes.NewReader(data), int64(len(data)), opt)
}

// writeRecord writes meta.json: for a new document only if none exists, for
// an update only if it is still the version read (etag). Losing either race
// is a Conflict.
func (a *Archive) writeRecord(ctx context.Context, bucket string, d *Document, etag string) error {
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return err
	}
	opt := PutOptions{IfNoneMatch: "*"}
	if etag != "" {
		opt = PutOptions{IfMatch: etag}
	}
	_, err = a.put(ctx, bucket, metaKey(d.ID), "application/json", b, opt)
	if Is(err, Conflict) {
		return Errorf("archive.record", Conflict, "문서 %s 가 동시에 수정되었습니다. 다시 시도해 주세요 / document %s was changed concurrently; try again", d.ID, d.ID)
	}
	return err
}
