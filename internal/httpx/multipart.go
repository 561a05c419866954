package httpx

import (
	"mime/multipart"

	"github.com/kehucrm/kehu/internal/crm"
)

// MaxMultipartParts is how many parts a multipart form sent to Kehu may
// have: every form has a few fields and at most a few files.
const MaxMultipartParts = 64

// PartReader is a multipart.Reader that refuses a body of more than
// its limit of parts with 413 naming the limit, before the part past it
// is read.
type PartReader struct {
	mr  *multipart.Reader
	n   int
	max int
}

// LimitParts bounds mr to max parts (MaxMultipartParts when max <= 0).
func LimitParts(mr *multipart.Reader, max int) *PartReader {
	if max <= 0 {
		max = MaxMultipartParts
	}
	return &PartReader{mr: mr, max: max}
}

// NextPart returns the next part, io.EOF after the last one, or a 413
// once the body has more parts than the limit.
func (p *PartReader) NextPart() (*multipart.Part, error) {
	if p.n >= p.max {
		// One more part than the limit is an error; the end is not.
		part, err := p.mr.NextPart()
		if err != nil {
			return part, err
		}
		part.Close()
		return nil, TooManyParts(p.max)
	}
	p.n++
	return p.mr.NextPart()
}

// TooManyParts is the 413 for a form of more than max parts.
func TooManyParts(max int) error {
	return crm.Fail(crm.ETooLarge, "http.multipart.too_many_parts", max)
}
