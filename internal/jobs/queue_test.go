package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/kehucrm/kehu/internal/jobs"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

type echoArgs struct {
	Word string `json:"word"`
}

func (echoArgs) Kind() string { return "test_echo" }

type echoWorker struct {
	river.WorkerDefaults[echoArgs]
	done chan string
}

func (w *echoWorker) Work(ctx context.Context, job *river.Job[echoArgs]) error {
	w.done <- job.Args.Word
	return nil
}

func open(t *testing.T, dsn string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestJobEnqueuedBeforeARestartRunsAfterIt(t *testing.T) {
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.DSN(t, e)

			// First life: the job is enqueued, but the process stops before
			// any worker could take it.
			db := open(t, dsn)
			q, err := jobs.New(db, jobs.Config{}, func(w *river.Workers) { river.AddWorker(w, &echoWorker{}) })
			if err != nil {
				t.Fatal(err)
			}
			if _, err := q.Insert(ctx, echoArgs{Word: "你好"}, nil); err != nil {
				t.Fatal(err)
			}
			db.Close()

			// Second life.
			db = open(t, dsn)
			defer db.Close()
			done := make(chan string, 1)
			q, err = jobs.New(db, jobs.Config{PollInterval: 20 * time.Millisecond},
				func(w *river.Workers) { river.AddWorker(w, &echoWorker{done: done}) })
			if err != nil {
				t.Fatal(err)
			}
			if err := q.Start(ctx); err != nil {
				t.Fatal(err)
			}
			defer q.Stop(ctx)
			select {
			case word := <-done:
				if word != "你好" {
					t.Errorf("job ran with %q, want 你好", word)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("the job enqueued before the restart did not run after it")
			}
		})
	}
}

func TestMaintenanceRunsWhenTheQueueStarts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		q, err := jobs.New(db, jobs.Config{PollInterval: 20 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		events, cancel := q.Client().Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed)
		defer cancel()
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer q.Stop(ctx)
		// Periodic jobs are enqueued by River's elected leader; on
		// PostgreSQL the election here takes about 20 s on a quiet
		// machine (its 5 s intervals with a 10 s TTL padding), more under
		// CI's parallel packages.
		deadline := time.After(90 * time.Second)
		for done := false; !done; {
			select {
			case ev := <-events:
				if ev.Kind == river.EventKindJobFailed {
					t.Fatalf("job %s failed: %v", ev.Job.Kind, ev.Job.Errors)
				}
				done = ev.Job.Kind == "maintenance"
			case <-deadline:
				t.Fatal("maintenance did not run at start")
			}
		}
		counts, err := db.JobCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, c := range counts {
			found = found || (c.Kind == "maintenance" && c.State == "completed" && c.N == 1)
		}
		if !found {
			t.Errorf("job counts %v do not show one completed maintenance job", counts)
		}
	})
}
