package bench

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/kehucrm/kehu/internal/cn"
)

// GenCustomer is one customer of the benchmark data set, as plain values.
type GenCustomer struct {
	N                                 int64 // 1-based position in the set; also its ID
	Name, ShortName, USCC             string
	IndustryCode, RegionCode, Address string
	Source, Stage                     string
	Owner                             int // index into the caller's owners
	CreatedAt                         time.Time
	ContactName, ContactTitle, Mobile string
	// UpdatedAt is the last change, from CreatedAt to the end of the
	// data set's span; Tags are up to two of genTags. Both come from a
	// second generator, so the other columns are those of earlier sets.
	UpdatedAt time.Time
	Tags      []string
}

// The vocabulary of generated names: cities with their GB/T 2260 codes,
// brand characters drawn two at a time, trades with their GB/T 4754
// sections. About 40 × 3,600 × 20 × 3 names, so a million customers have
// few repeats while one- and two-character queries still match thousands.
var (
	genCities = []struct{ name, code string }{
		{"北京", "110100"}, {"天津", "120100"}, {"石家庄", "130100"}, {"太原", "140100"}, {"沈阳", "210100"},
		{"大连", "210200"}, {"长春", "220100"}, {"哈尔滨", "230100"}, {"上海", "310100"}, {"南京", "320100"},
		{"无锡", "320200"}, {"常州", "320400"}, {"苏州", "320500"}, {"南通", "320600"}, {"杭州", "330100"},
		{"宁波", "330200"}, {"温州", "330300"}, {"嘉兴", "330400"}, {"合肥", "340100"}, {"福州", "350100"},
		{"厦门", "350200"}, {"南昌", "360100"}, {"济南", "370100"}, {"青岛", "370200"}, {"郑州", "410100"},
		{"武汉", "420100"}, {"长沙", "430100"}, {"广州", "440100"}, {"深圳", "440300"}, {"珠海", "440400"},
		{"佛山", "440600"}, {"东莞", "441900"}, {"南宁", "450100"}, {"海口", "460100"}, {"重庆", "500100"},
		{"成都", "510100"}, {"贵阳", "520100"}, {"昆明", "530100"}, {"西安", "610100"}, {"兰州", "620100"},
	}
	genBrandChars = []rune("华达恒通远航精工东海瑞丰金鼎云杉长安前海宏图新泰天元盛世鸿运佳信德利永安汇丰广源正大中兴光明")
	genTrades     = []struct{ word, industry string }{
		{"机械", "C34"}, {"电子", "C39"}, {"纺织", "C17"}, {"电器", "C38"}, {"物流", "G54"}, {"贸易", "F51"},
		{"科技", "I65"}, {"五金", "F51"}, {"化工", "C26"}, {"建材", "C30"}, {"食品", "C14"}, {"医药", "C27"},
		{"塑胶", "C29"}, {"汽配", "C36"}, {"包装", "C22"}, {"印刷", "C23"}, {"家具", "C21"}, {"服饰", "C18"},
		{"环保", "N77"}, {"能源", "D44"},
	}
	genSuffixes  = []string{"有限公司", "股份有限公司", "实业有限公司"}
	genSurnames  = []rune("张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘")
	genGiven     = []string{"伟", "芳", "娜", "敏", "静", "磊", "强", "洋", "勇", "军", "杰", "丽", "涛", "明", "超", "秀英", "建华", "志强", "海燕", "晓东"}
	genTitles    = []string{"采购经理", "总经理", "财务主管", "技术总监", "采购专员", "厂长", "董事长", "销售总监"}
	genStages    = []string{"potential", "general", "general", "general", "important", "important", "strategic", "churned"}
	genSources   = []string{"online", "offline", "social_media", "referral", "trade_fair", "advertising", "other"}
	genUSCCChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	// genTags: the first is on about one customer in three, the last on
	// about one in a thousand, so a tag filter spans dense to rare.
	genTags      = []string{"老客户", "华东", "展会", "重点跟进", "VIP", "招投标", "出口", "黑名单"}
	genTagWeight = []int{330, 200, 120, 60, 25, 10, 4, 1} // per thousand
	genEpoch     = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
)

// Customers generates the customers of a data set deterministically:
// the same seed and n always give the same rows. Every USCC is distinct
// (its serial part encodes n) and carries a correct check character.
func Customers(seed uint64, n int64, owners int, yield func(GenCustomer) bool) {
	rng := rand.New(rand.NewPCG(seed, 2026))
	more := rand.New(rand.NewPCG(seed, 2027))
	span := int64(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC).Sub(genEpoch) / time.Second)
	for i := int64(1); i <= n; i++ {
		city := genCities[rng.IntN(len(genCities))]
		trade := genTrades[rng.IntN(len(genTrades))]
		brand := string([]rune{genBrandChars[rng.IntN(len(genBrandChars))], genBrandChars[rng.IntN(len(genBrandChars))]})
		g := GenCustomer{
			N:            i,
			Name:         city.name + brand + trade.word + genSuffixes[rng.IntN(len(genSuffixes))],
			ShortName:    brand + trade.word,
			USCC:         genUSCC(city.code, i),
			IndustryCode: trade.industry[1:], // the division (two digits), as the product stores it; its section is the letter
			RegionCode:   city.code,
			Address:      fmt.Sprintf("%s市经济开发区%d路%d号", city.name, 1+rng.IntN(60), 1+rng.IntN(999)),
			Source:       genSources[rng.IntN(len(genSources))],
			Stage:        genStages[rng.IntN(len(genStages))],
			Owner:        rng.IntN(owners),
			CreatedAt:    genEpoch.Add(time.Duration(rng.Int64N(span)) * time.Second),
			ContactName:  string(genSurnames[rng.IntN(len(genSurnames))]) + genGiven[rng.IntN(len(genGiven))],
			ContactTitle: genTitles[rng.IntN(len(genTitles))],
			Mobile:       fmt.Sprintf("1%d%d%08d", 3+rng.IntN(7), rng.IntN(10), rng.IntN(100000000)),
		}
		created := int64(g.CreatedAt.Sub(genEpoch) / time.Second)
		g.UpdatedAt = g.CreatedAt
		if more.IntN(3) > 0 { // two in three changed since
			g.UpdatedAt = g.CreatedAt.Add(time.Duration(more.Int64N(span-created+1)) * time.Second)
		}
		for t, w := range genTagWeight {
			if len(g.Tags) < 2 && more.IntN(1000) < w {
				g.Tags = append(g.Tags, genTags[t])
			}
		}
		if !yield(g) {
			return
		}
	}
}

// GenTags are the tags generated customers carry, from the most common
// (about one customer in three) to the rarest (one in a thousand).
func GenTags() []string { return genTags }

// genUSCC builds "91" + region + a 9-character serial that encodes n in
// base 31 + the check character.
func genUSCC(region string, n int64) string {
	b := []byte("91" + region)
	serial := make([]byte, 9)
	for k := 8; k >= 0; k-- {
		serial[k] = genUSCCChars[n%31]
		n /= 31
	}
	b = append(b, serial...)
	check, _ := cn.USCCCheckCharacter(string(b))
	return string(b) + check
}
