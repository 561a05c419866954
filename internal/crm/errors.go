// Package crm is the domain of Kehu: its types, validation, rules and the
// services that call the stores. It imports no HTTP and no SQL driver.
package crm

import (
	"errors"
	"fmt"
	"time"

	"github.com/kehucrm/kehu/internal/msg"
)

// Error codes. They are part of the public API: they appear as
// error.code in every JSON error body.
const (
	ENotFound        = "not_found"
	EInvalid         = "validation_failed"
	EConflict        = "conflict"
	EVersionConflict = "version_conflict"
	// EPreconditionFailed: the If-Match sent names a version that is no
	// longer the record's (a version in the body is a version_conflict).
	EPreconditionFailed = "precondition_failed"
	// EPreconditionRequired: a change of a versioned record came with no
	// version, in If-Match or the body.
	EPreconditionRequired = "precondition_required"
	EForbidden            = "forbidden"
	EUnauthorized         = "unauthorized"
	EBadRequest           = "bad_request"
	EUnsupportedType      = "unsupported_media_type"
	ETooLarge             = "payload_too_large"
	ENotAllowed           = "method_not_allowed"
	ERateLimited          = "rate_limited"
	EUnavailable          = "unavailable"
	ELocked               = "account_locked"
	EInternal             = "internal"
)

// FieldError says what is wrong with one input field. Text is what the
// edge renders in the request's language; Message is the same in English
// (or, for legacy producers without a Text, the only text there is).
type FieldError struct {
	Field   string      `json:"field"`
	Code    string      `json:"code"`
	Message string      `json:"message"`
	Text    msg.Message `json:"-"`
}

// Error is the one error type of the domain. Code says what kind of failure
// it is (one of the E* constants); Text is safe to show to the user and is
// rendered at the edge in the request's language; Message is it in English,
// for logs (or the only text of a legacy producer without a Text).
type Error struct {
	Code    string
	Message string
	Text    msg.Message
	Fields  []FieldError
	// RetryAfter, when set, tells the client when to try again (rate limits).
	RetryAfter time.Duration
	Err        error // the underlying cause, never shown to users
}

// Error is the message, with the wrapped cause when there is one.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return e.Code + ": " + e.Message
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted English
// message. Prefer Fail, whose text the edge renders in the user's language.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Fail returns an *Error with the given code whose text is the catalogue's
// key formatted with args.
func Fail(code, key string, args ...any) *Error {
	return Refuse(code, msg.M(key, args...))
}

// Refuse returns an *Error with the given code and text.
func Refuse(code string, text msg.Message) *Error {
	return &Error{Code: code, Message: text.In(msg.En), Text: text}
}

// FailIn is Fail for the domain functions that still take a language
// (the importer): their Message has always spoken it.
func FailIn(lang, code, key string, args ...any) *Error {
	text := msg.M(key, args...)
	return &Error{Code: code, Message: text.In(lang), Text: text}
}

// FailField returns an *Error with the given code whose one field error
// says the same as the error itself.
func FailField(code, field, fieldCode, key string, args ...any) *Error {
	e := Fail(code, key, args...)
	e.Fields = []FieldError{Bad(field, fieldCode, key, args...)}
	return e
}

// Bad returns the field error whose text is the catalogue's key formatted
// with args.
func Bad(field, code, key string, args ...any) FieldError {
	return BadText(field, code, msg.M(key, args...))
}

// BadText returns the field error with the given text.
func BadText(field, code string, text msg.Message) FieldError {
	return FieldError{Field: field, Code: code, Message: text.In(msg.En), Text: text}
}

// BadIn is BadText for the domain functions that still take a language:
// their Message has always spoken that language (cn's problems), and the
// web UI still shows it.
func BadIn(lang, field, code string, text msg.Message) FieldError {
	return FieldError{Field: field, Code: code, Message: text.In(lang), Text: text}
}

// Invalid returns a validation error listing the fields at fault.
func Invalid(fields ...FieldError) *Error {
	return &Error{Code: EInvalid, Message: invalidMessage(fields), Fields: fields}
}

// invalidMessage is Invalid's Message: the one field and its Message, which
// may speak the language a domain function was given (see BadIn).
func invalidMessage(fields []FieldError) string {
	if len(fields) == 1 {
		return fields[0].Field + ": " + fields[0].Message
	}
	return msg.Text(msg.En, "crm.invalid")
}

// invalidText is the summary of a validation error: the one field and what
// is wrong with it, or that several fields are.
func invalidText(fields []FieldError) msg.Message {
	if len(fields) == 1 {
		return msg.M("crm.invalid_one", fields[0].Field, fields[0].text())
	}
	return msg.M("crm.invalid")
}

// text is f's text, or its Message for a legacy producer that set no Text.
func (f FieldError) text() msg.Message {
	if f.Text.IsZero() {
		return msg.Plain(f.Message)
	}
	return f.Text
}

// In returns e's message and field errors as the user reads them in lang.
// An error whose Message a caller replaced after Invalid keeps that Message.
func (e *Error) In(lang string) (string, []FieldError) {
	var fields []FieldError
	if e.Fields != nil {
		fields = make([]FieldError, len(e.Fields))
		for i, f := range e.Fields {
			if !f.Text.IsZero() {
				f.Message = f.Text.In(lang)
			}
			fields[i] = f
		}
	}
	switch {
	case !e.Text.IsZero():
		return e.Text.In(lang), fields
	case len(e.Fields) > 0 && e.Message == invalidMessage(e.Fields):
		return invalidText(e.Fields).In(lang), fields
	}
	return e.Message, fields
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
	return msg.Text(msg.En, "crm.internal")
}

// ErrorText returns the user-facing text of err, as ErrorMessage does, to
// be rendered in the reader's language.
func ErrorText(err error) msg.Message {
	var e *Error
	if errors.As(err, &e) {
		if e.Text.IsZero() {
			return msg.Plain(e.Message)
		}
		return e.Text
	}
	return msg.M("crm.internal")
}
