// Package disk is the embedded blob store: one folder per bucket on the local
// disk, with the same keys the S3 store uses, so a data folder can be copied
// into S3 object for object. Writes go to a temporary file and are renamed
// into place, so a reader never sees half an object; conditional writes are
// serialised per key.
package disk

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/plaza-portal/plaza/tenants"
)

var _ tenants.BlobStore = (*Store)(nil)

// Store keeps buckets as folders under a root. Safe for concurrent use within
// one process; the data folder lock (see Lock) keeps other processes out.
type Store struct {
	root  string
	locks sync.Map // bucket/key -> *sync.Mutex, for conditional writes
}

// Open returns a store rooted at root, creating the folder if needed.
func Open(root string) (*Store, error) {
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, tenants.E("disk.open", tenants.Unavailable, err)
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, tenants.E("disk.open", err)
	}
	return &Store{root: abs}, nil
}

var bucketRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

// An object's content type is derived from its key's extension; only a type
// that differs from that is kept, in a sidecar file beside the object.
const metaSuffix = ".plaza-type"

// typeOfKey is the type an object's key implies, the same in every store.
func typeOfKey(key string) string { return tenants.TypeOfKey(key) }

// etagOf names one version of an object's file: a write replaces the file
// (a new inode, size and modification time), so any write changes it, and
// it costs one stat instead of hashing the bytes. Web servers make their
// ETags the same way.
func etagOf(fi fs.FileInfo) string {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return fmt.Sprintf("%x-%x-%x", st.Ino, fi.Size(), fi.ModTime().UnixNano())
	}
	return fmt.Sprintf("%x-%x", fi.Size(), fi.ModTime().UnixNano())
}

func (s *Store) bucketDir(bucket string) (string, error) {
	if !bucketRE.MatchString(bucket) {
		return "", tenants.E("disk.bucket", tenants.Invalid, fmt.Errorf("invalid bucket name %q", bucket))
	}
	return filepath.Join(s.root, bucket), nil
}

// objectPath maps a key to a file, refusing keys that could escape the bucket.
func (s *Store) objectPath(bucket, key string) (string, error) {
	dir, err := s.bucketDir(bucket)
	if err != nil {
		return "", err
	}
	if key == "" || strings.HasPrefix(key, "/") || strings.Contains(key, "\\") || strings.HasSuffix(key, metaSuffix) || strings.ContainsRune(key, 0) {
		return "", tenants.E("disk.key", tenants.Invalid, fmt.Errorf("invalid object key %q", key))
	}
	for _, part := range strings.Split(key, "/") {
		if part == "" || part == "." || part == ".." || strings.HasPrefix(part, ".tmp-") {
			return "", tenants.E("disk.key", tenants.Invalid, fmt.Errorf("invalid object key %q", key))
		}
	}
	return filepath.Join(dir, filepath.FromSlash(key)), nil
}

func (s *Store) EnsureBucket(ctx context.Context, bucket string) error {
	dir, err := s.bucketDir(bucket)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return tenants.E("disk.ensure", tenants.Unavailable, err)
	}
	return nil
}

func (s *Store) Buckets(ctx context.Context) ([]string, error) {
	ents, err := os.ReadDir(s.root)
	if err != nil {
		return nil, tenants.E("disk.buckets", tenants.Unavailable, err)
	}
	var out []string
	for _, e := range ents {
		if e.IsDir() && bucketRE.MatchString(e.Name()) {
			out = append(out, e.Name())
		}
	}
	return out, nil
}

func (s *Store) lock(bucket, key string) func() {
	m, _ := s.locks.LoadOrStore(bucket+"/"+key, &sync.Mutex{})
	mu := m.(*sync.Mutex)
	mu.Lock()
	return mu.Unlock
}

func (s *Store) Put(ctx context.Context, bucket, key string, r io.Reader, size int64, opt tenants.PutOptions) (tenants.ObjectInfo, error) {
	const op = "disk.put"
	p, err := s.objectPath(bucket, key)
	if err != nil {
		return tenants.ObjectInfo{}, err
	}
	dir, _ := s.bucketDir(bucket)
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return tenants.ObjectInfo{}, tenants.E(op, tenants.NotFound, fmt.Errorf("no bucket %q", bucket))
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return tenants.ObjectInfo{}, tenants.E(op, tenants.Unavailable, err)
	}
	// Write the bytes before taking the lock: only the check and the rename
	// need to be serialised.
	tmp, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return tenants.ObjectInfo{}, tenants.E(op, tenants.Unavailable, err)
	}
	defer os.Remove(tmp.Name())
	n, err := io.Copy(tmp, r)
	if err == nil && size >= 0 && n != size {
		err = fmt.Errorf("wrote %d bytes, expected %d", n, size)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return tenants.ObjectInfo{}, tenants.E(op, tenants.Unavailable, err)
	}

	unlock := s.lock(bucket, key)
	defer unlock()
	if opt.IfMatch != "" || opt.IfNoneMatch != "" {
		cur, err := s.statLocked(bucket, key)
		exists := err == nil
		if err != nil && !tenants.Is(err, tenants.NotFound) {
			return tenants.ObjectInfo{}, err
		}
		if opt.IfNoneMatch == "*" && exists {
			return tenants.ObjectInfo{}, tenants.E(op, tenants.Conflict, fmt.Errorf("object %s exists", key))
		}
		if opt.IfMatch != "" && (!exists || cur.ETag != opt.IfMatch) {
			return tenants.ObjectInfo{}, tenants.E(op, tenants.Conflict, fmt.Errorf("object %s changed", key))
		}
	}
	// The type goes first: a crash between the two leaves at worst the new
	// type on the old bytes, never a lost object.
	if opt.ContentType != "" && opt.ContentType != typeOfKey(key) {
		err = writeFileAtomic(p+metaSuffix, []byte(opt.ContentType))
	} else if err = os.Remove(p + metaSuffix); errors.Is(err, fs.ErrNotExist) {
		err = nil
	}
	if err != nil {
		return tenants.ObjectInfo{}, tenants.E(op, tenants.Unavailable, err)
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		return tenants.ObjectInfo{}, tenants.E(op, tenants.Unavailable, err)
	}
	return s.statLocked(bucket, key)
}

func writeFileAtomic(p string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), p)
}

func (s *Store) Stat(ctx context.Context, bucket, key string) (tenants.ObjectInfo, error) {
	return s.statLocked(bucket, key)
}

// statLocked describes an object; writers call it under the key's lock.
func (s *Store) statLocked(bucket, key string) (tenants.ObjectInfo, error) {
	p, err := s.objectPath(bucket, key)
	if err != nil {
		return tenants.ObjectInfo{}, err
	}
	fi, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && fi.IsDir()) {
		return tenants.ObjectInfo{}, tenants.E("disk.stat", tenants.NotFound, fmt.Errorf("no object %s/%s", bucket, key))
	}
	if err != nil {
		return tenants.ObjectInfo{}, tenants.E("disk.stat", tenants.Unavailable, err)
	}
	return s.info(p, key, fi), nil
}

func (s *Store) info(p, key string, fi fs.FileInfo) tenants.ObjectInfo {
	info := tenants.ObjectInfo{Key: key, Size: fi.Size(), Modified: fi.ModTime(), ETag: etagOf(fi), ContentType: typeOfKey(key)}
	if b, err := os.ReadFile(p + metaSuffix); err == nil && len(b) > 0 && len(b) < 256 {
		info.ContentType = string(b)
	}
	return info
}

type object struct {
	*os.File
	info tenants.ObjectInfo
}

func (o *object) Info() tenants.ObjectInfo { return o.info }

// Open opens the object's file and describes that very file (by the open
// handle), so the ETag is that of the bytes read even if a writer replaces
// the object next.
func (s *Store) Open(ctx context.Context, bucket, key string) (tenants.Object, error) {
	p, err := s.objectPath(bucket, key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, tenants.E("disk.open", tenants.NotFound, fmt.Errorf("no object %s/%s", bucket, key))
	}
	if err != nil {
		return nil, tenants.E("disk.open", tenants.Unavailable, err)
	}
	fi, err := f.Stat()
	if err == nil && fi.IsDir() {
		f.Close()
		return nil, tenants.E("disk.open", tenants.NotFound, fmt.Errorf("no object %s/%s", bucket, key))
	}
	if err != nil {
		f.Close()
		return nil, tenants.E("disk.open", tenants.Unavailable, err)
	}
	return &object{File: f, info: s.info(p, key, fi)}, nil
}

func (s *Store) List(ctx context.Context, bucket, prefix string, fn func(tenants.ObjectInfo) error) error {
	dir, err := s.bucketDir(bucket)
	if err != nil {
		return err
	}
	if strings.Contains(prefix, "..") || strings.HasPrefix(prefix, "/") || strings.Contains(prefix, "\\") {
		return tenants.E("disk.list", tenants.Invalid, fmt.Errorf("invalid prefix %q", prefix))
	}
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return tenants.E("disk.list", tenants.NotFound, fmt.Errorf("no bucket %q", bucket))
	}
	// Walk only the deepest folder the prefix names, then filter by prefix.
	start := dir
	if i := strings.LastIndex(prefix, "/"); i >= 0 {
		start = filepath.Join(dir, filepath.FromSlash(prefix[:i]))
	}
	var keys []string
	err = filepath.WalkDir(start, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() || strings.HasSuffix(p, metaSuffix) || strings.HasPrefix(d.Name(), ".tmp-") {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		if strings.HasPrefix(key, prefix) {
			keys = append(keys, key)
		}
		return ctx.Err()
	})
	if err != nil {
		return tenants.E("disk.list", tenants.Unavailable, err)
	}
	sort.Strings(keys) // S3 order: by key bytes, not by folder walk
	for _, k := range keys {
		info, err := s.Stat(ctx, bucket, k)
		if tenants.Is(err, tenants.NotFound) {
			continue // deleted during the walk
		}
		if err != nil {
			return err
		}
		if err := fn(info); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) Delete(ctx context.Context, bucket, key string) error {
	p, err := s.objectPath(bucket, key)
	if err != nil {
		return err
	}
	unlock := s.lock(bucket, key)
	defer unlock()
	for _, q := range []string{p, p + metaSuffix} {
		if err := os.Remove(q); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return tenants.E("disk.delete", tenants.Unavailable, err)
		}
	}
	// Remove folders left empty, up to the bucket, as S3 has no folders.
	dir, _ := s.bucketDir(bucket)
	for d := filepath.Dir(p); d != dir && strings.HasPrefix(d, dir); d = filepath.Dir(d) {
		if os.Remove(d) != nil {
			break
		}
	}
	return nil
}

// Sweep removes temporary files older than age that writers interrupted by
// a crash left behind (a finished or failed write removes its own). It
// returns how many it removed.
func (s *Store) Sweep(ctx context.Context, age time.Duration) (int, error) {
	cutoff := time.Now().Add(-age)
	n := 0
	err := filepath.WalkDir(s.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() || !strings.HasPrefix(d.Name(), ".tmp-") {
			return ctx.Err()
		}
		if fi, err := d.Info(); err == nil && fi.ModTime().Before(cutoff) {
			if os.Remove(p) == nil {
				n++
			}
		}
		return ctx.Err()
	})
	return n, err
}
