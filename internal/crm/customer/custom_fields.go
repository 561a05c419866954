package customer

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
)

// CustomerFieldStore keeps the administrator's custom customer fields.
type CustomerFieldStore interface {
	CustomerFieldsTemplate(ctx context.Context) ([]CardField, int, error)
	SetCustomerFieldsTemplate(ctx context.Context, fields []CardField, version int, e *crm.AuditEntry) error
}

// CustomerFields returns the custom fields customers have (text, number,
// date, option), as an administrator defined them.
func (cs *Service) CustomerFields(ctx context.Context) ([]CardField, int, error) {
	return cs.fields.CustomerFieldsTemplate(ctx)
}

// SetCustomerFields replaces the custom field definitions.
func (cs *Service) SetCustomerFields(ctx context.Context, fields []CardField, version int) error {
	if _, err := crm.Authorize(ctx, crm.ActSettingsManage); err != nil {
		return err
	}
	if err := CheckTemplateFields(fields, nil); err != nil {
		return err
	}
	e := crm.NewAudit(ctx, crm.AuditUpdate, "customer_fields", "", map[string]any{"fields": len(fields)})
	return cs.fields.SetCustomerFieldsTemplate(ctx, fields, version, &e)
}

// checkTemplateFields validates field definitions: new snake_case keys
// (not among reserved), a known type, options for a choice, a label, a
// known section (custom when left out), bounds only on a number and in
// order.
func CheckTemplateFields(fields []CardField, reserved map[string]bool) error {
	seen := map[string]bool{}
	for k := range reserved {
		seen[k] = true
	}
	for i := range fields {
		f := &fields[i]
		field := "fields[" + strconv.Itoa(i) + "]"
		switch {
		case !ValidKey(f.Key) || seen[f.Key]:
			return crm.Invalid(crm.Bad(field+".key", "invalid", "customer.field.key.invalid"))
		case !slices.Contains(CardFieldTypes, f.Type):
			return crm.Invalid(crm.Bad(field+".type", "unknown", "customer.field.type.unknown"))
		case f.Type == "choice" && len(f.Options) == 0:
			return crm.Invalid(crm.Bad(field+".options", "required", "customer.field.options.required"))
		case strings.TrimSpace(f.LabelZH) == "":
			return crm.Invalid(crm.Bad(field+".label_zh", "required", "customer.required"))
		case f.Section != "" && !slices.Contains(CardSections, f.Section):
			return crm.Invalid(crm.Bad(field+".section", "unknown", "customer.one_of", strings.Join(CardSections, ", ")))
		case f.Type != "number" && (f.Min != nil || f.Max != nil):
			return crm.Invalid(crm.Bad(field+".min", "invalid", "customer.field.min.invalid"))
		case f.Min != nil && f.Max != nil && *f.Min > *f.Max:
			return crm.Invalid(crm.Bad(field+".max", "invalid", "customer.field.max.invalid"))
		}
		seen[f.Key], f.Custom = true, true
		if f.Section == "" {
			f.Section = "custom"
		}
	}
	return nil
}

// checkCustom validates a customer's custom values against the template.
func (cs *Service) checkCustom(ctx context.Context, values map[string]string) error {
	if len(values) == 0 {
		return nil
	}
	tmpl, _, err := cs.fields.CustomerFieldsTemplate(ctx)
	if err != nil {
		return err
	}
	byKey := map[string]CardField{}
	for _, f := range tmpl {
		byKey[f.Key] = f
	}
	var fs []crm.FieldError
	for k, v := range values {
		f, ok := byKey[k]
		switch {
		case !ok:
			fs = append(fs, crm.Bad("custom_fields."+k, "unknown", "customer.custom_fields.unknown"))
		case strings.TrimSpace(v) == "":
			delete(values, k)
		default:
			if t := CheckFieldValue(f, strings.TrimSpace(v)); !t.IsZero() {
				fs = append(fs, crm.BadText("custom_fields."+k, "invalid", t))
			}
		}
	}
	if len(fs) > 0 {
		return crm.Invalid(fs...)
	}
	return nil
}
