package customer

import (
	"context"

	"github.com/kehucrm/kehu/internal/crm"
)

// CheckNew runs, writing nothing, the checks Create makes of c (its
// fields, its USCC and name against the live customers) and those
// AddContact makes of a first contact with this mobile, so that a caller
// creating both (a lead's conversion) can refuse before either is
// written. The errors are Create's and AddContact's own: a duplicate names
// the customer it duplicates when the caller may see it.
func (cs *Service) CheckNew(ctx context.Context, c Customer, mobile, lang string) error {
	p, err := crm.Authorize(ctx, crm.ActCustomerCreate)
	if err != nil {
		return err
	}
	c.Normalize()
	if err := c.Validate(lang); err != nil {
		return err
	}
	if err := mobileProblem(mobile, lang); err != nil {
		return err
	}
	if err := cs.checkDuplicateUSCC(ctx, p, &c); err != nil {
		return err
	}
	if err := cs.checkDuplicateName(ctx, p, &c, false); err != nil {
		return err
	}
	if mobile != "" {
		return cs.sealContactMobile(ctx, p, &Contact{}, mobile, false, lang)
	}
	return nil
}
