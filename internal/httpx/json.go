package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
)

// MaxBodyBytes is the largest JSON request body accepted (1 MiB). Uploads
// have their own limits.
const MaxBodyBytes = 1 << 20

// WriteJSON writes v as JSON with the given status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v) // the status is sent; a failed write means the client left
}

// DecodeJSON reads the JSON request body into v. It refuses a content type
// other than application/json, a body over MaxBodyBytes, unknown fields,
// malformed JSON, values of the wrong type and trailing data, each with a
// 4xx error that names the problem (and the field, where there is one).
func DecodeJSON(r *http.Request, v any) error {
	ct := r.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
		return crm.Errorf(crm.EUnsupportedType, "the request body must be JSON (Content-Type: application/json), not %q", ct)
	}
	return decodeJSON(http.MaxBytesReader(nil, r.Body, MaxBodyBytes), v)
}

func decodeJSON(body io.Reader, v any) error {
	b, err := io.ReadAll(body)
	if err != nil {
		return jsonError(err)
	}
	// PostgreSQL cannot store NUL in text, and SQLite would: refuse it here
	// so both engines answer alike.
	if bytes.IndexByte(b, 0) >= 0 || bytes.Contains(b, []byte(`\u0000`)) {
		return crm.Errorf(crm.EBadRequest, "the request body contains a NUL character, which no field accepts")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if err := dec.Decode(&struct{}{}); err != io.EOF {
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				return jsonError(err)
			}
		}
		return crm.Errorf(crm.EBadRequest, "the request body must hold one JSON value, but more follows it")
	}
	return nil
}

func jsonError(err error) error {
	var (
		syntax    *json.SyntaxError
		typeErr   *json.UnmarshalTypeError
		tooLarge  *http.MaxBytesError
		invalidUM *json.InvalidUnmarshalError
	)
	switch {
	case errors.Is(err, io.EOF):
		return crm.Errorf(crm.EBadRequest, "the request body is empty; a JSON object was expected")
	case errors.As(err, &tooLarge):
		return crm.Errorf(crm.ETooLarge, "the request body is larger than %d bytes", tooLarge.Limit)
	case errors.As(err, &syntax):
		return crm.Errorf(crm.EBadRequest, "malformed JSON at byte %d: %s", syntax.Offset, syntax.Error())
	case errors.Is(err, io.ErrUnexpectedEOF):
		return crm.Errorf(crm.EBadRequest, "malformed JSON: the body ends too early")
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return crm.Errorf(crm.EBadRequest, "the request body must be a JSON %s, not %s", typeErr.Type.Kind(), typeErr.Value)
		}
		e := crm.Invalid(crm.FieldError{Field: field, Code: "type",
			Message: fmt.Sprintf("must be a %s, not %s", jsonKind(typeErr.Type.Kind().String()), typeErr.Value)})
		e.Code = crm.EBadRequest
		return e
	case errors.As(err, &invalidUM):
		return fmt.Errorf("httpx: DecodeJSON: %w", err) // a programming error: 500
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		e := crm.Invalid(crm.FieldError{Field: name, Code: "unknown_field", Message: "is not a field of this request"})
		e.Code, e.Message = crm.EBadRequest, fmt.Sprintf("unknown field %q", name)
		return e
	default:
		return crm.Errorf(crm.EBadRequest, "malformed JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "slice", "array":
		return "array"
	case "map", "struct":
		return "object"
	default:
		return "number"
	}
}

// LangCookie holds the language a user chose in the web UI.
const LangCookie = "kehu_lang"

// Language returns the language for messages: "en" when the kehu_lang
// cookie or the Accept-Language header prefers English, else "zh-CN".
func Language(r *http.Request) string {
	if c, err := r.Cookie(LangCookie); err == nil {
		if strings.EqualFold(c.Value, "en") {
			return "en"
		}
		return "zh-CN"
	}
	if al := strings.ToLower(strings.TrimSpace(r.Header.Get("Accept-Language"))); strings.HasPrefix(al, "en") {
		return "en"
	}
	return "zh-CN"
}
