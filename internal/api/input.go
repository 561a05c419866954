package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/httpx"
)

// timeInput is a time field of a request body. It is decoded as text and
// parsed afterwards (timeFields), so that a time in another format answers
// 422 naming the field and the format expected: decoded as a time.Time it
// would fail inside the JSON decoder with a "parsing time" error that
// names no field. A value that is not a string still fails in the decoder,
// which names the field ("must be a string").
type timeInput struct {
	text string // as sent; "" when absent or null
}

// UnmarshalJSON takes a JSON string or null.
func (t *timeInput) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		t.text = ""
		return nil
	}
	return json.Unmarshal(b, &t.text)
}

// timeFields parses the time fields of one request and collects what is
// wrong with them, each naming its field.
type timeFields struct{ fs []crm.FieldError }

const exampleTime = "2026-11-29T10:00:00+08:00"

// instant reads an RFC 3339 time; nil when the field was left out.
func (tf *timeFields) instant(field string, in timeInput) *time.Time {
	s := strings.TrimSpace(in.text)
	if s == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		tf.fs = append(tf.fs, crm.Bad(field, "format", "api.time.format", exampleTime))
		return nil
	}
	return &t
}

// deadline reads an RFC 3339 time or a date (YYYY-MM-DD), which means the
// end of that day in China time, as the web form's date input does; nil
// when the field was left out.
func (tf *timeFields) deadline(field string, in timeInput) *time.Time {
	s := strings.TrimSpace(in.text)
	if s == "" {
		return nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return &t
	}
	day, err := time.ParseInLocation(time.DateOnly, s, chinaTime)
	if err != nil {
		tf.fs = append(tf.fs, crm.Bad(field, "format", "api.deadline.format", exampleTime))
		return nil
	}
	end := day.AddDate(0, 0, 1).Add(-time.Second)
	return &end
}

// err is the validation error naming every bad time field, or nil.
func (tf *timeFields) err() error {
	if len(tf.fs) == 0 {
		return nil
	}
	return crm.Invalid(tf.fs...)
}

// setETag tells the client the version it read, for If-Match.
func setETag(w http.ResponseWriter, version int) {
	w.Header().Set("ETag", `"`+strconv.Itoa(version)+`"`)
}

// ifMatch reads the version in If-Match: the ETag as sent ("3"), its weak
// form (W/"3") or the bare number (3). ok is false when there is none.
func ifMatch(r *http.Request) (version int, ok bool, err error) {
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	if h == "" {
		return 0, false, nil
	}
	s := strings.TrimPrefix(h, "W/")
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
	}
	v, perr := strconv.Atoi(s)
	if perr != nil || v < 1 || strings.HasPrefix(s, "+") {
		return 0, false, crm.Invalid(crm.Bad("If-Match", "format", "api.if_match.format", h))
	}
	return v, true, nil
}

// versionFrom takes the version from the body or, failing that, If-Match.
// Sending both with different numbers is refused: which one was read is
// unclear. Sending neither is 428 (RFC 6585): a change of a versioned
// record must say which version it changes. A stale version answers 409
// when it came in the body and 412 when it came in If-Match (WriteError).
func versionFrom(r *http.Request, body int) (int, error) {
	v, ok, err := ifMatch(r)
	switch {
	case err != nil:
		return 0, err
	case ok && body != 0 && body != v:
		return 0, crm.Invalid(crm.Bad("version", "mismatch", "api.version.mismatch", body, v))
	case body != 0:
		return body, nil
	case ok:
		return v, nil
	}
	return 0, crm.FailField(crm.EPreconditionRequired, "If-Match", "required", "api.version.required")
}

// versionAfter is versionFrom for a change of one record that the caller
// may not be allowed to see: when the version is missing, the record is
// read first (read authorizes), so a caller outside its scope hears 404 or
// 403, not 428 — authorization is decided before the request's form.
func versionAfter(r *http.Request, body int, read func() error) (int, error) {
	v, err := versionFrom(r, body)
	if e := (*crm.Error)(nil); errors.As(err, &e) && e.Code == crm.EPreconditionRequired {
		if rerr := read(); rerr != nil {
			return 0, rerr
		}
	}
	return v, err
}

// writeSlicePage answers a page of a short list the service returns
// whole (httpx.SlicePage), with its exact total.
func writeSlicePage[T any](w http.ResponseWriter, all []T, p httpx.PageRequest, id func(T) int64) error {
	page, err := httpx.SlicePage(all, p, func(x T) any { return id(x) })
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, page)
	return nil
}
