// Package crm is the domain of Kehu: its types, validation, rules and the
// services that call the stores. It imports no HTTP and no SQL driver.
package crm

import (
	"errors"
	"fmt"
	"time"
)

// Error codes. They are part of the public API: they appear as
// error.code in every JSON error body.
const (
	ENotFound        = "not_found"
	EInvalid         = "validation_failed"
	EConflict        = "conflict"
	EVersionConflict = "version_conflict"
	EForbidden       = "forbidden"
	EUnauthorized    = "unauthorized"
	EBadRequest      = "bad_request"
	EUnsupportedType = "unsupported_media_type"
	ETooLarge        = "payload_too_large"
	ENotAllowed      = "method_not_allowed"
	ERateLimited     = "rate_limited"
	EUnavailable     = "unavailable"
	ELocked          = "account_locked"
	EInternal        = "internal"
)

// FieldError says what is wrong with one input field.
type FieldError struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Error is the one error type of the domain. Code says what kind of failure
// it is (one of the E* constants); Message is safe to show to the user.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
	// RetryAfter, when set, tells the client when to try again (rate limits).
	RetryAfter time.Duration
	Err        error // the underlying cause, never shown to users
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return e.Code + ": " + e.Message
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns a validation error listing the fields at fault.
func Invalid(fields ...FieldError) *Error {
	msg := "the input is not valid"
	if len(fields) == 1 {
		msg = fields[0].Field + ": " + fields[0].Message
	}
	return &Error{Code: EInvalid, Message: msg, Fields: fields}
}

// ErrorCode returns the code of err: the code of the first *Error in its
// chain, or EInternal for anything else.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the user-facing message of err; for errors that are
// not *Error it returns a generic text, so internal details never leak.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
