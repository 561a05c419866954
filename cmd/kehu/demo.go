package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/kehucrm/kehu/internal/cn"
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

// demoCities pair a city with its GB/T 2260 code.
var demoCities = []struct{ name, code string }{
	{"苏州", "320500"}, {"无锡", "320200"}, {"常州", "320400"}, {"南通", "320600"}, {"杭州", "330100"},
	{"宁波", "330200"}, {"温州", "330300"}, {"广州", "440100"}, {"深圳", "440300"}, {"佛山", "440600"},
}

var (
	demoBrands     = []string{"华达", "恒通", "远航", "精工", "东海", "瑞丰", "金鼎", "云杉", "长安", "前海", "宏图", "新泰"}
	demoTrades     = []struct{ word, industry string }{{"机械", "C"}, {"电子", "C"}, {"纺织", "C"}, {"电器", "C"}, {"物流", "G"}, {"贸易", "F"}, {"科技", "I"}, {"五金", "F"}}
	demoSurnames   = []rune("张王李赵刘陈杨黄周吴徐孙马朱胡郭")
	demoGiven      = []string{"伟", "芳", "娜", "敏", "静", "磊", "强", "洋", "勇", "军", "杰", "丽", "涛", "明"}
	demoTitles     = []string{"采购经理", "总经理", "财务主管", "技术总监", "采购专员", "厂长"}
	demoStages     = []string{"potential", "general", "general", "important", "important", "strategic", "churned"}
	demoSources    = []string{"online", "offline", "social_media", "referral", "trade_fair", "advertising", "other"}
	demoChannels   = []string{"visit", "phone", "wechat", "email", "meeting"}
	demoTalks      = []string{"介绍新产品系列，客户对节能型号感兴趣", "确认第四季度订货计划", "回访上月交货情况，客户反馈包装破损两件", "商谈年度框架协议价格", "邀请参加年度客户座谈会"}
	demoFeedback   = []string{"满意", "需要报价", "考虑中", "希望缩短交期", "要求更换包装"}
	demoSuffixes   = []string{"有限公司", "股份有限公司", "集团有限公司"}
	demoTags       = []string{"重点客户", "老客户", "新客户", "展会客户", "年度框架", "待回访"}
	demoUSCCChars  = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	demoStartOfDay = time.Date(2026, 1, 5, 9, 30, 0, 0, crm.ChinaTime())
)

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
	sys := cliContext(ctx)
	as := map[string]context.Context{}
	for _, u := range demoUsers {
		user, err := id.AddUser(sys, identity.NewUser{Username: u.name, DisplayName: u.display, Role: u.role, Team: u.team, Manager: u.manager, Password: password}, "zh-CN")
		if err != nil {
			return fmt.Errorf("demo user %s: %w", u.name, err)
		}
		as[u.name] = crm.WithPrincipal(ctx, crm.Principal{UserID: user.ID, Username: user.Username, Role: user.Role, TeamID: user.TeamID})
	}
	owners := []string{"zhang.wei", "chen.jing", "liu.yang", "huang.min", "zhou.mkt"}
	rng := rand.New(rand.NewPCG(2026, 11))
	// Every company name once, in a shuffled but fixed order: n names
	// give n customers.
	names := rng.Perm(demoNames())
	created := 0
	for i := 0; created < n && i < len(names); i++ {
		owner := owners[i%len(owners)]
		k := names[i]
		city := demoCities[k%len(demoCities)]
		k /= len(demoCities)
		trade := demoTrades[k%len(demoTrades)]
		k /= len(demoTrades)
		suffix := demoSuffixes[k%len(demoSuffixes)]
		k /= len(demoSuffixes)
		brand := demoBrands[k%len(demoBrands)]
		if k /= len(demoBrands); k > 0 { // a second brand word: 华达恒通
			brand += demoBrands[(k-1)%len(demoBrands)]
		}
		c := customer.Customer{Kind: "company",
			Name: city.name + brand + trade.word + suffix, ShortName: brand + trade.word,
			USCC: demoUSCC(rng, city.code), RegionCode: city.code, IndustryCode: trade.industry,
			Stage: demoStages[rng.IntN(len(demoStages))], Source: demoSources[rng.IntN(len(demoSources))],
			Address: fmt.Sprintf("%s市工业园区%d号", city.name, 1+rng.IntN(300)),
		}
		if i%10 == 9 { // now and then a person: a sole trader, no USCC
			person := string(demoSurnames[rng.IntN(len(demoSurnames))]) + demoGiven[rng.IntN(len(demoGiven))] + demoGiven[rng.IntN(len(demoGiven))]
			c.Kind, c.Name, c.ShortName, c.USCC, c.IndustryCode = "individual", person+"（"+city.name+"个体）", person, "", ""
		}
		for _, t := range rng.Perm(len(demoTags))[:rng.IntN(3)] {
			c.Tags = append(c.Tags, demoTags[t])
		}
		c, err := customers.Create(as[owner], c, "zh-CN")
		if crm.ErrorCode(err) == crm.EConflict {
			continue // a person's name drawn twice, or a USCC: the next one will do
		}
		if err != nil {
			return fmt.Errorf("demo customer %d: %w", created+1, err)
		}
		created++
		for k := range 1 + rng.IntN(3) {
			name := string(demoSurnames[rng.IntN(len(demoSurnames))]) + demoGiven[rng.IntN(len(demoGiven))]
			mobile := fmt.Sprintf("13%d%08d", 5+rng.IntN(5), rng.IntN(100000000))
			_, err := customers.AddContact(as[owner], customer.Contact{CustomerID: c.ID, Name: name, Title: demoTitles[rng.IntN(len(demoTitles))], IsPrimary: k == 0}, mobile, true, "zh-CN")
			if err != nil {
				return fmt.Errorf("demo contact: %w", err)
			}
		}
		for k := range rng.IntN(4) {
			at := demoStartOfDay.AddDate(0, 0, rng.IntN(300)).Add(time.Duration(k) * time.Hour)
			_, err := customers.AddInteraction(as[owner], customer.Interaction{CustomerID: c.ID, At: at, Channel: demoChannels[rng.IntN(len(demoChannels))],
				Content: demoTalks[rng.IntN(len(demoTalks))], Feedback: demoFeedback[rng.IntN(len(demoFeedback))]})
			if err != nil {
				return fmt.Errorf("demo interaction: %w", err)
			}
		}
	}
	fmt.Fprintf(stdout, "loaded %d users and %d customers with contacts and interactions\n", len(demoUsers), created)
	fmt.Fprintf(stdout, "every demo account has the password %s (shown only now); sign in as e.g. zhang.wei (account manager), li.east (sales manager), wang.gm (general manager), admin, shen.audit (auditor)\n", password)
	return nil
}

// demoNames is how many distinct company names the sample can make: each
// city, one or two brand words, trade and suffix.
func demoNames() int {
	return len(demoCities) * len(demoTrades) * len(demoSuffixes) * len(demoBrands) * (1 + len(demoBrands))
}

// demoUSCC makes a well-formed unified social credit code for a region,
// with a correct check character.
func demoUSCC(rng *rand.Rand, region string) string {
	b := []byte("91" + region)
	for range 9 {
		b = append(b, demoUSCCChars[rng.IntN(len(demoUSCCChars))])
	}
	check, _ := cn.USCCCheckCharacter(string(b))
	return string(b) + check
}
