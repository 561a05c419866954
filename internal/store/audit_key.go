package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"
)

// AuditKey keys the hash of each audit entry (secure.AuditKey). It lives
// in a file apart from the database.
type AuditKey interface {
	MAC(msg []byte) []byte
}

// auditKeys holds the audit key of each open DB; a side table so the DB
// struct stays as it is.
var auditKeys sync.Map // *DB → AuditKey

// SetAuditKey makes every entry appended through db from now on keyed by
// k. Once one keyed entry is written, appending without the key fails,
// so a process that lost its key cannot quietly weaken the chain.
func (db *DB) SetAuditKey(k AuditKey) {
	if k == nil {
		auditKeys.Delete(db)
		return
	}
	auditKeys.Store(db, k)
}

func (db *DB) auditKey() AuditKey {
	if k, ok := auditKeys.Load(db); ok {
		return k.(AuditKey)
	}
	return nil
}

// entryKey is the key entry id was hashed with: none before keyedFrom.
func entryKey(k AuditKey, keyedFrom, id int64) AuditKey {
	if keyedFrom == 0 || id < keyedFrom {
		return nil
	}
	return k
}

// AuditHead is the head of the chain: the last entry's number and hash,
// and where keyed hashing starts.
type AuditHead struct {
	Seq       int64
	Hash      string
	KeyedFrom int64
}

// ReadAuditHead reads the head of the chain, checked against the last
// entry it names.
func (db *DB) ReadAuditHead(ctx context.Context) (AuditHead, error) {
	var h AuditHead
	if err := db.QueryRow(ctx, "SELECT seq, last_hash, keyed_from FROM audit_head WHERE id = 1").Scan(&h.Seq, &h.Hash, &h.KeyedFrom); err != nil {
		return h, fmt.Errorf("store: audit head: %w", err)
	}
	return h, nil
}

// CheckAuditAnchor compares the chain with a checkpoint of its head taken
// earlier (seq, hash, keyedFrom): the entry it names must still be there
// with the same hash, and keyed hashing must start where it did. It finds
// a cut tail whose head was rewritten to match, and a chain rehashed from
// the start. A problem is returned, not an error.
func (db *DB) CheckAuditAnchor(ctx context.Context, cp AuditHead) (*AuditProblem, error) {
	head, err := db.ReadAuditHead(ctx)
	if err != nil {
		return nil, err
	}
	if head.Seq < cp.Seq {
		return &AuditProblem{head.Seq + 1, fmt.Sprintf("the log ends at entry %d but the checkpoint records entry %d (its tail was cut)", head.Seq, cp.Seq)}, nil
	}
	if cp.KeyedFrom > 0 && head.KeyedFrom != cp.KeyedFrom {
		return &AuditProblem{cp.KeyedFrom, fmt.Sprintf("keyed hashing starts at entry %d, but at %d by the checkpoint (the chain was rehashed)", head.KeyedFrom, cp.KeyedFrom)}, nil
	}
	var hash string
	var purged time.Time
	err = db.QueryRow(ctx, "SELECT hash FROM audit_log WHERE id = ?", cp.Seq).Scan(&hash)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		// A lawful purge may have removed it: then nothing younger than
		// the purge limit may be missing.
		var oldest sql.NullInt64
		if err := db.QueryRow(ctx, "SELECT MIN(id) FROM audit_log").Scan(&oldest); err != nil {
			return nil, fmt.Errorf("store: audit anchor: %w", err)
		}
		if err := db.QueryRow(ctx, "SELECT purge_before FROM audit_head WHERE id = 1").Scan(&purged); err != nil {
			return nil, fmt.Errorf("store: audit anchor: %w", err)
		}
		if oldest.Valid && oldest.Int64 > cp.Seq && purged.After(time.Unix(0, 0)) {
			return nil, nil
		}
		return &AuditProblem{cp.Seq, "the entry the checkpoint records is missing"}, nil
	case err != nil:
		return nil, fmt.Errorf("store: audit anchor: %w", err)
	case hash != cp.Hash:
		return &AuditProblem{cp.Seq, "its hash differs from the one the checkpoint records (rewritten)"}, nil
	}
	return nil, nil
}

// auditKeyFor is the key the entries from id on are hashed with, and where
// keyed hashing starts once they are written: here, if db has a key and
// no entry was keyed before. Without a key on a keyed chain it refuses.
func auditKeyFor(db *DB, keyedFrom, id int64) (AuditKey, int64, error) {
	key := db.auditKey()
	switch {
	case key == nil && keyedFrom > 0:
		return nil, keyedFrom, fmt.Errorf("store: the audit chain is keyed from entry %d but this process has no audit key (--audit-key-file)", keyedFrom)
	case key != nil && keyedFrom == 0:
		keyedFrom = id
	}
	return key, keyedFrom, nil
}
