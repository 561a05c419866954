package jobs

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/kehucrm/kehu/internal/store"
)

// countsCollector reports the number of jobs by kind and state, read from
// the queue table at each scrape.
type countsCollector struct {
	db   *store.DB
	desc *prometheus.Desc
}

// NewCountsCollector returns a Prometheus collector of job counts.
func NewCountsCollector(db *store.DB) prometheus.Collector {
	return &countsCollector{db: db, desc: prometheus.NewDesc("kehu_jobs",
		"Jobs in the queue by kind and state.", []string{"kind", "state"}, nil)}
}

func (c *countsCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *countsCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	counts, err := Counts(ctx, c.db)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.desc, err)
		return
	}
	for _, k := range counts {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(k.N), k.Kind, k.State)
	}
}

// Count is the number of jobs of one kind in one state.
type Count struct {
	Kind, State string
	N           int64
}

// Counts reads the number of jobs by kind and state.
func Counts(ctx context.Context, db *store.DB) ([]Count, error) {
	rows, err := db.Query(ctx, "SELECT kind, state, count(*) FROM river_job GROUP BY kind, state ORDER BY kind, state")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Count
	for rows.Next() {
		var c Count
		if err := rows.Scan(&c.Kind, &c.State, &c.N); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
