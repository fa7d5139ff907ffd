package s3

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"

	"github.com/minio/minio-go/v7"

	"github.com/plaza-portal/plaza/tenants"
)

// kindOf sorts an error of minio-go or of the network into the kinds the
// domain knows. Credentials refused are a fault of the configuration, not of
// the citizen, so they stay Internal.
func kindOf(err error) tenants.Kind {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return tenants.Unavailable
	}
	resp := responseOf(err)
	switch resp.Code {
	case "NoSuchKey", "NoSuchBucket", "NotFound":
		return tenants.NotFound
	case "PreconditionFailed", "ConditionalRequestConflict":
		return tenants.Conflict
	case "InvalidObjectName", "KeyTooLongError", "InvalidBucketName", "EntityTooLarge":
		return tenants.Invalid
	case "SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout", "XMinioServerNotInitialized":
		return tenants.Unavailable
	}
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return tenants.NotFound
	case resp.StatusCode == http.StatusPreconditionFailed || resp.StatusCode == http.StatusConflict:
		return tenants.Conflict
	case resp.StatusCode >= 500:
		return tenants.Unavailable
	case resp.StatusCode != 0:
		return tenants.Internal
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return tenants.Unavailable
	}
	return tenants.Internal
}

// wrap turns err into a tenants error of op about where (bucket/key). The
// cause keeps minio-go's text, which never holds the credentials: requests
// are signed in headers and the endpoint is kept without user info.
func wrap(op, where string, err error) error {
	if err == nil {
		return nil
	}
	var te *tenants.Error
	if errors.As(err, &te) {
		return err
	}
	kind := kindOf(err)
	if where != "" {
		err = fmt.Errorf("%s: %w", where, err)
	}
	return tenants.E(op, kind, err)
}

// responseOf finds the S3 error response in err's chain (minio-go's own
// ToErrorResponse looks at err alone).
func responseOf(err error) minio.ErrorResponse {
	var resp minio.ErrorResponse
	if errors.As(err, &resp) {
		return resp
	}
	var p *minio.ErrorResponse
	if errors.As(err, &p) && p != nil {
		return *p
	}
	return minio.ErrorResponse{}
}

// isNoSuchKey tells a missing object from a missing bucket.
func isNoSuchKey(err error) bool {
	resp := responseOf(err)
	return resp.Code == "NoSuchKey" || (resp.StatusCode == http.StatusNotFound && resp.Code != "NoSuchBucket")
}
