package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/csv"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/kehucrm/kehu/internal/cn"
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/crm/importer"
	"github.com/kehucrm/kehu/internal/secure"
	"github.com/kehucrm/kehu/internal/server"
	"github.com/kehucrm/kehu/internal/store"
)

// benchImport is `kehu bench import`: it writes a deterministic CSV of N
// realistic customers, imports it as `kehu import customers` does (the dry
// run, then the commit), and in the same run inserts the same number of
// rows into a scratch table with the customers' columns, in the same
// batches, as the baseline. On PostgreSQL it works in a new schema that it
// drops at the end.
func benchImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var dsn string
	var rows int
	var keep bool
	var cpuProfile string
	fs := flag.NewFlagSet("kehu bench import", flag.ContinueOnError)
	fs.StringVar(&dsn, "db", "", "database: a postgres:// URL (a scratch schema is made in it) or a SQLite file (default: a new one in a temporary directory)")
	fs.IntVar(&rows, "rows", 1000000, "customers in the file")
	fs.BoolVar(&keep, "keep", false, "keep the temporary directory (and PostgreSQL schema)")
	fs.StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the import (dry run and commit) to this file")
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	if rows < 1 || rows > 10000000 {
		return usageError{"--rows must be from 1 to 10000000"}
	}
	tmp, err := os.MkdirTemp("", "kehu-bench-import-")
	if err != nil {
		return err
	}
	if !keep {
		defer os.RemoveAll(tmp)
	}
	if dsn == "" {
		dsn = filepath.Join(tmp, "kehu.db")
	}
	if store.IsPostgresDSN(dsn) {
		scoped, drop, err := scratchSchema(ctx, dsn)
		if err != nil {
			return err
		}
		if !keep {
			defer drop()
		}
		dsn = scoped
	}

	file := filepath.Join(tmp, "customers.csv")
	t0 := time.Now()
	size, err := writeImportCSV(file, rows)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Generated %d customers (%.1f MiB CSV) in %s\n", rows, float64(size)/(1<<20), time.Since(t0).Round(time.Millisecond))

	db, err := store.Open(ctx, dsn, store.Options{ApplicationName: "kehu-bench"})
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	keys, err := secure.LoadOrCreateKeyring(filepath.Join(tmp, secure.KeyFileName))
	if err != nil {
		return err
	}
	id := identity.New(db, identity.DefaultAuthConfig(), keys, nil)
	if _, err := id.AddUser(cliContext(ctx), identity.NewUser{Username: "bench", Role: crm.RoleAccountManager, Password: "Bench-import-2026"}, "en"); err != nil {
		return err
	}

	// The import, as the command line runs it.
	svc, err := server.Build(db, server.Options{Sealer: keys}, nil)
	if err != nil {
		return err
	}
	imp := svc.Imports
	var checkDone time.Time
	r := importRun{db: db, out: io.Discard, bar: stderr}
	imp.Progress = nil
	stopProfile := func() {}
	if cpuProfile != "" {
		if stopProfile, err = startCPUProfile(cpuProfile); err != nil {
			return err
		}
	}
	t1 := time.Now()
	x, err := r.runTimed(ctx, imp, "bench", importer.ImportUpload{FileName: "customers.csv", FilePath: file, Mode: importer.ImportAll, Lang: "en"}, &checkDone)
	stopProfile()
	if err != nil {
		return err
	}
	total := time.Since(t1)
	if x.Status != importer.ImportDone || x.Inserted != rows {
		return fmt.Errorf("the import ended %s with %d of %d rows imported (%s)", x.Status, x.Inserted, rows, x.Message)
	}
	check, commit := checkDone.Sub(t1), total-checkDone.Sub(t1)
	rate := float64(rows) / total.Seconds()
	// A customer found by search proves the index was filled.
	found, err := svc.Customers.List(crm.WithPrincipal(ctx, crm.Principal{UserID: x.CreatedBy, Username: "bench", Role: crm.RoleAccountManager}),
		customer.CustomerFilter{Query: impName(rows - 1), Limit: 5})
	if err != nil {
		return err
	}

	// The baseline: the same rows into a table with the same columns and
	// no index, in the same batches.
	cols := store.ImportCustomerColumns()
	if _, err := db.Exec(ctx, "CREATE TABLE bench_bare AS SELECT "+strings.Join(cols, ", ")+" FROM customers WHERE 1 = 0"); err != nil {
		return err
	}
	now := time.Now().UTC()
	t2 := time.Now()
	err = db.BareInsert(ctx, "bench_bare", cols, rows, importer.ImportBatchSize, func(i int, a []any) []any {
		c := impRow(i)
		return append(a, int64(i+1), fmt.Sprintf("KH%08d", i+1), "company", c[0], c[1], c[2], c[3], c[4], c[5], c[6], "referral", "general",
			x.CreatedBy, nil, "", 1, now, now, customer.NormalizeName(c[0]), "", "", "{}", x.ID, i+2, customer.NameSortKey(c[0]))
	})
	if err != nil {
		return err
	}
	bare := time.Since(t2)
	bareRate := float64(rows) / bare.Seconds()
	_, _ = db.Exec(ctx, "DROP TABLE bench_bare")

	// A second baseline: every row the import writes for a line of the
	// file (its customer, its contact and its two tags) into tables with
	// the same columns and no index, in the same batches.
	kcols := store.ImportContactColumns()
	for _, q := range []string{
		"CREATE TABLE bench_bare AS SELECT " + strings.Join(cols, ", ") + " FROM customers WHERE 1 = 0",
		"CREATE TABLE bench_bare_contacts AS SELECT " + strings.Join(kcols, ", ") + " FROM contacts WHERE 1 = 0",
		"CREATE TABLE bench_bare_tags AS SELECT customer_id, tag FROM customer_tags WHERE 1 = 0",
	} {
		if _, err := db.Exec(ctx, q); err != nil {
			return err
		}
	}
	sealed := strings.Repeat("x", 55) // as long as a sealed mobile
	t3 := time.Now()
	err = db.BareInsertTables(ctx, []store.BareTable{
		{Name: "bench_bare", Cols: cols, PerItem: 1, Row: func(i, _ int, a []any) []any {
			c := impRow(i)
			return append(a, int64(i+1), fmt.Sprintf("KH%08d", i+1), "company", c[0], c[1], c[2], c[3], c[4], c[5], c[6], "referral", "general",
				x.CreatedBy, nil, "", 1, now, now, customer.NormalizeName(c[0]), "", "", "{}", x.ID, i+2, customer.NameSortKey(c[0]))
		}},
		{Name: "bench_bare_contacts", Cols: kcols, PerItem: 1, Row: func(i, _ int, a []any) []any {
			c := impRow(i)
			return append(a, int64(i+1), c[7], c[8], sealed, c[9], c[9][7:], "", c[10], "", "", "", false, false, true, "", 1, now, now)
		}},
		{Name: "bench_bare_tags", Cols: []string{"customer_id", "tag"}, PerItem: 2, Row: func(i, k int, a []any) []any {
			if k == 0 {
				return append(a, int64(i+1), "导入")
			}
			return append(a, int64(i+1), impRow(i)[12])
		}},
	}, rows, importer.ImportBatchSize)
	if err != nil {
		return err
	}
	bareAll := time.Since(t3)
	bareAllRate := float64(rows) / bareAll.Seconds()
	for _, t := range []string{"bench_bare", "bench_bare_contacts", "bench_bare_tags"} {
		_, _ = db.Exec(ctx, "DROP TABLE "+t)
	}

	hwm := peakRSS()
	fmt.Fprintf(stdout, "Engine:           %s\n", db.Engine)
	fmt.Fprintf(stdout, "Rows:             %d (batches of %d)\n", rows, importer.ImportBatchSize)
	fmt.Fprintf(stdout, "Import:           %s (dry run %s, commit %s)\n", total.Round(time.Millisecond), check.Round(time.Millisecond), commit.Round(time.Millisecond))
	fmt.Fprintf(stdout, "Import rate:      %.0f rows/s (commit phase alone %.0f rows/s)\n", rate, float64(rows)/commit.Seconds())
	fmt.Fprintf(stdout, "Bare insert:      %s, %.0f rows/s\n", bare.Round(time.Millisecond), bareRate)
	fmt.Fprintf(stdout, "Ratio:            %.2f of the bare rate (target ≥ 0.25)\n", rate/bareRate)
	fmt.Fprintf(stdout, "Bare, all rows:   %s, %.0f file rows/s (customer, contact, two tags each)\n", bareAll.Round(time.Millisecond), bareAllRate)
	fmt.Fprintf(stdout, "Ratio, all rows:  %.2f of that rate\n", rate/bareAllRate)
	fmt.Fprintf(stdout, "Peak RSS:         %.0f MiB (target ≤ 512)\n", float64(hwm)/(1<<20))
	fmt.Fprintf(stdout, "Search check:     %d found for %q\n", len(found), impName(rows-1))
	return nil
}

// runTimed is run that notes when the dry run ended.
func (r *importRun) runTimed(ctx context.Context, imp *importer.Service, as string, up importer.ImportUpload, checkDone *time.Time) (importer.Import, error) {
	imp.Progress = func(x importer.Import) {
		if (x.Status == importer.ImportChecked || x.Status == importer.ImportCommitting) && checkDone.IsZero() {
			*checkDone = time.Now()
		}
		r.progress(x)
	}
	defer func() { imp.Progress = nil }()
	r.quiet = false
	return r.runWith(ctx, imp, as, up)
}

// startCPUProfile writes a CPU profile to path until stop is called.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// peakRSS is the process's peak resident set (VmHWM), in bytes.
func peakRSS() int64 {
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
				kb, _ := strconv.ParseInt(f[1], 10, 64)
				return kb << 10
			}
		}
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		return ru.Maxrss << 10
	}
	return 0
}

// scratchSchema makes a new schema in the PostgreSQL database at dsn and
// returns a DSN that works in it, and how to drop it.
func scratchSchema(ctx context.Context, dsn string) (string, func(), error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", nil, usageError{"--db: " + err.Error()}
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "bench_import_" + hex.EncodeToString(b)
	admin, err := store.Open(ctx, dsn, store.Options{ReadOnly: true})
	if err != nil {
		return "", nil, err
	}
	if _, err := admin.W.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), func() {
		_, _ = admin.W.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	}, nil
}

// The generator's word lists.
var (
	impCities = []struct{ name, region string }{
		{"北京", "110105"}, {"海淀", "110108"}, {"上海", "310115"}, {"徐汇", "310104"}, {"深圳", "440305"}, {"罗湖", "440303"},
		{"广州", "440106"}, {"杭州", "330106"}, {"南京", "320106"}, {"成都", "510107"}, {"武汉", "420106"}, {"西安", "610113"},
		{"苏州", "320505"}, {"天津", "120116"}, {"重庆", "500112"}, {"长沙", "430104"}, {"青岛", "370212"}, {"宁波", "330212"},
		{"厦门", "350203"}, {"合肥", "340104"},
	}
	impTrades = []struct{ word, code string }{
		{"科技", "65"}, {"信息技术", "65"}, {"软件", "65"}, {"电子", "39"}, {"机械", "34"}, {"贸易", "51"}, {"商贸", "52"},
		{"物流", "54"}, {"建筑工程", "47"}, {"食品", "14"}, {"医疗器械", "35"}, {"新材料", "30"}, {"环保科技", "77"},
		{"文化传媒", "86"}, {"教育咨询", "72"}, {"餐饮管理", "62"}, {"汽车配件", "36"}, {"纺织", "17"}, {"化工", "26"}, {"农业发展", "01"},
	}
	impSyllables = []rune("华信达通恒泰盛鑫源隆兴宏瑞丰安康德润博远创新联合金银天海美佳嘉明诚顺祥和中正荣昌宇鼎智汇立鹏启峰云星辰光")
	impSurnames  = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈")
	impGiven     = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国志强文")
	impTitles    = []string{"总经理", "采购经理", "财务总监", "销售总监", "技术负责人", "行政主管", "董事长", "项目经理"}
	impStages    = []string{"潜在", "一般", "重要", "战略"}
	impSources   = []string{"线上", "线下", "转介绍", "展会", "广告"}
	impStreets   = []string{"人民路", "解放大道", "中山路", "建设路", "科技园路", "长江路", "和平街", "新华路"}
)

// impName is the name of customer i: unique for i below 20·20·49³.
func impName(i int) string {
	city, trade := impCities[i%len(impCities)], impTrades[(i/len(impCities))%len(impTrades)]
	n := i / (len(impCities) * len(impTrades))
	s := len(impSyllables)
	brand := string([]rune{impSyllables[n%s], impSyllables[(n/s)%s]})
	if n >= s*s {
		brand += string(impSyllables[(n/(s*s))%s])
	}
	return city.name + brand + trade.word + "有限公司"
}

// impRow is customer i as text: name, short name, USCC, legal
// representative, industry, region, address, then contact name, title,
// mobile, email, stage, source, tags.
func impRow(i int) [13]string {
	city, trade := impCities[i%len(impCities)], impTrades[(i/len(impCities))%len(impTrades)]
	name := impName(i)
	short := strings.TrimSuffix(strings.TrimPrefix(name, city.name), "有限公司")
	body := "91" + city.region + fmt.Sprintf("%09d", 100000000+i)[:9]
	check, _ := cn.USCCCheckCharacter(body)
	person := string([]rune{impSurnames[i%len(impSurnames)], impGiven[(i/7)%len(impGiven)]})
	if i%3 == 0 {
		person += string(impGiven[(i/13)%len(impGiven)])
	}
	contact := string([]rune{impSurnames[(i/3)%len(impSurnames)], impGiven[(i/5)%len(impGiven)], impGiven[(i/11)%len(impGiven)]})
	addr := fmt.Sprintf("%s市%s%d号%d室", city.name, impStreets[i%len(impStreets)], 1+i%999, 100+i%1200)
	mobile := fmt.Sprintf("13%d%08d", 5+i%5, i)
	return [13]string{name, short, body + check, person, trade.code, city.region, addr, contact, impTitles[i%len(impTitles)],
		mobile, fmt.Sprintf("c%d@example.cn", i), impStages[i%len(impStages)], impSources[i%len(impSources)]}
}

// writeImportCSV writes n customers with Chinese headers and returns the
// file's size.
func writeImportCSV(path string, n int) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	w := csv.NewWriter(bw)
	_ = w.Write([]string{"客户名称", "简称", "统一社会信用代码", "法定代表人", "行业", "地区代码", "地址", "联系人", "职务", "手机", "邮箱", "客户阶段", "客户来源", "标签"})
	rec := make([]string, 14)
	for i := range n {
		r := impRow(i)
		copy(rec, r[:])
		rec[13] = "导入;" + r[12]
		if err := w.Write(rec); err != nil {
			return 0, err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return 0, err
	}
	if err := bw.Flush(); err != nil {
		return 0, err
	}
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	return st.Size(), f.Close()
}
