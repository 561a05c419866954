package crm

import (
	"strings"
)

// tr picks the Chinese or the English text for lang.
func Tr(lang, en, zh string) string {
	if strings.HasPrefix(lang, "en") {
		return en
	}
	return zh
}
