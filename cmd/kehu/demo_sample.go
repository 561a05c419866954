package main

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/kehucrm/kehu/internal/cn"
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
)

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

// demoCustomer is the sample customer made from company name number k
// (see demoNames), the i-th drawn: every tenth is a person, a sole trader.
// It draws from rng in a fixed order, which keeps the sample the same
// from run to run.
func demoCustomer(rng *rand.Rand, i, k int) customer.Customer {
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
	return c
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
