package ui

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/attachment"
)

// formFiles reads the files a multipart form sent in field, at most max
// of them, the body bounded so that an upload too large for every file
// together is cut off early; a file over crm.MaxAttachmentBytes is refused
// by its declared size before it is read. A form that is not multipart
// has no files. The caller removes the parsed form's temporary files with
// cleanup.
func formFiles(w http.ResponseWriter, r *http.Request, field string, max int) (ups []attachment.Upload, cleanup func(), err error) {
	cleanup = func() {}
	if mt, _, perr := mime.ParseMediaType(r.Header.Get("Content-Type")); perr != nil || mt != "multipart/form-data" {
		return nil, cleanup, nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, int64(max)*(attachment.MaxAttachmentBytes+1)+1<<20)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, cleanup, attachment.TooLarge("")
		}
		return nil, cleanup, crm.Fail(crm.EBadRequest, "form.malformed", err.Error())
	}
	cleanup = func() { _ = r.MultipartForm.RemoveAll() }
	for _, fh := range r.MultipartForm.File[field] {
		if fh.Size == 0 && fh.Filename == "" {
			continue // the browser's empty file input
		}
		if len(ups) == max {
			return nil, cleanup, crm.Invalid(crm.Bad("file", "count", "attachment.attach_most_files", max))
		}
		if fh.Size > attachment.MaxAttachmentBytes {
			return nil, cleanup, attachment.TooLarge(fh.Filename)
		}
		f, err := fh.Open()
		if err != nil {
			return nil, cleanup, err
		}
		data, err := io.ReadAll(io.LimitReader(f, attachment.MaxAttachmentBytes+1))
		f.Close()
		if err != nil {
			return nil, cleanup, err
		}
		ups = append(ups, attachment.Upload{Name: fh.Filename, Data: data})
	}
	return ups, cleanup, nil
}

// attachmentMessage says in lang what is wrong with a file: too large
// (naming the limit), of a type not accepted, empty, or too many.
func (u *UI) attachmentMessage(lang string, err error) string {
	var e *crm.Error
	errors.As(err, &e)
	switch crm.ErrorCode(err) {
	case crm.ETooLarge:
		return u.msgs.text(lang, "customers.attachment.too_large", attachment.MaxAttachmentBytes>>20)
	case crm.EUnsupportedType:
		if e != nil && len(e.Fields) > 0 { // say which file and why
			return u.msgs.text(lang, "customers.attachment.type") + " " + fieldSays(lang, e.Fields[0])
		}
		return u.msgs.text(lang, "customers.attachment.type")
	case crm.EInvalid:
		if e != nil && len(e.Fields) > 0 && e.Fields[0].Code == "count" {
			return u.msgs.text(lang, "customers.attachment.count", attachment.MaxPublicAttachments)
		}
		return u.msgs.text(lang, "customers.attachment.empty")
	case crm.EConflict:
		return u.msgs.text(lang, "customers.attachment.closed")
	}
	return u.msgs.text(lang, "customers.error.generic")
}

// sizeLabel writes a byte count for people: 512 B, 3.4 KiB, 1.2 MiB.
func sizeLabel(n int64) string {
	switch {
	case n < 1024:
		return formatSize(float64(n), "B")
	case n < 1<<20:
		return formatSize(float64(n)/1024, "KiB")
	}
	return formatSize(float64(n)/(1<<20), "MiB")
}

func formatSize(v float64, unit string) string {
	if unit == "B" || v >= 100 {
		return strconv.FormatFloat(v, 'f', 0, 64) + " " + unit
	}
	return strconv.FormatFloat(v, 'f', 1, 64) + " " + unit
}
