package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/kehucrm/kehu/internal/bench"
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/server"
	"github.com/kehucrm/kehu/internal/store"
)

// benchCustomers is `kehu bench customers`: it serves a database filled by
// `kehu bench data` and loads the customer routes the archive's targets
// name: search by 1-, 2- and 3+-character Chinese queries, pinyin
// initials and mobile endings, a list with two filters, and reading one
// customer by ID — signed in as the data set's GM, who sees every row.
func benchCustomers(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	var conc string
	var dur time.Duration
	fs := flag.NewFlagSet("kehu bench customers", flag.ContinueOnError)
	dbFlags(fs, &cfg)
	fs.StringVar(&conc, "concurrency", "1,16", "comma-separated numbers of concurrent connections")
	fs.DurationVar(&dur, "duration", 5*time.Second, "how long to load each route at each concurrency")
	var lists string
	fs.StringVar(&lists, "lists", "", "instead of the archive's routes: 'filters' measures the list with every single filter and every pair, "+
		"newest first; 'sorts' each of them in every offered sort too")
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	levels, err := parseLevels(conc)
	if err != nil {
		return err
	}
	db, err := store.Open(ctx, cfg.dsn(), store.Options{ApplicationName: "kehu-bench"})
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	max, err := db.MaxCustomerID(ctx)
	if err != nil {
		return err
	}
	if max == 0 {
		return fmt.Errorf("no customers here: fill the database with `kehu bench data --db %s` first", cfg.dsn())
	}
	keys, err := cfg.keyring()
	if err != nil {
		return err
	}
	srv, err := server.New(db, server.Options{Version: versionString(), Sealer: keys})
	if err != nil {
		return err
	}
	// A GM of our own for this run, signed in by API token.
	id := identity.New(db, identity.DefaultAuthConfig(), nil, nil)
	name, pw := "bench-gm-"+strconv.FormatInt(time.Now().UnixNano(), 36), generatePassword()
	if _, err := id.AddUser(cliContext(ctx), identity.NewUser{Username: name, Role: crm.RoleGM, Password: pw}, "en"); err != nil {
		return err
	}
	token, _, err := id.Login(ctx, name, pw, "api")
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv.Handler, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	defer hs.Close()
	base := "http://" + ln.Addr().String()

	rng := rand.New(rand.NewPCG(7, 7))
	ids := make([]string, 2000)
	for i := range ids {
		ids[i] = "/api/v1/customers/" + strconv.FormatInt(1+rng.Int64N(max), 10)
	}
	search := func(qs ...string) []string {
		out := make([]string, len(qs))
		for i, q := range qs {
			out[i] = "/api/v1/customers?q=" + url.QueryEscape(q)
		}
		return out
	}
	targets := []bench.Target{
		{Name: "search, 1 Chinese character", Paths: search("华", "通", "鼎", "杉", "泰", "张")},
		{Name: "search, 2 Chinese characters", Paths: search("华达", "恒通", "金鼎", "机械", "苏州", "志强")},
		{Name: "search, 3+ Chinese characters", Paths: search("苏州恒", "华达机械", "深圳前海", "有限公司", "杭州瑞丰电子")},
		{Name: "search, pinyin initials", Paths: search("hd", "szht", "jdjx", "qh", "hzrf")},
		{Name: "search, mobile ending", Paths: search("5678", "0001", "8888", "1234", "2046")},
		{Name: "list, two filters (stage + region)", Paths: []string{
			"/api/v1/customers?stage=important&region=3205", "/api/v1/customers?stage=strategic&region=44",
			"/api/v1/customers?stage=general&region=3301", "/api/v1/customers?stage=churned&region=11"}},
		{Name: "GET /api/v1/customers/{id}, random IDs", Paths: ids},
	}
	if lists != "" {
		filters, err := benchListFilters(ctx, db)
		if err != nil {
			return fmt.Errorf("the list filters need a `kehu bench data` set: %w", err)
		}
		targets = benchListTargets(filters, lists == "sorts")
	}
	for i := range targets {
		targets[i].Token = token
	}
	return printBenchRun(stdout, fmt.Sprintf("kehu bench customers: %d customers on %s, %s per run", max, db.Engine, dur),
		func() ([]bench.HTTPResult, error) { return bench.HTTP(ctx, base, targets, levels, dur) })
}
