package customer

import (
	"github.com/kehucrm/kehu/internal/crm"
)

// MobileBlindIndex is the blind index of a normalised mobile number, as
// contacts store it; tools that load contacts in bulk (kehu bench data)
// use it so that look-up by number finds their rows.
func MobileBlindIndex(s crm.Sealer, normalized string) string {
	return s.BlindIndex(ContactMobileDomain, []byte(normalized))
}
