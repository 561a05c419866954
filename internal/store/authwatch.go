package store

import (
	"context"
	"hash/fnv"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// authWatch tells the identity service's principal cache when anything that
// decides who a token acts for may have changed: a session ended, a token
// revoked, a user disabled or given another role — by this process, by
// another kehu instance, or by `kehu user disable` run beside the server.
//
// On SQLite it reads the WAL-index header at the start of the -shm file
// (https://www.sqlite.org/walformat.html, "The WAL-Index Header"): SQLite
// changes it on every committed write transaction, from any process, so
// one pread per request tells whether anything was committed since the
// cache was filled. On PostgreSQL a trigger (migration 0021) NOTIFYs the
// kehu_auth channel when sessions are deleted, tokens revoked or users
// changed, and a listening connection counts the notifications; writes made
// by this process also count at once, before the notification arrives.
type authWatch struct {
	once    sync.Once
	local   atomic.Uint64 // bumped by this process's auth writes and by notifications
	ok      atomic.Bool   // whether the version below can be trusted
	shm     *os.File      // SQLite: the -shm file, kept open until Close
	stop    context.CancelFunc
	stopped chan struct{}
}

// AuthVersion returns a value that changes whenever sessions, API tokens or
// users may have changed, and whether it can be trusted at all; when it
// cannot, callers must read the database on every request.
func (db *DB) AuthVersion() (uint64, bool) {
	w := &db.auth
	w.once.Do(func() { db.startAuthWatch() })
	if !w.ok.Load() {
		return 0, false
	}
	local := w.local.Load()
	if w.shm == nil {
		return local, true
	}
	var hdr [48]byte
	if n, err := w.shm.ReadAt(hdr[:], 0); n != len(hdr) || err != nil {
		return 0, false
	}
	h := fnv.New64a()
	_, _ = h.Write(hdr[:])
	return h.Sum64() + local, true
}

// authChanged is called after this process commits a change to sessions,
// tokens or users.
func (db *DB) authChanged() { db.auth.local.Add(1) }

func (db *DB) startAuthWatch() {
	start := db.watchSHM
	if db.Engine == Postgres {
		start = db.startListening
	}
	start()
}

// watchSHM opens the SQLite -shm file whose header AuthVersion reads.
func (db *DB) watchSHM() {
	if db.Path == "" {
		return
	}
	f, err := os.Open(db.Path + "-shm")
	if err != nil {
		return // not in WAL mode, or on a filesystem without it: no cache
	}
	db.auth.shm = f
	db.auth.ok.Store(true)
}

// startListening starts listenAuth, which closeAuthWatch stops.
func (db *DB) startListening() {
	ctx, cancel := context.WithCancel(context.Background())
	db.auth.stop, db.auth.stopped = cancel, make(chan struct{})
	go db.listenAuth(ctx)
}

// listenAuth keeps a connection listening on kehu_auth. While it is not
// listening the version is untrusted; every (re)connection bumps the
// version, since notifications may have been missed in between.
func (db *DB) listenAuth(ctx context.Context) {
	w := &db.auth
	defer close(w.stopped)
	for ctx.Err() == nil {
		conn, err := db.PG.Acquire(ctx)
		if err == nil {
			if _, err = conn.Exec(ctx, "LISTEN kehu_auth"); err == nil {
				w.local.Add(1)
				w.ok.Store(true)
				for err == nil {
					_, err = conn.Conn().WaitForNotification(ctx)
					w.local.Add(1)
				}
			}
			w.ok.Store(false)
			// The connection was listening: never hand it back to the pool.
			_ = conn.Conn().Close(context.Background())
			conn.Release()
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

// closeAuthWatch stops the listener and closes the -shm descriptor; call
// it after the SQLite pools are closed (closing any descriptor of a file
// drops the process's POSIX locks on it, and SQLite locks the -shm file).
func (db *DB) closeAuthWatch() {
	w := &db.auth
	w.once.Do(func() {}) // no watch may start after Close
	if w.stop != nil {
		w.stop()
		<-w.stopped
	}
	if w.shm != nil {
		w.shm.Close()
	}
}
