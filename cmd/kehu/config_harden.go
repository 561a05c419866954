package main

import (
	"flag"
	"os"
	"strconv"

	"github.com/kehucrm/kehu/internal/crm/importer"
	"github.com/kehucrm/kehu/internal/httpx"
)

// importLimitFlags registers the limits of an import that a deployment
// may set: how many rows a file may have (KEHU_IMPORT_MAX_ROWS).
func importLimitFlags(fs *flag.FlagSet) {
	def := importer.MaxImportRows
	if n, err := strconv.Atoi(os.Getenv("KEHU_IMPORT_MAX_ROWS")); err == nil && n > 0 {
		def = n
	}
	fs.Func("import-max-rows", "the most rows an import file may have below its header; default "+strconv.Itoa(def)+" (KEHU_IMPORT_MAX_ROWS)", func(s string) error {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return usageError{"--import-max-rows: a positive number of rows"}
		}
		importer.MaxImportRows = n
		return nil
	})
	importer.MaxImportRows = def
}

// applyPublicURL tells the HTTP layer whether people reach Kehu over
// https (a Secure session cookie and HSTS behind a TLS-ending proxy).
func applyPublicURL(c Config) { httpx.SetPublicURL(c.PublicURL) }
