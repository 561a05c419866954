package main

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"os"
	"strings"

	"github.com/kehucrm/kehu/internal/cn"
)

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
