package tenants

import (
	"errors"
	"fmt"
)

// Kind classifies an error by what the caller can do about it. The web layer
// maps each kind to one HTTP status in one place; callers test the kind, never
// the message.
type Kind int

const (
	Internal    Kind = iota // a fault of ours or of an engine; never shown in detail
	NotFound                // no such thing (also: it belongs to another tenant)
	Invalid                 // the input is wrong; the message says how
	Forbidden               // the caller may not do this
	Conflict                // a concurrent update won, or the thing already exists
	Unavailable             // an engine is down or busy; try again later
)

func (k Kind) String() string {
	switch k {
	case NotFound:
		return "not found"
	case Invalid:
		return "invalid"
	case Forbidden:
		return "forbidden"
	case Conflict:
		return "conflict"
	case Unavailable:
		return "unavailable"
	default:
		return "internal"
	}
}

// Error is the one error type of Plaza's domain. Op names the operation that
// failed ("publish", "archive.meta"); Message is safe to show to a citizen
// (Korean first, English second) and is empty for internal errors; Err is the
// cause, logged but never shown.
type Error struct {
	Op      string
	Kind    Kind
	Message string
	Err     error
}

// E builds an *Error. Arguments may be, in any order: a Kind, a string (the
// first is the op, the second the public message) and an error (the cause).
// Without a Kind, the kind of a wrapped *Error is kept, else Internal.
func E(args ...any) error {
	e := &Error{Kind: -1}
	strs := 0
	for _, a := range args {
		switch v := a.(type) {
		case Kind:
			e.Kind = v
		case string:
			if strs == 0 {
				e.Op = v
			} else {
				e.Message = v
			}
			strs++
		case error:
			e.Err = v
		}
	}
	if e.Kind < 0 {
		e.Kind = KindOf(e.Err)
	}
	return e
}

// Errorf is E with a formatted public message.
func Errorf(op string, kind Kind, format string, args ...any) error {
	return &Error{Op: op, Kind: kind, Message: fmt.Sprintf(format, args...)}
}

func (e *Error) Error() string {
	s := e.Op
	add := func(part string) {
		if part == "" {
			return
		}
		if s != "" {
			s += ": "
		}
		s += part
	}
	add(e.Message)
	if e.Err != nil {
		add(e.Err.Error())
	}
	if s == "" {
		s = e.Kind.String()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// KindOf reports the kind of the first *Error in err's chain; any other error
// is Internal, and nil is Internal too (callers check nil first).
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		if e.Kind >= 0 {
			return e.Kind
		}
		return KindOf(e.Err)
	}
	return Internal
}

// Is reports whether err has the given kind.
func Is(err error, k Kind) bool { return err != nil && KindOf(err) == k }

// PublicMessage returns the message of the outermost *Error that has one, for
// showing to a user; internal errors have none.
func PublicMessage(err error) string {
	if KindOf(err) == Internal {
		return ""
	}
	for err != nil {
		var e *Error
		if !errors.As(err, &e) {
			return ""
		}
		if e.Message != "" {
			return e.Message
		}
		err = e.Err
	}
	return ""
}
