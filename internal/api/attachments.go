package api

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/attachment"
	"github.com/kehucrm/kehu/internal/httpx"
)

// attachmentsAPI serves the files kept with interactions and complaints.
type attachmentsAPI struct {
	files *attachment.Service
}

// registerAttachments adds this module's routes; see Register.
func (a *API) registerAttachments(rt *httpx.Router) {
	h := &attachmentsAPI{files: a.files}
	rt.HandleFunc("GET /api/v1/interactions/{id}/attachments", h.listInteraction, httpx.List())
	rt.HandleFunc("POST /api/v1/interactions/{id}/attachments", h.uploadInteraction)
	rt.HandleFunc("GET /api/v1/complaints/{id}/attachments", h.listComplaint, httpx.List())
	rt.HandleFunc("POST /api/v1/complaints/{id}/attachments", h.uploadComplaint)
	rt.HandleFunc("GET /api/v1/attachments/{id}", h.download)
	rt.HandleFunc("DELETE /api/v1/attachments/{id}", h.delete)
}

// ReadUpload reads the one file of a multipart/form-data body, in the
// part named "file", refusing one over crm.MaxAttachmentBytes with 413
// before it is all read; nothing is stored here.
func ReadUpload(w http.ResponseWriter, r *http.Request) (attachment.Upload, error) {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "multipart/form-data" {
		return attachment.Upload{}, crm.Fail(crm.EUnsupportedType, "api.multipart.required_file")
	}
	r.Body = http.MaxBytesReader(w, r.Body, attachment.MaxAttachmentBytes+1<<20)
	mpr, err := r.MultipartReader()
	if err != nil {
		return attachment.Upload{}, crm.Fail(crm.EBadRequest, "api.multipart.malformed", err.Error())
	}
	mr := httpx.LimitParts(mpr, 0)
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return attachment.Upload{}, crm.Invalid(crm.Bad("file", "required", "api.file.required"))
		}
		if err != nil {
			return attachment.Upload{}, uploadError(err, "")
		}
		if part.FormName() != "file" {
			continue
		}
		name := part.FileName()
		data, err := io.ReadAll(io.LimitReader(part, attachment.MaxAttachmentBytes+1))
		if err != nil {
			return attachment.Upload{}, uploadError(err, name)
		}
		if len(data) > attachment.MaxAttachmentBytes {
			return attachment.Upload{}, attachment.TooLarge(name)
		}
		return attachment.Upload{Name: name, Data: data}, nil
	}
}

func uploadError(err error, name string) error {
	if crm.ErrorCode(err) == crm.ETooLarge {
		return err // too many parts
	}
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return attachment.TooLarge(name)
	}
	return crm.Fail(crm.EBadRequest, "api.multipart.malformed", err.Error())
}

func (h *attachmentsAPI) uploadInteraction(w http.ResponseWriter, r *http.Request) error {
	return h.upload(w, r, h.files.AddToInteraction)
}

func (h *attachmentsAPI) uploadComplaint(w http.ResponseWriter, r *http.Request) error {
	return h.upload(w, r, h.files.AddToComplaint)
}

// upload reads the file (bounded), then the domain checks the parent's
// scope and the file; any error stores nothing.
func (h *attachmentsAPI) upload(w http.ResponseWriter, r *http.Request, add func(ctx context.Context, id int64, up attachment.Upload) (attachment.Attachment, error)) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	up, err := ReadUpload(w, r)
	if err != nil {
		return err
	}
	a, err := add(r.Context(), id, up)
	if err != nil {
		return err
	}
	httpx.WriteCreated(w, "/api/v1/attachments/"+strconv.FormatInt(a.ID, 10), a)
	return nil
}

func (h *attachmentsAPI) listInteraction(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := httpx.ParsePage(r)
	if err != nil {
		return err
	}
	list, err := h.files.OfInteraction(r.Context(), id)
	if err != nil {
		return err
	}
	return writeSlicePage(w, list, p, func(a attachment.Attachment) int64 { return a.ID })
}

func (h *attachmentsAPI) listComplaint(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := httpx.ParsePage(r)
	if err != nil {
		return err
	}
	list, err := h.files.OfComplaint(r.Context(), id)
	if err != nil {
		return err
	}
	return writeSlicePage(w, list, p, func(a attachment.Attachment) int64 { return a.ID })
}

// download sends the bytes as a download of their sniffed type, never to
// be shown inline or re-sniffed by the browser.
func (h *attachmentsAPI) download(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	a, data, err := h.files.Open(r.Context(), id)
	if err != nil {
		return err
	}
	ServeAttachment(w, a, data)
	return nil
}

// ServeAttachment writes an attachment as a download.
func ServeAttachment(w http.ResponseWriter, a attachment.Attachment, data []byte) {
	hd := w.Header()
	hd.Set("Content-Type", a.ContentType)
	hd.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": a.Name}))
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	hd.Set("Cache-Control", "private, no-store")
	hd.Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data)
}

func (h *attachmentsAPI) delete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := h.files.Delete(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
