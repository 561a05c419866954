package service

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

// oneOrder is a store of one service order, for the rules of its times;
// what these rules do not call is left to the embedded nil interface.
type oneOrder struct {
	ServiceOrderStore
	o ServiceOrder
}

func (s *oneOrder) ServiceOrder(context.Context, int64) (ServiceOrder, error) { return s.o, nil }
func (s *oneOrder) SaveServiceOrder(_ context.Context, o *ServiceOrder, _ []byte, _ *crm.AuditEntry) error {
	o.Version++
	s.o = *o
	return nil
}

// fieldCode is the code of err's refusal of field, or "".
func fieldCode(err error, field string) string {
	e, ok := err.(*crm.Error)
	if !ok {
		return ""
	}
	for _, f := range e.Fields {
		if f.Field == field {
			return f.Code
		}
	}
	return ""
}

func signature(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 60, 20))
	for x := 5; x < 55; x++ {
		img.Set(x, 10, color.Black)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestTheTechniciansTimesAreCheckedAgainstNowAndEachOther(t *testing.T) {
	now := time.Date(2026, 11, 5, 10, 30, 0, 0, crm.Shanghai)
	dispatched := now.Add(-3 * time.Hour)
	tech := crm.WithPrincipal(context.Background(), crm.Principal{UserID: 7, Username: "tech1", Role: crm.RoleTechnician})
	order := func(status Status) (*Service, *oneOrder) {
		st := &oneOrder{o: ServiceOrder{ID: 1, Number: "FW202611-0001", Type: "C", Status: status, Version: 1,
			ServiceWork: ServiceWork{TechnicianID: 7, DispatchedAt: &dispatched}}}
		return New(st, nil, nil, nil, func() time.Time { return now }), st
	}
	at := func(d time.Duration) *time.Time { x := now.Add(d); return &x }

	t.Run("an arrival in the future is refused", func(t *testing.T) {
		so, _ := order(StatusDispatched)
		if _, err := so.Start(tech, 1, 1, at(time.Minute)); fieldCode(err, "arrived_at") != "future" {
			t.Errorf("arriving a minute from now: %v", err)
		}
	})
	t.Run("a departure in the future is refused, even by a few minutes", func(t *testing.T) {
		so, _ := order(StatusDispatched)
		_, err := so.RecordWork(tech, 1, 1, WorkReport{ArrivedAt: at(-time.Hour), LeftAt: at(3 * time.Minute), WorkDone: "清洁保养"})
		if fieldCode(err, "left_at") != "future" {
			t.Errorf("leaving three minutes from now: %v", err)
		}
	})
	t.Run("a departure at the arrival minute is refused", func(t *testing.T) {
		so, _ := order(StatusDispatched)
		_, err := so.RecordWork(tech, 1, 1, WorkReport{ArrivedAt: at(-time.Hour), LeftAt: at(-time.Hour), WorkDone: "清洁保养"})
		if fieldCode(err, "left_at") != "range" {
			t.Errorf("leaving as one arrives: %v", err)
		}
	})
	t.Run("a departure now, after the arrival, is taken", func(t *testing.T) {
		so, st := order(StatusDispatched)
		if _, err := so.RecordWork(tech, 1, 1, WorkReport{ArrivedAt: at(-time.Hour), LeftAt: at(0), WorkDone: "清洁保养"}); err != nil {
			t.Fatal(err)
		}
		if st.o.Status != StatusDone || *st.o.WorkMinutes != 60 {
			t.Errorf("recorded %s, %d minutes", st.o.Status, *st.o.WorkMinutes)
		}
	})
	t.Run("the customer does not sign before the technician left", func(t *testing.T) {
		so, st := order(StatusDone)
		st.o.ArrivedAt, st.o.LeftAt = at(-time.Hour), at(10*time.Minute) // as an older rule let through
		if _, err := so.Sign(tech, 1, 1, "", signature(t), "王经理"); fieldCode(err, "signature") != "before_left" {
			t.Errorf("signing before the departure: %v", err)
		}
		st.o.LeftAt = at(-time.Minute)
		o, err := so.Sign(tech, 1, 1, "", signature(t), "王经理")
		if err != nil || o.SignedAt == nil || o.SignedAt.Before(*o.LeftAt) {
			t.Errorf("signing after the departure: %v %+v", err, o.SignedAt)
		}
	})
}
