package web

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/plaza-portal/plaza/tenants"
)

// download is GET /d/{tenant}/{id}/files/{n}: the original bytes of a file,
// with the conditional and range semantics of net/http's ServeContent (one
// range gives 206; several are answered with the whole file, which RFC 9110
// allows). The file streams from the bucket; it is never held in memory.
func (s *Server) download(c *fiber.Ctx) error {
	n, ok := fileNumber(c.Params("n"))
	if !ok {
		return tenants.Errorf("web.download", tenants.NotFound, "파일이 없습니다 / no such file")
	}
	ctx := c.UserContext()
	d, _, err := s.archive.Document(ctx, c.Params("tenant"), c.Params("id"))
	if err != nil {
		return err
	}
	obj, f, err := s.archive.OpenFile(ctx, d, n)
	if err != nil {
		return err
	}
	info := obj.Info()
	size := info.Size
	if size <= 0 {
		size = f.Size
	}
	// The checksum is the ETag: it names the bytes, whatever engine holds
	// them, so it survives a move between buckets or a reindex.
	etag := `"` + f.SHA256 + `"`
	if f.SHA256 == "" {
		etag = `"` + strings.Trim(info.ETag, `"`) + `"`
	}
	modified := info.Modified.UTC().Truncate(time.Second)

	h := &c.Response().Header
	h.Set(fiber.HeaderETag, etag)
	if !modified.IsZero() {
		h.Set(fiber.HeaderLastModified, modified.Format(http.TimeFormat))
	}
	h.Set(fiber.HeaderAcceptRanges, "bytes")
	h.Set(fiber.HeaderCacheControl, "no-cache") // revalidate: a new revision may replace the file

	switch precondition(c, etag, modified) {
	case http.StatusNotModified:
		obj.Close()
		return c.SendStatus(fiber.StatusNotModified)
	case http.StatusPreconditionFailed:
		obj.Close()
		return c.SendStatus(fiber.StatusPreconditionFailed)
	}

	disposition := "attachment"
	if c.Query("inline") == "1" && f.MediaType == "application/pdf" {
		disposition = "inline"
	}
	h.Set(fiber.HeaderContentType, f.MediaType)
	h.Set(fiber.HeaderContentDisposition, contentDisposition(disposition, f.Name))

	start, length, status := int64(0), size, fiber.StatusOK
	if rh := c.Get(fiber.HeaderRange); rh != "" && size > 0 && ifRange(c, etag, modified) {
		rs, ok := parseRange(rh, size)
		switch {
		case ok && len(rs) == 0:
			// Not the file: no file type or name, so no browser saves the
			// error as the document.
			obj.Close()
			h.Del(fiber.HeaderContentDisposition)
			h.Set(fiber.HeaderContentRange, fmt.Sprintf("bytes */%d", size))
			c.Status(fiber.StatusRequestedRangeNotSatisfiable)
			c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
			return c.SendString("요청한 범위가 파일 밖에 있습니다 / requested range not satisfiable\n")
		case ok && len(rs) == 1:
			start, length, status = rs[0].start, rs[0].length, fiber.StatusPartialContent
			h.Set(fiber.HeaderContentRange, fmt.Sprintf("bytes %d-%d/%d", start, start+length-1, size))
		}
	}
	if start > 0 {
		if _, err := obj.Seek(start, io.SeekStart); err != nil {
			obj.Close()
			return tenants.E("web.download", err)
		}
	}
	c.Status(status)
	// fasthttp closes the stream (and so the object) when it is done.
	c.Response().SetBodyStream(struct {
		io.Reader
		io.Closer
	}{io.LimitReader(obj, length), obj}, int(length))
	return nil
}

// fileNumber reads the n of /files/{n}. Only the canonical decimal form
// names a file (0, 1, 12; not 01, +1, -0 or 1.0), so each file has one URL.
func fileNumber(s string) (int, bool) {
	if s == "" || len(s) > 9 || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// precondition evaluates If-Match, If-Unmodified-Since, If-None-Match and
// If-Modified-Since in the order RFC 9110 §13.2.2 gives; 0 means go on.
func precondition(c *fiber.Ctx, etag string, modified time.Time) int {
	if im := c.Get(fiber.HeaderIfMatch); im != "" {
		if !etagListMatch(im, etag, true) {
			return http.StatusPreconditionFailed
		}
	} else if ius := c.Get(fiber.HeaderIfUnmodifiedSince); ius != "" && !modified.IsZero() {
		if t, err := http.ParseTime(ius); err == nil && modified.After(t) {
			return http.StatusPreconditionFailed
		}
	}
	if inm := c.Get(fiber.HeaderIfNoneMatch); inm != "" {
		if etagListMatch(inm, etag, false) {
			return http.StatusNotModified
		}
	} else if ims := c.Get(fiber.HeaderIfModifiedSince); ims != "" && !modified.IsZero() {
		if t, err := http.ParseTime(ims); err == nil && !modified.After(t) {
			return http.StatusNotModified
		}
	}
	return 0
}

// ifRange reports whether a Range header applies: always without If-Range,
// else only if If-Range names the current representation (strong ETag or
// exact date).
func ifRange(c *fiber.Ctx, etag string, modified time.Time) bool {
	ir := c.Get(fiber.HeaderIfRange)
	switch {
	case ir == "":
		return true
	case strings.HasPrefix(ir, `"`):
		return ir == etag
	case strings.HasPrefix(ir, "W/"):
		return false
	}
	t, err := http.ParseTime(ir)
	return err == nil && !modified.IsZero() && t.Equal(modified)
}

// etagListMatch reports whether a list of entity tags (If-Match,
// If-None-Match) holds etag or "*". Strong comparison refuses weak tags.
func etagListMatch(list, etag string, strong bool) bool {
	for _, tag := range strings.Split(list, ",") {
		tag = strings.TrimSpace(tag)
		if tag == "*" {
			return true
		}
		if weak, ok := strings.CutPrefix(tag, "W/"); ok {
			if strong {
				continue
			}
			tag = weak
		}
		if tag == etag {
			return true
		}
	}
	return false
}

// byteRange is a satisfiable range of a file: its first byte and length.
type byteRange struct{ start, length int64 }

// parseRange reads a Range header for a file of size bytes (size > 0). ok is
// false when the header is malformed or not in bytes, and the header is then
// ignored (RFC 9110 §14.2 lets a server ignore a Range it cannot read); an
// ok with no ranges means none is satisfiable (416).
func parseRange(header string, size int64) (rs []byteRange, ok bool) {
	spec, found := strings.CutPrefix(header, "bytes=")
	if !found {
		return nil, false
	}
	parts := strings.Split(spec, ",")
	if len(parts) > 100 { // a range storm; serve the whole file instead
		return nil, false
	}
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		first, last, found := strings.Cut(p, "-")
		if !found {
			return nil, false
		}
		first, last = strings.TrimSpace(first), strings.TrimSpace(last)
		if first == "" {
			// Suffix range: the last n bytes.
			n, err := strconv.ParseInt(last, 10, 64)
			if err != nil || n < 0 {
				return nil, false
			}
			if n == 0 {
				continue // unsatisfiable
			}
			n = min(n, size)
			rs = append(rs, byteRange{size - n, n})
			continue
		}
		from, err := strconv.ParseInt(first, 10, 64)
		if err != nil || from < 0 {
			return nil, false
		}
		to := size - 1
		if last != "" {
			if to, err = strconv.ParseInt(last, 10, 64); err != nil || to < from {
				return nil, false
			}
			to = min(to, size-1)
		}
		if from >= size {
			continue // unsatisfiable
		}
		rs = append(rs, byteRange{from, to - from + 1})
	}
	return rs, true
}

// contentDisposition builds a Content-Disposition header that every client
// can read (RFC 6266): an ASCII fallback in filename and the exact UTF-8
// name, percent-encoded, in filename* (RFC 5987/8187).
func contentDisposition(kind, name string) string {
	return kind + `; filename="` + asciiFallback(name) + `"; filename*=UTF-8''` + encodeExtValue(name)
}

// asciiFallback replaces every byte outside printable ASCII with '_' and
// drops quotes and backslashes, so the name fits a quoted-string.
func asciiFallback(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r == '"' || r == '\\':
		case r < 0x20 || r >= 0x7f:
			b.WriteByte('_')
		default:
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "file"
	}
	return b.String()
}

// encodeExtValue percent-encodes s for an RFC 8187 ext-value: every byte
// that is not an attr-char becomes %XX.
func encodeExtValue(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if isAttrChar(ch) {
			b.WriteByte(ch)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[ch>>4])
		b.WriteByte(hex[ch&15])
	}
	return b.String()
}

func isAttrChar(ch byte) bool {
	switch {
	case 'a' <= ch && ch <= 'z', 'A' <= ch && ch <= 'Z', '0' <= ch && ch <= '9':
		return true
	}
	return strings.IndexByte("!#$&+-.^_`|~", ch) >= 0
}
