package esindex

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/plaza-portal/plaza/federation"
	"github.com/plaza-portal/plaza/tenants"
)

// unreachable is the error of a request that got no response: Unavailable,
// naming the host (never the user or password), unless ctx ended.
func (x *Index) unreachable(ctx context.Context, op string, err error) error {
	if cerr := ctx.Err(); cerr != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		return tenants.E(op, cerr)
	}
	// The host goes to the log with the cause, not to the citizen.
	return tenants.E(op, tenants.Unavailable,
		"검색 엔진에 연결할 수 없습니다. 잠시 후 다시 시도해 주십시오 / cannot reach the search engine; try again later",
		x.scrub(fmt.Errorf("%s: %w", x.host, err)))
}

// fail is the error of a response with an unexpected status: Unavailable
// when the engine is busy or a proxy before it has no answer, otherwise
// Internal (a request of ours it refused, a missing index, bad credentials),
// with the engine's reason as the cause.
func (x *Index) fail(op string, status int, body []byte) error {
	cause := x.scrub(fmt.Errorf("%s: HTTP %d: %s", x.name, status, reason(body)))
	switch status {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return tenants.E(op, tenants.Unavailable,
			fmt.Sprintf("검색 엔진(%s)이 응답하지 않거나 바쁩니다. 잠시 후 다시 시도해 주십시오 / the search engine at %s is busy or not answering; try again later", x.host, x.host),
			cause)
	}
	return tenants.E(op, cause)
}

// scrub removes the password from an error's text, should any library
// quote a URL with it.
func (x *Index) scrub(err error) error {
	if err == nil || x.password == "" || !strings.Contains(err.Error(), x.password) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), x.password, "xxxxx"))
}

// engineError is an error body: Elasticsearch sends an object with a type
// and reason, some stand-ins a bare string.
type engineError struct {
	Type   string
	Reason string
}

func (e *engineError) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		e.Reason = s
		return nil
	}
	var o struct {
		Type     string `json:"type"`
		Reason   string `json:"reason"`
		CausedBy *struct {
			Type   string `json:"type"`
			Reason string `json:"reason"`
		} `json:"caused_by"`
	}
	if err := json.Unmarshal(b, &o); err != nil {
		return err
	}
	e.Type, e.Reason = o.Type, o.Reason
	if o.CausedBy != nil && o.CausedBy.Reason != "" {
		e.Reason += " (" + o.CausedBy.Type + ": " + o.CausedBy.Reason + ")"
	}
	return nil
}

// errorType is the type of the error in a response body, if any.
func errorType(body []byte) string {
	var res struct {
		Error engineError `json:"error"`
	}
	json.Unmarshal(body, &res)
	return res.Error.Type
}

// reason describes the error in a response body, shortened.
func reason(body []byte) string {
	var res struct {
		Error engineError `json:"error"`
	}
	s := ""
	if json.Unmarshal(body, &res) == nil && (res.Error.Type != "" || res.Error.Reason != "") {
		s = strings.TrimPrefix(res.Error.Type+": "+res.Error.Reason, ": ")
	} else {
		s = strings.TrimSpace(string(body))
	}
	if len(s) > 300 {
		s = federation.CutBytes(s, 300) + "…"
	}
	if s == "" {
		s = "no body"
	}
	return s
}
