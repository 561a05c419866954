package store

import (
	"context"
	"database/sql"
	"sync"

	"github.com/kehucrm/kehu/internal/crm"
)

// Group commit of audited writes (issue 21, point 4). SQLite commits with
// synchronous=FULL, one fsync per transaction, and every audited write
// moves the one audit_head row, so writes that each commit alone are
// bound by the disk: about 300 a second whatever the CPU. Concurrent
// writers queue in a writeGroup instead; whoever finds no commit running
// commits up to maxGroup waiting writes in one transaction, each in its
// own SAVEPOINT (a failing one is rolled back alone and gets its own
// error), their audit entries appended with one move of the chain's head
// (commitAudited). Each caller returns only after the durable commit,
// with its own error. A caller alone runs as InTxAudited does.
//
// The customers' creates and updates (customers.go) and the complaints'
// registrations (complaints.go) each have a group of their own.

// maxGroup bounds the writes of one group commit.
const maxGroup = 256

// writeGroup is the queue of one kind of grouped write of one database.
type writeGroup[R any] struct {
	mu      sync.Mutex
	pending []R
	running bool
}

// groupFor is db's group in groups (one map per kind of write).
func groupFor[R any](groups *sync.Map, db *DB) *writeGroup[R] {
	g, _ := groups.LoadOrStore(db, &writeGroup[R]{})
	return g.(*writeGroup[R])
}

// submit queues req and, if no commit is under way, commits the queue
// batch after batch until it is empty; then waits for done, req's result.
func (g *writeGroup[R]) submit(ctx context.Context, req R, done <-chan error, commit func(context.Context, []R)) error {
	g.mu.Lock()
	g.pending = append(g.pending, req)
	lead := !g.running
	g.running = true
	g.mu.Unlock()
	if lead {
		g.drain(context.WithoutCancel(ctx), commit)
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		// The write may still be committed by the group under way.
		return ctx.Err()
	}
}

// drain commits the waiting writes, group after group, until none wait.
func (g *writeGroup[R]) drain(ctx context.Context, commit func(context.Context, []R)) {
	for {
		g.mu.Lock()
		batch := g.pending
		if len(batch) > maxGroup {
			batch = batch[:maxGroup]
		}
		g.pending = g.pending[len(batch):]
		if len(batch) == 0 {
			g.running = false
			g.mu.Unlock()
			return
		}
		g.mu.Unlock()
		commit(ctx, batch)
	}
}

// auditedWrite is one audited write of a group: fn writes in the shared
// transaction (touching nothing outside it, and ready to run again on a
// PostgreSQL retry, after reset) and e is its audit entry.
type auditedWrite struct {
	e     *crm.AuditEntry
	fn    func(context.Context, *preparedTx) error
	reset func() // restores what fn changed in the caller's values; nil: nothing
	done  chan error
}

// groupAudited runs w through the group commit of groups.
func (db *DB) groupAudited(ctx context.Context, groups *sync.Map, w *auditedWrite) error {
	w.done = make(chan error, 1)
	return groupFor[*auditedWrite](groups, db).submit(ctx, w, w.done, db.commitAudited)
}

// commitAudited writes one group in one transaction, statements prepared
// once per group (preparedTx).
func (db *DB) commitAudited(ctx context.Context, batch []*auditedWrite) {
	errs := make([]error, len(batch))
	saved := make([]crm.AuditEntry, len(batch))
	for i, r := range batch {
		saved[i] = *r.e
	}
	start := func(i int) { // a retried transaction starts afresh
		*batch[i].e = saved[i]
		if batch[i].reset != nil {
			batch[i].reset()
		}
	}
	err := db.InTx(ctx, func(tx *Tx) error {
		p := &preparedTx{Tx: tx, stmts: map[string]*sql.Stmt{}}
		defer p.close()
		if len(batch) == 1 { // alone: no savepoint needed
			start(0)
			if errs[0] = batch[0].fn(ctx, p); errs[0] != nil {
				return errs[0]
			}
			return tx.AppendAudit(ctx, batch[0].e)
		}
		entries := make([]crm.AuditEntry, 0, len(batch))
		for i, r := range batch {
			start(i)
			if _, err := p.exec(ctx, "SAVEPOINT audited"); err != nil {
				return err
			}
			if errs[i] = r.fn(ctx, p); errs[i] != nil {
				if _, err := p.exec(ctx, "ROLLBACK TO SAVEPOINT audited"); err != nil {
					return err
				}
			} else {
				entries = append(entries, *r.e)
			}
			if _, err := p.exec(ctx, "RELEASE SAVEPOINT audited"); err != nil {
				return err
			}
		}
		// One move of the audit chain's head for the whole group.
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
		if errs[i] != nil {
			r.done <- errs[i]
		} else {
			r.done <- err
		}
	}
}
