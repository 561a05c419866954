// Package server assembles Kehu's HTTP handler: the API, the web UI,
// health and metrics endpoints, behind the middleware every request
// passes through. cmd/kehu serves it; tests and benchmarks use the same.
package server

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/kehucrm/kehu/internal/api"
	"github.com/kehucrm/kehu/internal/app"
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/crm/importer"
	"github.com/kehucrm/kehu/internal/httpx"
	"github.com/kehucrm/kehu/internal/jobs"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/ui"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Options configure the handler.
type Options struct {
	Version  string
	Logger   *slog.Logger
	Location *time.Location      // where times are shown; Asia/Shanghai by default
	Auth     identity.AuthConfig // sign-in rules; crm.DefaultAuthConfig() when zero
	Sealer   crm.Sealer          // the keyring for sensitive fields (required)
	Clock    func() time.Time    // what every service reads as now; time.Now when nil
	// ImportQueue queues import work for the background jobs; nil builds
	// an insert-only queue on the same database.
	ImportQueue importer.ImportQueue
}

// Server is the assembled handler and what tests need to look at.
type Server struct {
	Handler  http.Handler
	Router   *httpx.Router
	Registry *prometheus.Registry
	// Services are the domain services the handler serves, built once;
	// the background jobs are given the same.
	Services *app.Services
}

// New assembles the handler over db.
func New(db *store.DB, opts Options) (*Server, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Location == nil {
		loc, err := time.LoadLocation("Asia/Shanghai")
		if err != nil {
			return nil, err
		}
		opts.Location = loc
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(db.W, "write"),
		jobs.NewCountsCollector(db),
	)
	if db.R != db.W {
		reg.MustRegister(collectors.NewDBStatsCollector(db.R, "read"))
	}
	metrics := httpx.NewMetrics(reg)

	if opts.ImportQueue == nil {
		q, err := jobs.NewImportQueue(db)
		if err != nil {
			return nil, err
		}
		opts.ImportQueue = q
	}
	svc, err := Build(db, opts, opts.ImportQueue)
	if err != nil {
		return nil, err
	}
	rt := httpx.NewRouter()
	api.New(svc, opts.Version).Register(rt)
	rt.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	web, err := ui.New(svc, opts.Version, opts.Location)
	if err != nil {
		return nil, err
	}
	web.Register(rt)

	// Unsafe methods from another origin are refused (browsers say where a
	// request comes from in Sec-Fetch-Site / Origin); API clients that send
	// neither header, such as scripts with a bearer token, pass.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(httpx.Handle(func(w http.ResponseWriter, r *http.Request) error {
		return crm.Fail(crm.EForbidden, "http.cross_origin_refused")
	}))

	h := httpx.Chain(rt,
		httpx.RequestIDs(opts.Logger),
		httpx.Recover,
		httpx.SecurityHeaders,
		metrics.Middleware,
		httpx.AccessLog,
		httpx.RejectNUL,
		cop.Handler,
		withClock(svc.Clock),
		httpx.Authenticate(svc.Identity),
		httpx.Idempotency(idempotencyKeys{db}, opts.Sealer, api.IdempotentRoutes(), maxIdempotentBody),
	)
	return &Server{Handler: h, Router: rt, Registry: reg, Services: svc}, nil
}

// withClock puts the services' clock into every request, so what the
// domain dates from the context (audit entries) reads the same clock as
// the services.
func withClock(now func() time.Time) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(crm.WithClock(r.Context(), now)))
		})
	}
}
