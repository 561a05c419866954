package complaint

import (
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

// Numbers is the series of complaint numbers: YYYYMM-NNNN of the month
// received, in China time.
func Numbers(received time.Time) crm.MonthlyNumber {
	return crm.NewMonthlyNumber("complaint", "", received)
}

// AbnormalityNumbers is the series of abnormality records: YC +
// YYYYMM-NNNN of the month the complaint was received.
func AbnormalityNumbers(received time.Time) crm.MonthlyNumber {
	return crm.NewMonthlyNumber("abnormality", "YC", received)
}

// Registration is what the store writes to register a complaint, as the
// domain decides it: the series its number comes from and, given the
// complaint once numbered and inserted (its ID set), what comes with it.
// The store writes all of it in the complaint's transaction.
type Registration struct {
	Number crm.MonthlyNumber
	Then   func(c Complaint) Intake
}

// Intake is what comes with a registered complaint.
type Intake struct {
	Abnormality *NewAbnormality // a quality complaint's record; nil for others
	Notices     []crm.Notice
}

// NewAbnormality is an abnormality record to open: the series of its
// number and the record as it starts. The store numbers it, inserts it
// and links it from the complaint.
type NewAbnormality struct {
	Number crm.MonthlyNumber
	Record Abnormality
}

// RegistrationOf is the registration of c: a quality complaint opens its
// abnormality record at once (第八条, the recall starts on intake) and
// QA hears of it; a major one goes to every gm.
func RegistrationOf(c Complaint) Registration {
	return Registration{Number: Numbers(c.ReceivedAt), Then: intake}
}

func intake(c Complaint) Intake {
	var in Intake
	if c.Quality {
		in.Abnormality = &NewAbnormality{Number: AbnormalityNumbers(c.ReceivedAt), Record: OpenAbnormality(c)}
		in.Notices = append(in.Notices, AbnormalityNotice(c))
	}
	if n, ok := MajorNotice(c); ok {
		in.Notices = append(in.Notices, n)
	}
	return in
}

// OpenAbnormality is the abnormality record a quality complaint opens:
// its part and batch, and the defective quantity (the whole quantity
// when the defective part was not given).
func OpenAbnormality(c Complaint) Abnormality {
	qty := c.DefectiveQuantity
	if qty == nil {
		qty = c.Quantity
	}
	return Abnormality{ComplaintID: c.ID, ComplaintNumber: c.Number, PartNo: c.PartNo, BatchNo: c.BatchNo, Quantity: qty,
		Status: AbnormalityOpen, CreatedAt: c.CreatedAt, UpdatedAt: c.CreatedAt, Version: 1}
}
