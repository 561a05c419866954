package httpx

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/msg"
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
		return crm.Fail(crm.EUnsupportedType, "http.request_body_json_contenttype", ct)
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
		return crm.Fail(crm.EBadRequest, "http.request_body_contains_nul")
	}
	if key, dup := duplicateKey(b); dup {
		e := crm.Invalid(crm.Bad(key, "duplicate", "http.duplicate_key"))
		e.Code, e.Text = crm.EBadRequest, msg.M("http.duplicate_key_named", key)
		e.Message = e.Text.In(msg.En)
		return e
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
		return crm.Fail(crm.EBadRequest, "http.request_body_hold_one")
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
		return crm.Fail(crm.EBadRequest, "http.request_body_empty_json")
	case errors.As(err, &tooLarge):
		return crm.Fail(crm.ETooLarge, "http.request_body_larger_than", tooLarge.Limit)
	case errors.As(err, &syntax):
		return crm.Fail(crm.EBadRequest, "http.malformed_json_byte", syntax.Offset, syntax.Error())
	case errors.Is(err, io.ErrUnexpectedEOF):
		return crm.Fail(crm.EBadRequest, "http.malformed_json_body_ends")
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return crm.Fail(crm.EBadRequest, "http.request_body_json_not", kindText(typeErr.Type.Kind().String()), valueText(typeErr.Value))
		}
		e := crm.Invalid(crm.Bad(field, "type", "http.field_type", kindText(typeErr.Type.Kind().String()), valueText(typeErr.Value)))
		e.Code = crm.EBadRequest
		return e
	case errors.As(err, &invalidUM):
		return fmt.Errorf("httpx: DecodeJSON: %w", err) // a programming error: 500
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		e := crm.Invalid(crm.Bad(name, "unknown_field", "http.not_field_request"))
		e.Code, e.Text = crm.EBadRequest, msg.M("http.unknown_field", name)
		e.Message = e.Text.In(msg.En)
		return e
	default:
		return crm.Fail(crm.EBadRequest, "http.malformed_json", strings.TrimPrefix(err.Error(), "json: "))
	}
}

// kindText names, in the reader's language, the JSON kind a Go kind is
// decoded from.
func kindText(goKind string) msg.Message { return msg.M("http.kind." + jsonKind(goKind)) }

// valueText names, in the reader's language, the kind of JSON value a
// decoder refused ("number", "bool", "array" … as encoding/json says).
func valueText(value string) msg.Message {
	switch {
	case value == "bool":
		return msg.M("http.kind.boolean")
	case strings.HasPrefix(value, "number "):
		return msg.M("http.kind.number_literal", strings.TrimPrefix(value, "number "))
	case strings.HasPrefix(value, "number"):
		return msg.M("http.kind.number")
	case value == "string", value == "array", value == "object":
		return msg.M("http.kind." + value)
	}
	return msg.Plain(value)
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
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		return "integer"
	default:
		return "number"
	}
}

// LangCookie holds the language a user chose in the web UI.
const LangCookie = "kehu_lang"

// Language returns the language of the response to r; it is Lang, kept
// for the callers that still pass a language to the domain.
func Language(r *http.Request) string { return Lang(r) }

// WriteCreated answers 201 Created with v, the address of the new
// resource (Location) and its ETag: the one the handler set (a record's
// version), else a hash of the body, so a client can make its next read
// or change conditional without reading it again.
func WriteCreated(w http.ResponseWriter, location string, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(true)
	if err := enc.Encode(v); err != nil {
		WriteJSON(w, http.StatusInternalServerError, ErrorBody{Error: ErrorDetail{Code: crm.EInternal}})
		return
	}
	h := w.Header()
	h.Set("Location", location)
	if h.Get("ETag") == "" {
		sum := sha256.Sum256(buf.Bytes())
		h.Set("ETag", `"`+hex.EncodeToString(sum[:12])+`"`)
	}
	h.Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusCreated)
	_, _ = w.Write(buf.Bytes())
}
