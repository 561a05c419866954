package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/system"
	"github.com/kehucrm/kehu/internal/httpx"
)

type pingResponse struct {
	Status  string    `json:"status"`
	Version string    `json:"version"`
	Time    time.Time `json:"time"`
}

func (a *API) ping(w http.ResponseWriter, r *http.Request) error {
	httpx.WriteJSON(w, http.StatusOK, pingResponse{Status: "ok", Version: a.version, Time: a.now().UTC()})
	return nil
}

// migrationJSON is one schema migration as the API shows it.
type migrationJSON struct {
	Version   int        `json:"version"`
	Name      string     `json:"name"`
	Applied   bool       `json:"applied"`
	AppliedAt *time.Time `json:"applied_at,omitempty"`
}

func toMigrationJSON(m system.Migration) migrationJSON {
	return migrationJSON{Version: m.Version, Name: m.Name, Applied: m.AppliedAt != nil, AppliedAt: m.AppliedAt}
}

// listMigrations pages through the schema migrations by version.
func (a *API) listMigrations(w http.ResponseWriter, r *http.Request) error {
	if _, err := crm.Authorize(r.Context(), crm.ActSystemRead); err != nil {
		return err
	}
	p, err := httpx.ParsePage(r)
	if err != nil {
		return err
	}
	all, err := a.system.Migrations(r.Context())
	if err != nil {
		return err
	}
	rows := make([]migrationJSON, len(all))
	for i, m := range all {
		rows[i] = toMigrationJSON(m)
	}
	return writeSlicePage(w, rows, p, func(m migrationJSON) int64 { return int64(m.Version) })
}

// getMigration reads one applied migration: the one-row route of the HTTP
// benchmark.
func (a *API) getMigration(w http.ResponseWriter, r *http.Request) error {
	if _, err := crm.Authorize(r.Context(), crm.ActSystemRead); err != nil {
		return err
	}
	v, err := strconv.Atoi(r.PathValue("version"))
	if err != nil || v < 1 {
		return crm.Invalid(crm.Bad("version", "format", "api.id.format"))
	}
	m, err := a.system.Migration(r.Context(), v)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toMigrationJSON(m))
	return nil
}
