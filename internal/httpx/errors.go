// Package httpx is the shared HTTP plumbing of Kehu: handlers that return
// errors, the one table from error codes to status, JSON bodies, paging,
// and the middleware every request passes through.
package httpx

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/msg"
)

// statusOf is the one table from error codes to HTTP status.
var statusOf = map[string]int{
	crm.ENotFound:             http.StatusNotFound,
	crm.EInvalid:              http.StatusUnprocessableEntity,
	crm.EConflict:             http.StatusConflict,
	crm.EVersionConflict:      http.StatusConflict,
	crm.EPreconditionFailed:   http.StatusPreconditionFailed,
	crm.EPreconditionRequired: http.StatusPreconditionRequired,
	crm.EForbidden:            http.StatusForbidden,
	crm.EUnauthorized:         http.StatusUnauthorized,
	crm.EBadRequest:           http.StatusBadRequest,
	crm.EUnsupportedType:      http.StatusUnsupportedMediaType,
	crm.ETooLarge:             http.StatusRequestEntityTooLarge,
	crm.ENotAllowed:           http.StatusMethodNotAllowed,
	crm.ERateLimited:          http.StatusTooManyRequests,
	crm.EUnavailable:          http.StatusServiceUnavailable,
	crm.ELocked:               http.StatusForbidden,
	crm.EInternal:             http.StatusInternalServerError,
}

// Status returns the HTTP status for err.
func Status(err error) int {
	if s, ok := statusOf[crm.ErrorCode(err)]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// ErrorBody is the JSON body of every API error.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail says what went wrong.
type ErrorDetail struct {
	Code      string           `json:"code"`
	Message   string           `json:"message"`
	Fields    []crm.FieldError `json:"fields,omitempty"`
	RequestID string           `json:"request_id,omitempty"`
}

// HandlerFunc is an HTTP handler that returns an error instead of writing it.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Handle adapts h to http.Handler: the error it returns, if any, is written
// as the JSON error body with the status from the one table.
func Handle(h HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			WriteError(w, r, err)
		}
	})
}

// WriteError writes err as the JSON error body, its message and field
// errors in the request's language (Lang). Internal errors are logged
// with the request ID and shown to the client only as "internal error".
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	if pending, ok := errors.AsType[*crm.PendingApproval](err); ok {
		// Two-person rule: the change became a request awaiting approval.
		w.Header().Set("Location", "/api/v1/duty-requests/"+strconv.FormatInt(pending.Request.ID, 10))
		WriteJSON(w, http.StatusAccepted, pending.Request)
		return
	}
	if crm.ErrorCode(err) == crm.EVersionConflict && r.Header.Get("If-Match") != "" {
		// The version came in If-Match (a body's version that differs from
		// it is refused before): a stale precondition is a 412.
		err = crm.Fail(crm.EPreconditionFailed, "http.if_match.stale", r.Header.Get("If-Match"))
	}
	status := Status(err)
	// A GET carries no body: a value the domain finds invalid came in the
	// query, so it is a bad request (400) naming the parameter, like the
	// router's own checks, not a 422.
	badQuery := status == http.StatusUnprocessableEntity && (r.Method == http.MethodGet || r.Method == http.MethodHead)
	if badQuery {
		status = http.StatusBadRequest
	}
	if status == http.StatusUnauthorized {
		// RFC 9110 §11.6.1: every 401 names the scheme that would do.
		challenge := `Bearer realm="kehu"`
		if r.Header.Get("Authorization") != "" {
			challenge += `, error="invalid_token"`
		}
		w.Header().Set("WWW-Authenticate", challenge)
	}
	lang := Lang(r)
	body := ErrorBody{Error: ErrorDetail{
		Code:      crm.ErrorCode(err),
		Message:   msg.Text(lang, "crm.internal"),
		RequestID: RequestID(r.Context()),
	}}
	var e *crm.Error
	if errors.As(err, &e) {
		body.Error.Message, body.Error.Fields = e.In(lang)
		if e.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(e.RetryAfter.Seconds()+0.999)))
		}
	}
	if badQuery {
		body.Error.Code = crm.EBadRequest
	}
	if status >= 500 {
		Logger(r.Context()).Error("request failed", slog.String("error", err.Error()))
	}
	w.Header().Add("Vary", "Cookie, Accept-Language")
	WriteJSON(w, status, body)
}
