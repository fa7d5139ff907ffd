package s3

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"regexp"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/plaza-portal/plaza/tenants"
)

var bucketRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

// metaType holds a content type that is not plain ASCII (a Korean file name
// parameter, say), RFC 2047-encoded as S3 wants metadata; the Content-Type
// header then carries an ASCII form of it for other S3 clients.
const metaType = "Plaza-Type"

// A conditional write must be one PUT (see Put); one of unknown size is read
// into memory first, up to this much. Plaza's conditional writes are records
// of a few KiB.
const maxUnsizedConditional = 64 << 20

// partSize is the part of a multipart upload held in memory.
const partSize = 16 << 20

var (
	errTooShort = errors.New("body shorter than its stated size")
	errTooLong  = errors.New("body longer than its stated size")
)

// Put writes the object in one PUT, or as a multipart upload when it is
// large or its size is unknown (-1): then it streams, holding one part
// (partSize) in memory. S3 makes the object visible only when the upload is
// complete, so readers never see half of it.
//
// IfMatch and IfNoneMatch "*" are sent to the server as If-Match and
// If-None-Match, so the condition holds across processes; a failed one is
// Conflict. minio-go sends the condition of a multipart upload only with
// its first request, not with the completion that makes the object
// visible, so a conditional write always goes as one PUT.
func (s *Store) Put(ctx context.Context, bucket, key string, r io.Reader, size int64, opt tenants.PutOptions) (tenants.ObjectInfo, error) {
	const op = "s3.put"
	name, err := s.bucketName(op, bucket)
	if err != nil {
		return tenants.ObjectInfo{}, err
	}
	if err := checkKey(op, key); err != nil {
		return tenants.ObjectInfo{}, err
	}
	ct := opt.ContentType
	if ct == "" {
		ct = typeOfKey(key)
	}
	po := minio.PutObjectOptions{}
	if po.ContentType, po.UserMetadata, err = headersOfType(ct); err != nil {
		return tenants.ObjectInfo{}, tenants.E(op, tenants.Invalid, err)
	}
	conditional := opt.IfMatch != "" || opt.IfNoneMatch != ""
	switch opt.IfNoneMatch {
	case "":
	case "*":
		po.SetMatchETagExcept("*")
	default:
		return tenants.ObjectInfo{}, tenants.E(op, tenants.Invalid, fmt.Errorf("If-None-Match %q: only \"*\" is supported", opt.IfNoneMatch))
	}
	if opt.IfMatch != "" {
		po.SetMatchETag(strings.Trim(opt.IfMatch, `"`))
	}
	if size < 0 {
		// Without it minio-go sizes parts for a 5 TiB object: a 537 MiB
		// buffer per write. 16 MiB parts allow objects up to 156 GiB.
		po.PartSize = partSize
	}
	if conditional {
		po.DisableMultipart = true
		if size < 0 {
			b, err := io.ReadAll(io.LimitReader(r, maxUnsizedConditional+1))
			if err != nil {
				return tenants.ObjectInfo{}, tenants.E(op, tenants.Unavailable, err)
			}
			if len(b) > maxUnsizedConditional {
				return tenants.ObjectInfo{}, tenants.E(op, tenants.Invalid, fmt.Errorf("a conditional write of unknown size is limited to %d MiB", maxUnsizedConditional>>20))
			}
			r, size = bytes.NewReader(b), int64(len(b))
		}
	}
	body := newSizedReader(r, size)
	ui, err := s.client.PutObject(ctx, name, key, body, size, po)
	if body.err() != nil {
		// The request was aborted before the server took the object.
		return tenants.ObjectInfo{}, tenants.E(op, tenants.Invalid, fmt.Errorf("%s/%s: %w", bucket, key, body.err()))
	}
	if err != nil {
		// AWS answers If-Match on a missing object with 404 NoSuchKey; for
		// the caller it is a failed condition like any other.
		if opt.IfMatch != "" && isNoSuchKey(err) {
			return tenants.ObjectInfo{}, tenants.E(op, tenants.Conflict, fmt.Errorf("%s/%s: %w", bucket, key, err))
		}
		return tenants.ObjectInfo{}, wrap(op, bucket+"/"+key, err)
	}
	mod := ui.LastModified
	if mod.IsZero() {
		mod = time.Now() // a PUT response has no Last-Modified
	}
	return tenants.ObjectInfo{Key: key, Size: ui.Size, ETag: strings.Trim(ui.ETag, `"`), ContentType: ct, Modified: mod}, nil
}

// headersOfType returns the Content-Type header for ct and, when ct is not
// plain ASCII, the metadata that keeps it whole.
func headersOfType(ct string) (string, map[string]string, error) {
	ascii := true
	for i := 0; i < len(ct); i++ {
		c := ct[i]
		if c < 0x20 && c != '\t' || c == 0x7f {
			return "", nil, fmt.Errorf("invalid content type %q", ct)
		}
		if c >= 0x80 {
			ascii = false
		}
	}
	if ascii {
		return ct, nil, nil
	}
	header := "application/octet-stream"
	if mt, params, err := mime.ParseMediaType(ct); err == nil {
		// Non-ASCII parameters are written the RFC 2231 way.
		if f := mime.FormatMediaType(mt, params); f != "" {
			header = f
		}
	}
	return header, map[string]string{metaType: mime.BEncoding.Encode("utf-8", ct)}, nil
}

// sizedReader fails the upload when the body is not as long as stated, so
// that a wrong size never stores a cut or padded object: the error aborts
// the request before the server takes it.
type sizedReader struct {
	r    io.Reader
	size int64 // -1: unknown, not checked
	n    int64
	bad  error
}

// seekingSizedReader keeps the body seekable, which minio-go needs to retry a
// request.
type seekingSizedReader struct {
	*sizedReader
	start int64
}

type body interface {
	io.Reader
	err() error
}

func newSizedReader(r io.Reader, size int64) body {
	b := &sizedReader{r: r, size: size}
	if sk, ok := r.(io.Seeker); ok {
		if start, err := sk.Seek(0, io.SeekCurrent); err == nil {
			return &seekingSizedReader{sizedReader: b, start: start}
		}
	}
	return b
}

func (b *sizedReader) err() error { return b.bad }

func (b *sizedReader) Read(p []byte) (int, error) {
	if b.bad != nil {
		return 0, b.bad
	}
	n, err := b.r.Read(p)
	b.n += int64(n)
	if b.size < 0 {
		return n, err
	}
	switch {
	case b.n > b.size:
		b.bad = errTooLong
	case err == io.EOF && b.n < b.size:
		b.bad = errTooShort
	case err == nil && b.n == b.size:
		// minio-go reads no further than the size: look for more now,
		// while the request can still be aborted.
		var one [1]byte
		m, perr := io.ReadAtLeast(b.r, one[:], 1)
		if m > 0 {
			b.bad = errTooLong
		} else if perr == io.EOF || perr == io.ErrUnexpectedEOF {
			err = io.EOF
		} else {
			err = perr
		}
	}
	if b.bad != nil {
		return 0, b.bad
	}
	return n, err
}

func (b *seekingSizedReader) Seek(offset int64, whence int) (int64, error) {
	if b.bad != nil {
		return 0, b.bad
	}
	pos, err := b.r.(io.Seeker).Seek(offset, whence)
	if err == nil {
		b.n = pos - b.start
	}
	return pos, err
}
