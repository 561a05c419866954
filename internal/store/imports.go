package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/crm/importer"
)

const importColumns = `id, kind, status, mode, file_name, file_type, file_size, file_hash, file_path, mapping, columns, lang, created_by,
	total_rows, bad_rows, checked_rows, checked_bytes, rows_done, inserted, skipped, batches, message, created_at, updated_at, finished_at,
	message_key, message_args`

func scanImport(s scanner) (importer.Import, error) {
	var x importer.Import
	var mapping, columns, textKey, textArgs string
	var finished sql.NullTime
	err := s.Scan(&x.ID, &x.Kind, &x.Status, &x.Mode, &x.FileName, &x.FileType, &x.FileSize, &x.FileHash, &x.FilePath, &mapping, &columns,
		&x.Lang, &x.CreatedBy, &x.TotalRows, &x.BadRows, &x.CheckedRows, &x.CheckedBytes, &x.RowsDone, &x.Inserted, &x.Skipped, &x.Batches,
		&x.Message, &x.CreatedAt, &x.UpdatedAt, &finished, &textKey, &textArgs)
	if err != nil {
		return x, err
	}
	if x.Text, err = loadText(textKey, textArgs); err != nil {
		return x, err
	}
	x.FinishedAt = timePtr(finished)
	x.Mapping, x.Columns = map[string]string{}, []importer.ImportColumn{}
	if err := json.Unmarshal([]byte(mapping), &x.Mapping); err != nil {
		return x, err
	}
	return x, json.Unmarshal([]byte(columns), &x.Columns)
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// CreateImport inserts a new import (its file comes after, in chunks).
func (db *DB) CreateImport(ctx context.Context, x *importer.Import, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		id, err := nextImportID(ctx, tx)
		if err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `INSERT INTO imports (id, kind, status, mode, file_name, file_type, file_path, mapping, columns, lang, created_by, created_at, updated_at)
			VALUES (`+id+`, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			x.Kind, x.Status, x.Mode, x.FileName, x.FileType, x.FilePath, jsonText(x.Mapping), jsonText(x.Columns), x.Lang, x.CreatedBy,
			x.CreatedAt, x.UpdatedAt).Scan(&x.ID)
		e.EntityID = strconv.FormatInt(x.ID, 10)
		return err
	})
}

// nextImportID is the SQL expression of the next import's ID: the
// sequence's next value on PostgreSQL; on SQLite, the next of a counter
// that only grows, so that a refused upload's ID, removed with it, does
// not pass to the next import.
func nextImportID(ctx context.Context, tx *Tx) (string, error) {
	if tx.Engine() == Postgres {
		return "nextval(pg_get_serial_sequence('imports', 'id'))", nil
	}
	var next int64
	if err := tx.QueryRow(ctx, `UPDATE counters SET value = MAX(value, (SELECT COALESCE(MAX(id), 0) FROM imports)) + 1
		WHERE name = 'import_id' RETURNING value`).Scan(&next); err != nil {
		return "", fmt.Errorf("store: import id: %w", err)
	}
	return strconv.FormatInt(next, 10), nil
}

// AppendImportChunk stores the next piece of an import's file.
func (db *DB) AppendImportChunk(ctx context.Context, id int64, seq int, data []byte) error {
	_, err := db.Exec(ctx, "INSERT INTO import_chunks (import_id, seq, data) VALUES (?, ?, ?)", id, seq, data)
	return err
}

// FinishUpload records the whole file's size, hash and columns and the
// status the import moves on to.
func (db *DB) FinishUpload(ctx context.Context, x *importer.Import) error {
	_, err := db.Exec(ctx, "UPDATE imports SET status = ?, file_size = ?, file_hash = ?, columns = ?, updated_at = ? WHERE id = ?",
		x.Status, x.FileSize, x.FileHash, jsonText(x.Columns), x.UpdatedAt, x.ID)
	return err
}

// DeleteImport removes an import, its file and its report (a refused
// upload), with e saying why.
func (db *DB) DeleteImport(ctx context.Context, id int64, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		for _, q := range []string{"DELETE FROM import_chunks WHERE import_id = ?", "DELETE FROM import_errors WHERE import_id = ?", "DELETE FROM imports WHERE id = ?"} {
			if _, err := tx.Exec(ctx, q, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// AbandonedUploadAfter is how long an import may stay "uploading": an
// upload that fails is removed at once, so one this old was cut off by
// the server stopping mid-upload.
const AbandonedUploadAfter = 6 * time.Hour

// PurgeAbandonedUploads removes the imports still "uploading" that were
// created AbandonedUploadAfter or more before now, with their partial
// files, each with an audit entry (the system's, at now) naming the file.
// It returns how many it removed.
func (db *DB) PurgeAbandonedUploads(ctx context.Context, now time.Time) (int64, error) {
	before := now.Add(-AbandonedUploadAfter)
	var n int64
	err := db.InTx(ctx, func(tx *Tx) error {
		n = 0
		type upload struct {
			id, by int64
			name   string
		}
		ups, err := queryAll(ctx, tx, func(r scanner) (u upload, err error) { return u, r.Scan(&u.id, &u.name, &u.by) },
			"SELECT id, file_name, created_by FROM imports WHERE status = ? AND created_at < ? ORDER BY id", importer.ImportUploading, before.UTC())
		if err != nil {
			return err
		}
		for _, u := range ups {
			res, err := tx.Exec(ctx, "DELETE FROM imports WHERE id = ? AND status = ?", u.id, importer.ImportUploading)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k == 0 {
				continue // finished meanwhile, or removed by another run
			}
			for _, q := range []string{"DELETE FROM import_chunks WHERE import_id = ?", "DELETE FROM import_errors WHERE import_id = ?"} {
				if _, err := tx.Exec(ctx, q, u.id); err != nil {
					return err
				}
			}
			e := crm.AuditEntry{At: now, Action: crm.AuditDelete, Entity: "import", EntityID: strconv.FormatInt(u.id, 10), Username: "system",
				Detail: jsonText(map[string]any{"reason": "upload interrupted", "file_name": u.name, "created_by": u.by})}
			if err := tx.AppendAudit(ctx, &e); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// Import reads one import.
func (db *DB) Import(ctx context.Context, id int64) (importer.Import, error) {
	x, err := scanImport(db.QueryRow(ctx, "SELECT "+importColumns+" FROM imports WHERE id = ?", id))
	return x, noSuch(err, "importer.no_such_import")
}

// ImportsByCreator lists a user's imports, newest first.
func (db *DB) ImportsByCreator(ctx context.Context, userID int64, limit int) ([]importer.Import, error) {
	return queryAll(ctx, db, scanImport, "SELECT "+importColumns+" FROM imports WHERE created_by = ? ORDER BY id DESC LIMIT ?", userID, limit)
}

// EarlierImport returns the latest import before `before` of a file with
// the same hash that was committed (or began to be), or 0.
func (db *DB) EarlierImport(ctx context.Context, hash string, before int64) (int64, error) {
	var id int64
	err := db.QueryRow(ctx, "SELECT id FROM imports WHERE file_hash = ? AND id < ? AND inserted > 0 ORDER BY id DESC LIMIT 1", hash, before).Scan(&id)
	if isNoRows(err) {
		return 0, nil
	}
	return id, err
}

// UnfinishedImport returns a user's latest import of a file with hash that
// stopped before it was done: checking or committing (its process died) or
// failed while committing.
func (db *DB) UnfinishedImport(ctx context.Context, createdBy int64, hash string) (importer.Import, bool, error) {
	x, err := scanImport(db.QueryRow(ctx, "SELECT "+importColumns+` FROM imports WHERE created_by = ? AND file_hash = ?
		AND (status IN ('checking', 'committing') OR (status = 'failed' AND mode <> '')) ORDER BY id DESC LIMIT 1`, createdBy, hash))
	if isNoRows(err) {
		return x, false, nil
	}
	return x, err == nil, err
}

// ImportFile streams an import's stored file, one chunk at a time.
func (db *DB) ImportFile(ctx context.Context, id int64) (io.ReadCloser, error) {
	return &chunkReader{ctx: ctx, db: db, id: id}, nil
}

type chunkReader struct {
	ctx  context.Context
	db   *DB
	id   int64
	seq  int
	buf  []byte
	done bool
}

func (c *chunkReader) Read(p []byte) (int, error) {
	for len(c.buf) == 0 {
		if c.done {
			return 0, io.EOF
		}
		var data []byte
		err := c.db.QueryRow(c.ctx, "SELECT data FROM import_chunks WHERE import_id = ? AND seq = ?", c.id, c.seq).Scan(&data)
		if isNoRows(err) {
			c.done = true
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("store: import file: %w", err)
		}
		c.buf, c.seq = data, c.seq+1
	}
	n := copy(p, c.buf)
	c.buf = c.buf[n:]
	return n, nil
}

func (c *chunkReader) Close() error { return nil }

var problemCols = []string{"import_id", "phase", "row_no", "col", "field", "code", "message", "msg_key", "msg_args"}

func insertProblems(ctx context.Context, tx *Tx, id int64, ps []importer.ImportProblem) error {
	return insertMany(ctx, tx, "import_errors", problemCols, len(ps), func(i int, a []any) []any {
		p := ps[i]
		key, args := storedText(p.Text)
		return append(a, id, p.Phase, p.Row, p.Column, p.Field, p.Code, p.Message, key, args)
	})
}

// SaveImportProgress writes an import's counts and status with a part of
// its report, in one transaction.
func (db *DB) SaveImportProgress(ctx context.Context, x *importer.Import, problems []importer.ImportProblem) error {
	return db.InTx(ctx, func(tx *Tx) error {
		if err := insertProblems(ctx, tx, x.ID, problems); err != nil {
			return err
		}
		key, args := storedText(x.Text)
		_, err := tx.Exec(ctx, `UPDATE imports SET status = ?, mode = ?, total_rows = ?, bad_rows = ?, checked_rows = ?, checked_bytes = ?,
			message = ?, message_key = ?, message_args = ?, updated_at = ?, finished_at = ? WHERE id = ?`,
			x.Status, x.Mode, x.TotalRows, x.BadRows, x.CheckedRows, x.CheckedBytes, x.Message, key, args, x.UpdatedAt, x.FinishedAt, x.ID)
		return err
	})
}

// ClearImportProblems drops the report lines of one phase.
func (db *DB) ClearImportProblems(ctx context.Context, id int64, phase string) error {
	_, err := db.Exec(ctx, "DELETE FROM import_errors WHERE import_id = ? AND phase = ?", id, phase)
	return err
}

// StartImportPhase moves an import from one of the statuses `from` to
// x.Status with x.Mode at x.UpdatedAt, audited; conflict if it was not in
// one of them.
func (db *DB) StartImportPhase(ctx context.Context, x *importer.Import, from []string, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		key, text := storedText(x.Text)
		args := []any{x.Status, x.Mode, x.Message, key, text, x.UpdatedAt, x.ID}
		marks := make([]string, len(from))
		for i, f := range from {
			marks[i] = "?"
			args = append(args, f)
		}
		res, err := tx.Exec(ctx, "UPDATE imports SET status = ?, mode = ?, message = ?, message_key = ?, message_args = ?, finished_at = NULL, updated_at = ? WHERE id = ? AND status IN ("+
			strings.Join(marks, ", ")+")", args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return crm.Fail(crm.EConflict, "store.import_changed_commit")
		}
		return nil
	})
}

// RemapImport stores a checked import's new mapping and columns and sends
// it back to checking, at x.UpdatedAt.
func (db *DB) RemapImport(ctx context.Context, x *importer.Import, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		res, err := tx.Exec(ctx, `UPDATE imports SET mapping = ?, columns = ?, status = ?, mode = '', message = '', message_key = '', message_args = '', total_rows = 0, bad_rows = 0,
			checked_rows = 0, checked_bytes = 0, updated_at = ? WHERE id = ? AND status = ? AND batches = 0`,
			jsonText(x.Mapping), jsonText(x.Columns), x.Status, x.UpdatedAt, x.ID, importer.ImportChecked)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return crm.Fail(crm.EConflict, "store.import_changed")
		}
		_, err = tx.Exec(ctx, "DELETE FROM import_errors WHERE import_id = ?", x.ID)
		return err
	})
}

// ImportProblems returns a page of an import's report in row order.
func (db *DB) ImportProblems(ctx context.Context, id int64, afterID int64, limit int) ([]importer.ImportProblem, error) {
	return queryAll(ctx, db, func(r scanner) (p importer.ImportProblem, err error) {
		var key, args string
		if err := r.Scan(&p.ID, &p.Phase, &p.Row, &p.Column, &p.Field, &p.Code, &p.Message, &key, &args); err != nil {
			return p, err
		}
		p.Text, err = loadText(key, args)
		return p, err
	}, `SELECT id, phase, row_no, col, field, code, message, msg_key, msg_args FROM import_errors
		WHERE import_id = ? AND id > ? ORDER BY id LIMIT ?`, id, afterID, limit)
}

// ImportDuplicates finds which of the keys live customers (or contacts)
// already have, ignoring scope as duplicate checks must.
func (db *DB) ImportDuplicates(ctx context.Context, s crm.Scope, now time.Time, usccs, names, mobiles []string) (importer.ImportDuplicates, error) {
	d := importer.ImportDuplicates{USCC: map[string]string{}, Name: map[string]string{}, Mobile: map[string]string{}}
	// Each customer found says whether the importing user may see it:
	// only then is it named.
	visible, scopeArgs := scopeSQL(s, now)
	sel := func(key, from string) string {
		return "SELECT " + key + ", c.code, c.name, CASE WHEN " + visible + " THEN 1 ELSE 0 END FROM " + from
	}
	queries := []struct {
		keys []string
		q    string
		into map[string]string
	}{
		{usccs, sel("c.uscc", "customers c") + " WHERE c.uscc <> '' AND c.deleted_at IS NULL AND c.uscc IN (%s)", d.USCC},
		{names, sel("c.name_norm", "customers c") + " WHERE c.deleted_at IS NULL AND c.name_norm IN (%s)", d.Name},
		{mobiles, sel("k.mobile_idx", "contacts k JOIN customers c ON c.id = k.customer_id") + " WHERE k.mobile_idx IN (%s)", d.Mobile},
	}
	for _, qu := range queries {
		for start := 0; start < len(qu.keys); start += 1000 {
			q, keyArgs := inKeys(db.Engine, qu.q, qu.keys[start:min(len(qu.keys), start+1000)])
			// Past the statement cache: the lists' lengths vary.
			rows, err := db.R.QueryContext(ctx, db.Rebind(q), append(append([]any(nil), scopeArgs...), keyArgs...)...)
			if err != nil {
				return d, fmt.Errorf("store: import duplicates: %w", err)
			}
			for rows.Next() {
				var key, code, name string
				var seen int
				if err := rows.Scan(&key, &code, &name, &seen); err != nil {
					rows.Close()
					return d, err
				}
				if who, ok := qu.into[key]; !ok || who == "" && seen == 1 {
					qu.into[key] = ""
					if seen == 1 {
						qu.into[key] = code + " " + name
					}
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return d, err
			}
		}
	}
	return d, nil
}

// inKeys fills the "IN (%s)" of q with keys: one array on PostgreSQL, a
// parameter each on SQLite.
func inKeys(e Engine, q string, keys []string) (string, []any) {
	if e == Postgres {
		return strings.Replace(q, "IN (%s)", "= ANY(?)", 1), []any{keys}
	}
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = k
	}
	return fmt.Sprintf(q, strings.TrimSuffix(strings.Repeat("?,", len(keys)), ",")), args
}

var (
	importCustomerCols = []string{"id", "code", "kind", "name", "short_name", "uscc", "legal_rep", "industry_code", "region_code",
		"address", "source", "stage", "owner_id", "team_id", "notes", "version", "created_at", "updated_at", "name_norm", "employee_band",
		"revenue_band", "custom_fields", "import_id", "import_row", "name_sort"}
	importContactCols = []string{"customer_id", "name", "title", "mobile_enc", "mobile_idx", "mobile_last4", "landline", "email",
		"wechat_id", "gender", "birthday", "birthday_lunar", "birthday_leap", "is_primary", "preferences", "version", "created_at", "updated_at"}
)

// maxParams keeps a statement under SQLite's limit of bound parameters.
const maxParams = 30000

// insertMany inserts n rows into table with multi-row INSERTs; row appends
// the values of row i to a and returns it.
func insertMany(ctx context.Context, tx *Tx, table string, cols []string, n int, row func(i int, a []any) []any) error {
	if n == 0 {
		return nil
	}
	per := maxParams / len(cols)
	args := make([]any, 0, min(n, per)*len(cols))
	for start := 0; start < n; start += per {
		end := min(n, start+per)
		args = args[:0]
		for i := start; i < end; i++ {
			args = row(i, args)
		}
		if _, err := tx.execPrepared(ctx, insertSQL(table, cols, end-start), args...); err != nil {
			return fmt.Errorf("store: insert into %s: %w", table, err)
		}
	}
	return nil
}

// insertSQL is the multi-row INSERT of rows rows into table.
func insertSQL(table string, cols []string, rows int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	var b strings.Builder
	b.Grow(32 + len(table) + 16*len(cols) + rows*(len(one)+2))
	b.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
	for i := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(one)
	}
	return b.String()
}

// warmInsert keeps the statements insertMany will run for n rows prepared
// on the SQLite write connection; call it outside the transaction.
func (db *DB) warmInsert(ctx context.Context, table string, cols []string, n int) {
	if db.Engine != SQLite || n == 0 {
		return
	}
	per := maxParams / len(cols)
	db.warmWriteStmt(ctx, insertSQL(table, cols, min(n, per)))
	if n > per && n%per != 0 {
		db.warmWriteStmt(ctx, insertSQL(table, cols, n%per))
	}
}

// allocateIDs reserves n customer IDs in tx, none ever handed out before.
func allocateIDs(ctx context.Context, tx *Tx, n int) ([]int64, error) {
	if tx.Engine() == Postgres {
		return queryAll(ctx, tx, func(r scanner) (id int64, err error) { return id, r.Scan(&id) },
			"SELECT nextval(pg_get_serial_sequence('customers', 'id')) FROM generate_series(1, ?)", n)
	}
	// SQLite: a counter that only grows, so an erased customer's ID is
	// never handed out again (SQLite's own would reuse the largest). The
	// largest ID is taken into account for rows written around it (a
	// bench load).
	var last int64
	err := tx.QueryRow(ctx, `UPDATE counters SET value = MAX(value, (SELECT COALESCE(MAX(id), 0) FROM customers)) + ?
		WHERE name = 'customer_id' RETURNING value`, n).Scan(&last)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, n)
	for i := range n {
		ids = append(ids, last-int64(n)+1+int64(i))
	}
	return ids, nil
}

// CommitImportBatch writes a batch of imported customers with their
// contacts, tags and search tokens, the batch's report lines and the
// import's progress, and its audit entry, in one transaction: a batch is
// all there or not at all. It is refused (conflict) when the import's
// progress is no longer where the batch starts.
func (db *DB) CommitImportBatch(ctx context.Context, b *importer.ImportBatch, e *crm.AuditEntry) error {
	if n := len(b.Rows); n == importer.ImportBatchSize {
		// Full batches repeat the same statements: keep them prepared.
		db.warmInsert(ctx, "customers", importCustomerCols, n)
		db.warmInsert(ctx, "customer_search", db.searcher.indexColumns(), n)
		contacts := 0
		for i := range b.Rows {
			if b.Rows[i].Contact != nil {
				contacts++
			}
		}
		if contacts == n {
			db.warmInsert(ctx, "contacts", importContactCols, n)
		}
	}
	return db.InTx(ctx, func(tx *Tx) error {
		n := len(b.Rows)
		var ids []int64
		if n > 0 {
			var last int64
			if err := tx.QueryRow(ctx, "UPDATE counters SET value = value + ? WHERE name = 'customer_code' RETURNING value", n).Scan(&last); err != nil {
				return fmt.Errorf("store: customer codes: %w", err)
			}
			var err error
			if ids, err = allocateIDs(ctx, tx, n); err != nil {
				return fmt.Errorf("store: customer ids: %w", err)
			}
			for i := range b.Rows {
				c := &b.Rows[i].Customer
				c.ID, c.Code, c.Version = ids[i], customer.Code(last-int64(n)+1+int64(i)), 1
			}
			err = insertMany(ctx, tx, "customers", importCustomerCols, n, func(i int, a []any) []any {
				c := &b.Rows[i].Customer
				return append(a, c.ID, c.Code, c.Kind, c.Name, c.ShortName, c.USCC, c.LegalRep, c.IndustryCode, c.RegionCode, c.Address,
					c.Source, c.Stage, c.OwnerID, nullID(c.TeamID), c.Notes, 1, c.CreatedAt, c.UpdatedAt, c.NameNorm, c.EmployeeBand,
					c.RevenueBand, customJSON(c.Custom), b.ImportID, b.Rows[i].Row, customer.NameSortKey(c.Name))
			})
			if isUniqueViolation(err) {
				return crm.Fail(crm.EConflict, "store.import_uscc_added")
			}
			if err != nil {
				return err
			}
			var contacts []*customer.Contact
			var tagIDs []int64
			var tags []string
			for i := range b.Rows {
				r := &b.Rows[i]
				if r.Contact != nil {
					r.Contact.CustomerID = r.Customer.ID
					contacts = append(contacts, r.Contact)
				}
				for _, k := range r.MoreContacts { // the customer's further contacts (one row each)
					k.CustomerID = r.Customer.ID
					contacts = append(contacts, k)
				}
				for _, t := range r.Customer.Tags {
					tagIDs, tags = append(tagIDs, r.Customer.ID), append(tags, t)
				}
			}
			err = insertMany(ctx, tx, "contacts", importContactCols, len(contacts), func(i int, a []any) []any {
				k := contacts[i]
				return append(a, k.CustomerID, k.Name, k.Title, k.MobileEnc, k.MobileIdx, k.MobileLast4, k.Landline, k.Email, k.WeChatID,
					k.Gender, k.Birthday, k.BirthdayLunar, k.BirthdayLeap, k.IsPrimary, k.Preferences, 1, k.CreatedAt, k.UpdatedAt)
			})
			if err != nil {
				return err
			}
			err = insertMany(ctx, tx, "customer_tags", []string{"customer_id", "tag"}, len(tags), func(i int, a []any) []any {
				return append(a, tagIDs[i], tags[i])
			})
			if err != nil {
				return err
			}
			if err := insertSearchTokens(ctx, tx, b.Rows); err != nil {
				return err
			}
		}
		if err := insertProblems(ctx, tx, b.ImportID, b.Problems); err != nil {
			return err
		}
		status, finished := importer.ImportCommitting, any(nil)
		if b.Finished {
			status, finished = importer.ImportDone, b.FinishedAt
		}
		res, err := tx.Exec(ctx, `UPDATE imports SET rows_done = ?, inserted = inserted + ?, skipped = skipped + ?, batches = batches + 1,
			status = ?, finished_at = ?, updated_at = ? WHERE id = ? AND rows_done = ? AND status = ?`,
			b.RowsDone, n, b.Skipped, status, finished, b.FinishedAt, b.ImportID, b.FromDone, importer.ImportCommitting)
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return importer.ErrImportMoved
		}
		if n == 0 && !b.Finished && b.Skipped == 0 {
			return nil
		}
		detail := map[string]any{"first_row": b.FromDone + 1, "last_row": b.RowsDone, "inserted": n, "skipped": b.Skipped}
		if n > 0 {
			detail["first_customer_id"], detail["last_customer_id"] = ids[0], ids[n-1]
			detail["first_code"], detail["last_code"] = b.Rows[0].Customer.Code, b.Rows[n-1].Customer.Code
		}
		e.Detail = jsonText(detail)
		return tx.AppendAudit(ctx, e)
	})
}

// insertSearchTokens indexes new customers as reindexCustomer would:
// the tokens of their names and contacts plus their codes.
func insertSearchTokens(ctx context.Context, tx *Tx, rows []importer.ImportRow) error {
	return insertSearchRows(ctx, tx, len(rows), func(i int) (int64, []string) {
		c := &rows[i].Customer
		return c.ID, append(rows[i].Tokens, customer.CodeTokens(c.Code)...)
	})
}

// BareInsert inserts n rows into table in transactions of batch rows with
// the same multi-row INSERTs an import uses; `kehu bench import` measures
// it on a scratch table as the baseline of the import rate.
func (db *DB) BareInsert(ctx context.Context, table string, cols []string, n, batch int, row func(i int, a []any) []any) error {
	return db.BareInsertTables(ctx, []BareTable{{Name: table, Cols: cols, PerItem: 1, Row: func(i, _ int, a []any) []any { return row(i, a) }}}, n, batch)
}

// BareTable is one table BareInsertTables fills: PerItem rows for each of
// its n items, the k-th of item i appended to a by Row.
type BareTable struct {
	Name    string
	Cols    []string
	PerItem int
	Row     func(i, k int, a []any) []any
}

// BareInsertTables inserts n items' rows into each table, batch items a
// transaction, with the multi-row INSERTs an import uses (kept prepared,
// as an import's full batches are).
func (db *DB) BareInsertTables(ctx context.Context, tables []BareTable, n, batch int) error {
	for _, t := range tables {
		db.warmInsert(ctx, t.Name, t.Cols, min(n, batch)*t.PerItem)
	}
	for start := 0; start < n; start += batch {
		end := min(n, start+batch)
		err := db.InTx(ctx, func(tx *Tx) error {
			for _, t := range tables {
				err := insertMany(ctx, tx, t.Name, t.Cols, (end-start)*t.PerItem, func(j int, a []any) []any {
					return t.Row(start+j/t.PerItem, j%t.PerItem, a)
				})
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// ImportContactColumns are the contact columns an import writes.
func ImportContactColumns() []string { return append([]string(nil), importContactCols...) }

// ImportCustomerColumns are the customer columns an import writes.
func ImportCustomerColumns() []string { return append([]string(nil), importCustomerCols...) }
