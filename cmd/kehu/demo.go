package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/crm/identity"
)

// demoUsers are the sample staff: every role, two sales teams.
var demoUsers = []struct {
	name, display string
	role          crm.Role
	team, manager string
}{
	{"admin", "系统管理员", crm.RoleAdmin, "", ""},
	{"shen.audit", "沈审计", crm.RoleAuditor, "", ""},
	{"wang.gm", "王总", crm.RoleGM, "", ""},
	{"ma.office", "马秘书", crm.RoleGMOffice, "", "wang.gm"},
	{"xu.office", "许文员", crm.RoleGMOffice, "", "wang.gm"},
	{"li.east", "李经理", crm.RoleSalesManager, "华东销售部", "wang.gm"},
	{"zhao.south", "赵经理", crm.RoleSalesManager, "华南销售部", "wang.gm"},
	{"zhang.wei", "张伟", crm.RoleAccountManager, "华东销售部", "li.east"},
	{"chen.jing", "陈静", crm.RoleAccountManager, "华东销售部", "li.east"},
	{"liu.yang", "刘洋", crm.RoleAccountManager, "华南销售部", "zhao.south"},
	{"huang.min", "黄敏", crm.RoleAccountManager, "华南销售部", "zhao.south"},
	{"zhou.mkt", "周市场", crm.RoleMarketing, "", "wang.gm"},
	{"wu.service", "吴客服", crm.RoleService, "", "wang.gm"},
	{"zheng.tech", "郑师傅", crm.RoleTechnician, "", "wu.service"},
	{"sun.qa", "孙质检", crm.RoleQA, "", "wang.gm"},
	{"qian.prod", "钱生产", crm.RoleProduction, "", "wang.gm"},
	{"feng.fin", "冯财务", crm.RoleFinance, "", "wang.gm"},
	{"he.wh", "何仓管", crm.RoleWarehouse, "", "wang.gm"},
}

// demo loads a deterministic sample company: users of every role, two
// sales teams, customers with contacts and interactions. The accounts
// share one password, generated now and printed once: Kehu has no default
// password anywhere.
func demo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	var n int
	fs := flag.NewFlagSet("kehu demo", flag.ContinueOnError)
	dbFlags(fs, &cfg)
	fs.IntVar(&n, "customers", 120, "how many sample customers")
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	if n < 1 || n > demoNames() {
		return usageError{fmt.Sprintf("--customers must be from 1 to %d (the sample's distinct company names)", demoNames())}
	}
	db, err := openShared(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if users, err := db.CountUsers(ctx); err != nil {
		return err
	} else if users > 0 {
		return fmt.Errorf("the database already has %d users; kehu demo loads only into an empty database", users)
	}
	keys, err := cfg.keyring()
	if err != nil {
		return err
	}
	id := identity.New(db, identity.DefaultAuthConfig(), keys, nil)
	customers := customer.New(db, keys, nil)
	password := generatePassword()
	as, err := addDemoUsers(ctx, id, password)
	if err != nil {
		return err
	}
	created, err := addDemoCustomers(customers, as, n)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "loaded %d users and %d customers with contacts and interactions\n", len(demoUsers), created)
	fmt.Fprintf(stdout, "every demo account has the password %s (shown only now); sign in as e.g. zhang.wei (account manager), li.east (sales manager), wang.gm (general manager), ma.office (general manager's office), admin, shen.audit (auditor)\n", password)
	return nil
}

// addDemoUsers adds demoUsers with one password and returns, by username,
// a context acting as each.
func addDemoUsers(ctx context.Context, id *identity.Service, password string) (map[string]context.Context, error) {
	sys := cliContext(ctx)
	as := map[string]context.Context{}
	for _, u := range demoUsers {
		user, err := id.AddUser(sys, identity.NewUser{Username: u.name, DisplayName: u.display, Role: u.role, Team: u.team, Manager: u.manager, Password: password}, "zh-CN")
		if err != nil {
			return nil, fmt.Errorf("demo user %s: %w", u.name, err)
		}
		as[u.name] = crm.WithPrincipal(ctx, crm.Principal{UserID: user.ID, Username: user.Username, Role: user.Role, TeamID: user.TeamID})
	}
	return as, nil
}

// addDemoCustomers creates n customers, each with contacts and
// interactions, owned in turn by the account managers and marketing, and
// returns how many it created. One seeded generator draws everything, so
// every run loads the same sample.
func addDemoCustomers(customers *customer.Service, as map[string]context.Context, n int) (int, error) {
	owners := []string{"zhang.wei", "chen.jing", "liu.yang", "huang.min", "zhou.mkt"}
	rng := rand.New(rand.NewPCG(2026, 11))
	// Every company name once, in a shuffled but fixed order: n names
	// give n customers.
	names := rng.Perm(demoNames())
	created := 0
	for i := 0; created < n && i < len(names); i++ {
		owner := owners[i%len(owners)]
		c, err := customers.Create(as[owner], demoCustomer(rng, i, names[i]), "zh-CN")
		if crm.ErrorCode(err) == crm.EConflict {
			continue // a person's name drawn twice, or a USCC: the next one will do
		}
		if err != nil {
			return created, fmt.Errorf("demo customer %d: %w", created+1, err)
		}
		created++
		if err := addDemoContacts(as[owner], customers, rng, c.ID); err != nil {
			return created, err
		}
		if err := addDemoInteractions(as[owner], customers, rng, c.ID); err != nil {
			return created, err
		}
	}
	return created, nil
}

// addDemoContacts gives a customer one to three contacts, the first of
// them primary.
func addDemoContacts(as context.Context, customers *customer.Service, rng *rand.Rand, customerID int64) error {
	for k := range 1 + rng.IntN(3) {
		name := string(demoSurnames[rng.IntN(len(demoSurnames))]) + demoGiven[rng.IntN(len(demoGiven))]
		mobile := fmt.Sprintf("13%d%08d", 5+rng.IntN(5), rng.IntN(100000000))
		_, err := customers.AddContact(as, customer.Contact{CustomerID: customerID, Name: name, Title: demoTitles[rng.IntN(len(demoTitles))], IsPrimary: k == 0}, mobile, true, "zh-CN")
		if err != nil {
			return fmt.Errorf("demo contact: %w", err)
		}
	}
	return nil
}

// addDemoInteractions gives a customer up to three interactions in 2026.
func addDemoInteractions(as context.Context, customers *customer.Service, rng *rand.Rand, customerID int64) error {
	for k := range rng.IntN(4) {
		at := demoStartOfDay.AddDate(0, 0, rng.IntN(300)).Add(time.Duration(k) * time.Hour)
		_, err := customers.AddInteraction(as, customer.Interaction{CustomerID: customerID, At: at, Channel: demoChannels[rng.IntN(len(demoChannels))],
			Content: demoTalks[rng.IntN(len(demoTalks))], Feedback: demoFeedback[rng.IntN(len(demoFeedback))]})
		if err != nil {
			return fmt.Errorf("demo interaction: %w", err)
		}
	}
	return nil
}
