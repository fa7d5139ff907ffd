package s3

import (
	"fmt"
	"net/url"
	"regexp"

	"github.com/plaza-portal/plaza/tenants"
)

// config is what an S3 URL says. The secret never leaves it: messages name
// the host only.
type config struct {
	host   string // host:port, without user info
	secure bool
	access string
	secret string
	region string
	prefix string
}

// A bucket prefix must keep prefix+"plaza-{slug}" a valid bucket name, so it
// uses the bucket alphabet and leaves room for the name.
var prefixRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{0,39}$`)

func parseURL(raw string) (config, error) {
	const op = "s3.url"
	var c config
	u, err := url.Parse(raw)
	if err != nil {
		// Neither the URL nor the parser's reason is repeated: both can hold
		// part of the secret (an unencoded / or # cuts it short).
		return c, tenants.Errorf(op, tenants.Invalid, "S3 주소를 읽을 수 없습니다. 예: https://키:비밀키@호스트:9000 (비밀키의 /, +, # 등은 %%2F, %%2B, %%23 처럼 씁니다) / cannot parse the S3 URL: e.g. https://KEY:SECRET@HOST:9000 (percent-encode /, +, # and the like in the secret)")
	}
	switch u.Scheme {
	case "http":
	case "https":
		c.secure = true
	default:
		return c, tenants.Errorf(op, tenants.Invalid, "S3 주소는 http:// 또는 https:// 로 시작해야 합니다 / the S3 URL must start with http:// or https://")
	}
	if u.Host == "" || u.Hostname() == "" {
		return c, tenants.Errorf(op, tenants.Invalid, "S3 주소에 서버가 없습니다 / the S3 URL names no server")
	}
	c.host = u.Host
	if u.Path != "" && u.Path != "/" {
		return c, tenants.Errorf(op, tenants.Invalid, "S3 주소에는 경로를 둘 수 없습니다(버킷은 Plaza가 정합니다) / the S3 URL must not have a path (Plaza names the buckets)")
	}
	if u.Fragment != "" {
		return c, tenants.Errorf(op, tenants.Invalid, "S3 주소에 # 부분을 둘 수 없습니다 / the S3 URL must not have a fragment")
	}
	secret, ok := "", false
	if u.User != nil {
		c.access = u.User.Username()
		secret, ok = u.User.Password()
	}
	if c.access == "" || !ok || secret == "" {
		return c, tenants.Errorf(op, tenants.Invalid, "S3 주소에 접근 키와 비밀 키가 없습니다 (http://KEY:SECRET@host:port) / the S3 URL lacks the access key and secret (http://KEY:SECRET@host:port)")
	}
	c.secret = secret
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return c, tenants.E(op, tenants.Invalid, "S3 주소의 매개변수를 읽을 수 없습니다 / cannot parse the S3 URL parameters", err)
	}
	for name, vals := range q {
		if len(vals) != 1 {
			return c, tenants.Errorf(op, tenants.Invalid, "S3 주소 매개변수 %q 가 여러 번 있습니다 / the S3 URL parameter %q is given more than once", name, name)
		}
		switch name {
		case "region":
			c.region = vals[0]
		case "prefix":
			c.prefix = vals[0]
			if !prefixRE.MatchString(c.prefix) {
				return c, tenants.Errorf(op, tenants.Invalid, "S3 버킷 접두사 %q 는 소문자, 숫자, '-', '.' 로 40자까지 쓸 수 있고 소문자나 숫자로 시작해야 합니다 / the S3 bucket prefix %q must be lower-case letters, digits, '-' and '.', at most 40 characters, starting with a letter or digit", c.prefix, c.prefix)
			}
		default:
			return c, tenants.Errorf(op, tenants.Invalid, "알 수 없는 S3 주소 매개변수 %q (region, prefix 만 쓸 수 있습니다) / unknown S3 URL parameter %q (only region and prefix)", name, name)
		}
	}
	return c, nil
}

// String keeps the secret out of anything that prints a config.
func (c config) String() string {
	return fmt.Sprintf("s3 %s", c.host)
}
