package s3

import (
	"io"

	"github.com/minio/minio-go/v7"

	"github.com/plaza-portal/plaza/tenants"
)

// object is an open S3 object. minio-go's Object seeks by asking for a new
// range of the same ETag, so a Range is served from the version Open
// described. Like any reader, it is for one goroutine at a time.
type object struct {
	o    *minio.Object
	info tenants.ObjectInfo
}

func (o *object) Info() tenants.ObjectInfo { return o.info }

func (o *object) Read(p []byte) (int, error) {
	n, err := o.o.Read(p)
	if err != nil && err != io.EOF {
		err = wrap("s3.read", o.info.Key, err)
	}
	return n, err
}

func (o *object) Seek(offset int64, whence int) (int64, error) {
	n, err := o.o.Seek(offset, whence)
	if err != nil {
		err = wrap("s3.seek", o.info.Key, err)
	}
	return n, err
}

func (o *object) Close() error { return o.o.Close() }
