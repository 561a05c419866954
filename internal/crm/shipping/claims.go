package shipping

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/attachment"
	"github.com/kehucrm/kehu/internal/crm/sales"
)

// ClaimInput is a new transit claim.
type ClaimInput struct {
	ShipmentID  int64       `json:"shipment_id"`
	Kind        string      `json:"kind"`
	Description string      `json:"description"`
	Lines       []LineInput `json:"lines"`
}

// File files a loss or damage claim (货损) on a shipment in scope. It is
// accepted until the claim window (claim_days after receipt, on the
// working-day calendar) closes, and refused after that naming the window.
func (ss *Service) File(ctx context.Context, in ClaimInput) (Claim, error) {
	p, err := crm.Authorize(ctx, crm.ActClaimCreate)
	if err != nil {
		return Claim{}, err
	}
	now := ss.now().UTC()
	var fs []crm.FieldError
	if in.ShipmentID <= 0 {
		return Claim{}, crm.Invalid(crm.Bad("shipment_id", "required", "shipping.claim.shipment_required"))
	}
	sh, err := ss.store.Shipment(ctx, in.ShipmentID, scope(p, false), now)
	if crm.ErrorCode(err) == crm.ENotFound {
		return Claim{}, crm.Invalid(crm.Bad("shipment_id", "unknown", "shipping.claim.shipment_unknown", in.ShipmentID))
	} else if err != nil {
		return Claim{}, err
	}
	set, err := ss.store.ShippingSettings(ctx)
	if err != nil {
		return Claim{}, err
	}
	cal, err := ss.calendars.Current(ctx)
	if err != nil {
		return Claim{}, err
	}
	c := Claim{ShipmentID: sh.ID, CustomerID: sh.CustomerID, Status: ClaimOpen, Kind: strings.TrimSpace(in.Kind)}
	if sh.ReceivedAt != nil {
		c.WindowEndsAt = WindowEnd(cal, *sh.ReceivedAt, set.ClaimDays)
		if !now.Before(c.WindowEndsAt) {
			return Claim{}, crm.Invalid(crm.Bad("shipment_id", "window", "shipping.claim.window_closed", sh.Code, set.ClaimDays,
				sh.ReceivedAt.In(crm.Shanghai).Format("2006-01-02"), c.WindowEndsAt.In(crm.Shanghai).Format("2006-01-02 15:04")))
		}
	} else {
		c.WindowEndsAt = WindowEnd(cal, now, set.ClaimDays)
	}
	if !slices.Contains(ClaimKinds, c.Kind) {
		fs = append(fs, crm.Bad("kind", "unknown", "shipping.claim.kind_unknown", c.Kind))
	}
	c.Description = text(&fs, "description", in.Description, 2000)
	if c.Description == "" {
		fs = append(fs, crm.Bad("description", "required", "shipping.claim.description_required"))
	}
	byProduct := map[int64]Line{}
	for _, l := range sh.Lines {
		if _, ok := byProduct[l.ProductID]; !ok {
			byProduct[l.ProductID] = l
		} else {
			b := byProduct[l.ProductID]
			b.Quantity += l.Quantity
			b.Amount += l.Amount
			byProduct[l.ProductID] = b
		}
	}
	if len(in.Lines) == 0 {
		fs = append(fs, crm.Bad("lines", "required", "shipping.claim.lines_required"))
	} else if len(in.Lines) > 200 {
		fs = append(fs, crm.Bad("lines", "count", "shipping.lines.count", 200))
	}
	claimed := map[int64]int64{}
	for i, li := range in.Lines {
		at, row := fmt.Sprintf("lines[%d].", i), i+1
		q := quantity(&fs, at+"quantity", row, li.Quantity)
		sl, ok := byProduct[li.ProductID]
		if !ok {
			fs = append(fs, crm.Bad(at+"product_id", "unknown", "shipping.claim.not_shipped", row, li.ProductID, sh.Code))
			continue
		}
		if q == 0 {
			continue
		}
		claimed[li.ProductID] += q
		if claimed[li.ProductID] > sl.Quantity {
			fs = append(fs, crm.Bad(at+"quantity", "range", "shipping.claim.more_than_shipped", row, claimed[li.ProductID], sl.Quantity))
			continue
		}
		amount := sl.Amount * sales.Money(q) / sales.Money(sl.Quantity)
		c.Lines = append(c.Lines, ClaimLine{LineNo: len(c.Lines) + 1, ProductID: sl.ProductID, ProductCode: sl.ProductCode, ProductName: sl.ProductName,
			Quantity: q, Amount: amount})
		c.Amount += amount
	}
	if len(fs) > 0 {
		return Claim{}, crm.Invalid(fs...)
	}
	c.CreatedAt, c.CreatedBy, c.UpdatedAt, c.Version = now, p.Username, now, 1
	c.Ledger = []Entry{{Seq: 1, Step: "filed", Note: c.Description, At: now, By: p.Username}}
	e := crm.NewAudit(ctx, crm.AuditCreate, "claim", "", map[string]any{"shipment_id": sh.ID, "kind": c.Kind, "lines": c.Lines, "description": c.Description})
	if err := ss.store.CreateClaim(ctx, &c, &e); err != nil {
		return Claim{}, err
	}
	return ss.store.Claim(ctx, c.ID, crm.Scope{All: true}, now)
}

// GetClaim reads a claim in the reader's scope, with its evidence and
// ledger.
func (ss *Service) GetClaim(ctx context.Context, id int64) (Claim, error) {
	p, err := crm.Authorize(ctx, crm.ActClaimRead)
	if err != nil {
		return Claim{}, err
	}
	return ss.store.Claim(ctx, id, scope(p, true), ss.now())
}

// Claims lists the claims in the reader's scope, newest first.
func (ss *Service) Claims(ctx context.Context, f Filter) ([]Claim, crm.ListTotal, error) {
	p, err := crm.Authorize(ctx, crm.ActClaimRead)
	if err != nil {
		return nil, crm.ListTotal{}, err
	}
	f.Scope, f.Now = scope(p, true), ss.now()
	list, err := ss.store.ListClaims(ctx, f)
	if err != nil {
		return nil, crm.ListTotal{}, err
	}
	total, err := ss.store.CountClaims(ctx, f)
	return list, total, err
}

// AddEvidence files a photo or the carrier's record with an open claim,
// checked like every attachment (size, name, sniffed type).
func (ss *Service) AddEvidence(ctx context.Context, id int64, kind string, up attachment.Upload) (Evidence, error) {
	p, err := crm.Authorize(ctx, crm.ActClaimCreate)
	if err != nil {
		return Evidence{}, err
	}
	now := ss.now().UTC()
	c, err := ss.store.Claim(ctx, id, scope(p, false), now)
	if err != nil {
		return Evidence{}, err
	}
	if c.Status != ClaimOpen {
		return Evidence{}, crm.Fail(crm.EConflict, "shipping.claim.not_open", c.Code)
	}
	kind = strings.TrimSpace(kind)
	if kind == "" {
		kind = "photo"
	}
	if !slices.Contains(EvidenceKinds, kind) {
		return Evidence{}, crm.Invalid(crm.Bad("kind", "unknown", "shipping.evidence.kind_unknown", kind))
	}
	a, err := attachment.CheckUpload(up)
	if err != nil {
		return Evidence{}, err
	}
	ev := Evidence{Kind: kind, Name: a.Name, ContentType: a.ContentType, Size: a.Size, SHA256: a.SHA256, CreatedAt: now, CreatedBy: p.Username}
	e := crm.NewAudit(ctx, "claim_evidence", "claim", strconv.FormatInt(c.ID, 10), map[string]any{"kind": kind, "name": a.Name,
		"content_type": a.ContentType, "size": a.Size, "sha256": a.SHA256})
	if err := ss.store.AddEvidence(ctx, c.ID, &ev, up.Data, &e); err != nil {
		return Evidence{}, err
	}
	return ev, nil
}

// OpenEvidence reads a claim's evidence file, in the reader's scope.
func (ss *Service) OpenEvidence(ctx context.Context, claimID, id int64) (Evidence, []byte, error) {
	if _, err := ss.GetClaim(ctx, claimID); err != nil {
		return Evidence{}, nil, err
	}
	return ss.store.EvidenceData(ctx, claimID, id)
}

// ResolveInput is staff's resolution of a claim.
type ResolveInput struct {
	Resolution string `json:"resolution"`
	Note       string `json:"note"`
	Amount     string `json:"amount"` // credit or recovery (empty: the claimed lines' value)
	Version    int    `json:"version"`
}

// Resolve settles an open claim: a replacement shipment of the claimed
// lines, a credit note (left pending for the money module), or recovery
// from the carrier; the claim's ledger records the step.
func (ss *Service) Resolve(ctx context.Context, id int64, in ResolveInput) (Claim, error) {
	p, err := crm.Authorize(ctx, crm.ActClaimResolve)
	if err != nil {
		return Claim{}, err
	}
	now := ss.now().UTC()
	c, err := ss.store.Claim(ctx, id, scope(p, false), now)
	if err != nil {
		return Claim{}, err
	}
	if c.Status != ClaimOpen {
		return Claim{}, crm.Fail(crm.EConflict, "shipping.claim.not_open", c.Code)
	}
	if in.Version != 0 && in.Version != c.Version {
		return Claim{}, crm.Fail(crm.EVersionConflict, "shipping.claim.changed_version", c.Code, c.Version, in.Version)
	}
	var fs []crm.FieldError
	res := strings.TrimSpace(in.Resolution)
	if !slices.Contains(Resolutions, res) {
		fs = append(fs, crm.Bad("resolution", "unknown", "shipping.claim.resolution_unknown", res))
	}
	note := text(&fs, "note", in.Note, 1000)
	amount := c.Amount
	if strings.TrimSpace(in.Amount) != "" {
		m, ok := sales.ParseYuan(in.Amount)
		if !ok || m <= 0 || m > sales.MaxFen {
			fs = append(fs, crm.Bad("amount", "format", "shipping.claim.amount_format", in.Amount))
		}
		amount = m
	}
	if len(fs) > 0 {
		return Claim{}, crm.Invalid(fs...)
	}
	version := c.Version
	c.Status, c.Resolution, c.ResolutionNote, c.ResolvedAt, c.ResolvedBy, c.UpdatedAt = ClaimResolved, res, note, &now, p.Username, now
	var replacement *Shipment
	var block bool
	if res == ResolveReplacement {
		sh, err := ss.store.Shipment(ctx, c.ShipmentID, crm.Scope{All: true}, now)
		if err != nil {
			return Claim{}, err
		}
		set, err := ss.store.ShippingSettings(ctx)
		if err != nil {
			return Claim{}, err
		}
		cal, err := ss.calendars.Current(ctx)
		if err != nil {
			return Claim{}, err
		}
		block = set.BlockNegativeStock
		replacement = &Shipment{OrderID: sh.OrderID, CustomerID: sh.CustomerID, ClaimID: c.ID, Status: StatusShipped, Transport: sh.Transport,
			ShippedAt: now, ShippedBy: p.Username, UpdatedAt: now, Version: 1, DeemedAt: WindowEnd(cal, now, set.ReceiptDays),
			Notes: c.Code}
		for _, l := range c.Lines {
			var spec, unit string
			for _, sl := range sh.Lines {
				if sl.ProductID == l.ProductID {
					spec, unit = sl.Spec, sl.Unit
				}
			}
			replacement.Lines = append(replacement.Lines, Line{LineNo: l.LineNo, ProductID: l.ProductID, ProductCode: l.ProductCode,
				ProductName: l.ProductName, Spec: spec, Unit: unit, Quantity: l.Quantity, Amount: l.Amount})
			replacement.Total += l.Amount
		}
		amount = 0
	}
	c.Amount = amount
	e := crm.NewAudit(ctx, "claim_resolve", "claim", strconv.FormatInt(c.ID, 10), map[string]any{"resolution": res, "note": note, "amount": amount})
	if err := ss.store.ResolveClaim(ctx, &c, version, replacement, block, &e); err != nil {
		return Claim{}, err
	}
	return ss.store.Claim(ctx, id, crm.Scope{All: true}, now)
}
