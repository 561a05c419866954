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
	db      *store.DB
	desc    *prometheus.Desc
	byState *prometheus.Desc
}

// states are River's job states, reported even at zero so that dashboards
// and alerts see a series from the first scrape.
var states = []string{"available", "cancelled", "completed", "discarded", "pending", "retryable", "running", "scheduled"}

// NewCountsCollector returns a Prometheus collector of job counts.
func NewCountsCollector(db *store.DB) prometheus.Collector {
	return &countsCollector{db: db,
		desc:    prometheus.NewDesc("kehu_jobs", "Jobs in the queue by kind and state.", []string{"kind", "state"}, nil),
		byState: prometheus.NewDesc("kehu_jobs_by_state", "Jobs in the queue by state.", []string{"state"}, nil),
	}
}

func (c *countsCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc; ch <- c.byState }

func (c *countsCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	counts, err := c.db.JobCounts(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.desc, err)
		return
	}
	total := map[string]int64{}
	for _, k := range counts {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(k.N), k.Kind, k.State)
		total[k.State] += k.N
	}
	for _, s := range states {
		ch <- prometheus.MustNewConstMetric(c.byState, prometheus.GaugeValue, float64(total[s]), s)
	}
}
