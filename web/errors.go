package web

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/plaza-portal/plaza/tenants"
)

// statusOf maps a domain error kind to its HTTP status: the one place this
// mapping lives.
func statusOf(k tenants.Kind) int {
	switch k {
	case tenants.NotFound:
		return fiber.StatusNotFound
	case tenants.Invalid:
		return fiber.StatusBadRequest
	case tenants.Forbidden:
		return fiber.StatusForbidden
	case tenants.Conflict:
		return fiber.StatusConflict
	case tenants.Unavailable:
		return fiber.StatusServiceUnavailable
	}
	return fiber.StatusInternalServerError
}

// codeOf is the machine-readable error code of the JSON API for a status.
func codeOf(status int) string {
	switch status {
	case fiber.StatusNotFound:
		return "not_found"
	case fiber.StatusBadRequest:
		return "invalid"
	case fiber.StatusForbidden:
		return "forbidden"
	case fiber.StatusConflict:
		return "conflict"
	case fiber.StatusServiceUnavailable:
		return "unavailable"
	case fiber.StatusMethodNotAllowed:
		return "method_not_allowed"
	case fiber.StatusRequestEntityTooLarge:
		return "too_large"
	case fiber.StatusRequestHeaderFieldsTooLarge:
		return "request_too_large"
	case fiber.StatusRequestTimeout:
		return "timeout"
	}
	if status >= 500 {
		return "internal"
	}
	return "invalid"
}

const internalMessage = "내부 오류 / Internal error"

// apiError is the body of every JSON API error.
type apiError struct {
	Error apiErrorBody `json:"error"`
}

type apiErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// handleError is Fiber's ErrorHandler and the one place errors become
// responses. Domain errors get the status of their kind and their public
// message; Fiber's own errors (no route, request too large) keep their
// status; anything else is internal: logged with its cause, shown only as
// "Internal error". Paths under /api/ get JSON, the rest an HTML page.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	status, msg := fiber.StatusInternalServerError, ""
	var fe *fiber.Error
	var de *tenants.Error
	switch {
	case errors.As(err, &de):
		status, msg = statusOf(tenants.KindOf(err)), tenants.PublicMessage(err)
	case errors.As(err, &fe):
		status, msg = fe.Code, fiberMessage(fe)
	}
	if status >= 500 && status != fiber.StatusServiceUnavailable {
		msg = internalMessage
	}
	if status >= 500 {
		s.log.Error("web: request failed", "method", c.Method(), "path", clip(c.Path(), logPathRunes), "status", status, "err", err)
	} else if c.Locals(loggedKey{}) == nil {
		// Refused by the HTTP parser (431, 413, a malformed request)
		// before logRequests ran: log it here so every request has a line.
		s.log.Debug("request refused", "status", status, "err", err)
	}
	if msg == "" {
		msg = defaultMessage(status)
	}

	// A handler may have started a response (headers of a download); start
	// over so the error is all that is sent.
	c.Response().ResetBody()
	c.Response().Header.Del(fiber.HeaderContentDisposition)
	c.Response().Header.Del(fiber.HeaderContentRange)
	c.Response().Header.Del(fiber.HeaderETag)
	c.Response().Header.Del(fiber.HeaderLastModified)
	c.Set(fiber.HeaderCacheControl, "no-store")

	if isAPI(c, status) {
		return c.Status(status).JSON(apiError{Error: apiErrorBody{Code: codeOf(status), Message: msg}})
	}
	return s.renderError(c, status, msg)
}

// isAPI reports whether the request is one for the JSON API. A request
// refused because its request line and headers overflow the read buffer
// (431) was never parsed, so it has no path to go by; it gets JSON, since
// the search form cannot send such a request and a program can.
func isAPI(c *fiber.Ctx, status int) bool {
	return status == fiber.StatusRequestHeaderFieldsTooLarge || strings.HasPrefix(c.Path(), "/api/")
}

// fiberMessage is the public message for one of Fiber's errors: our own
// wording for the statuses citizens meet, never the parser's detail.
func fiberMessage(fe *fiber.Error) string {
	switch fe.Code {
	case fiber.StatusBadRequest:
		return "요청을 읽을 수 없습니다 / bad request"
	}
	return defaultMessage(fe.Code)
}

func defaultMessage(status int) string {
	switch status {
	case fiber.StatusNotFound:
		return "페이지를 찾을 수 없습니다 / page not found"
	case fiber.StatusBadRequest:
		return "요청이 올바르지 않습니다 / bad request"
	case fiber.StatusForbidden:
		return "접근할 수 없습니다 / forbidden"
	case fiber.StatusConflict:
		return "충돌이 발생했습니다. 다시 시도해 주세요 / conflict; try again"
	case fiber.StatusMethodNotAllowed:
		return "허용되지 않는 요청 방식입니다 / method not allowed"
	case fiber.StatusRequestEntityTooLarge:
		return "요청 본문이 너무 큽니다 / request body too large"
	case fiber.StatusRequestHeaderFieldsTooLarge:
		return "요청이 너무 깁니다. 검색어를 줄여 주세요 / request too long; shorten the query"
	case fiber.StatusRequestTimeout:
		return "요청 시간이 초과되었습니다 / request timed out"
	case fiber.StatusServiceUnavailable:
		return "서비스를 잠시 이용할 수 없습니다. 잠시 후 다시 시도해 주세요 / service unavailable; try again later"
	}
	return internalMessage
}
