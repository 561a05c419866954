package store

import (
	"context"
	"sync"

	"github.com/kehucrm/kehu/internal/crm"
)

// Group commit of audited writes (issue 21, point 4). SQLite commits with
// synchronous=FULL, one fsync per transaction, and every audited write
// moves the one audit_head row, so writes that each commit alone are
// bound by the disk: about 300 customers a second whatever the CPU.
// Concurrent callers of inTxAuditedGrouped queue instead; whoever finds no
// commit running writes up to maxAuditedGroup waiting writes in one
// transaction, each in its own SAVEPOINT (a failing one is rolled back
// alone and gets its own error), their audit entries appended with one
// move of the chain's head. Each caller returns only after the durable
// commit, with its own error. A caller alone runs as InTxAudited does.
// The complaints' group commit (complaints_batch.go) is the same idea
// with its statements prepared once per group.

// maxAuditedGroup bounds the writes of one group commit.
const maxAuditedGroup = 256

type auditedReq struct {
	e    *crm.AuditEntry
	fn   func(*Tx) error
	done chan error
}

type auditedGroup struct {
	mu      sync.Mutex
	pending []*auditedReq
	running bool
}

var auditedGroups sync.Map // *DB → *auditedGroup

// inTxAuditedGrouped is InTxAudited through the group commit: fn runs in
// a transaction that other writers' fns may share, so it must touch
// nothing outside tx and may run again (a PostgreSQL retry).
func (db *DB) inTxAuditedGrouped(ctx context.Context, e *crm.AuditEntry, fn func(*Tx) error) error {
	req := &auditedReq{e: e, fn: fn, done: make(chan error, 1)}
	gv, _ := auditedGroups.LoadOrStore(db, &auditedGroup{})
	g := gv.(*auditedGroup)
	g.mu.Lock()
	g.pending = append(g.pending, req)
	lead := !g.running
	g.running = true
	g.mu.Unlock()
	if lead {
		g.drain(context.WithoutCancel(ctx), db)
	}
	select {
	case err := <-req.done:
		return err
	case <-ctx.Done():
		// The write may still be committed by the group under way.
		return ctx.Err()
	}
}

// drain commits the waiting writes, group after group, until none wait.
func (g *auditedGroup) drain(ctx context.Context, db *DB) {
	for {
		g.mu.Lock()
		batch := g.pending
		if len(batch) > maxAuditedGroup {
			batch = batch[:maxAuditedGroup]
		}
		g.pending = g.pending[len(batch):]
		if len(batch) == 0 {
			g.running = false
			g.mu.Unlock()
			return
		}
		g.mu.Unlock()
		db.commitAudited(ctx, batch)
	}
}

// commitAudited writes one group in one transaction.
func (db *DB) commitAudited(ctx context.Context, batch []*auditedReq) {
	errs := make([]error, len(batch))
	saved := make([]crm.AuditEntry, len(batch))
	for i, r := range batch {
		saved[i] = *r.e
	}
	err := db.InTx(ctx, func(tx *Tx) error {
		if len(batch) == 1 { // alone: no savepoint needed
			*batch[0].e = saved[0]
			if errs[0] = batch[0].fn(tx); errs[0] != nil {
				return errs[0]
			}
			return tx.AppendAudit(ctx, batch[0].e)
		}
		entries := make([]crm.AuditEntry, 0, len(batch))
		for i, r := range batch {
			*r.e = saved[i] // a retried transaction starts afresh
			if _, err := tx.Exec(ctx, "SAVEPOINT audited"); err != nil {
				return err
			}
			if errs[i] = r.fn(tx); errs[i] != nil {
				if _, err := tx.Exec(ctx, "ROLLBACK TO SAVEPOINT audited"); err != nil {
					return err
				}
			} else {
				entries = append(entries, *r.e)
			}
			if _, err := tx.Exec(ctx, "RELEASE SAVEPOINT audited"); err != nil {
				return err
			}
		}
		if err := appendAudits(ctx, tx, entries); err != nil {
			return err
		}
		j := 0
		for i, r := range batch {
			if errs[i] == nil {
				*r.e = entries[j]
				j++
			}
		}
		return nil
	})
	for i, r := range batch {
		switch {
		case errs[i] != nil:
			r.done <- errs[i]
		default:
			r.done <- err
		}
	}
}
