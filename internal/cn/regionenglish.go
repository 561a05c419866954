package cn

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/mozillazg/go-pinyin"
)

// Region names stay Chinese, as the records and the official table have
// them; English readers get their romanisation beside them (苏州市 Suzhou,
// 江苏省苏州市 Suzhou, Jiangsu) so that a reader who does not read 汉字
// can tell one from another. The pages and the API's name_en use it.

// RegionEnglish romanises a region: each level of its chain from the
// deepest up, joined by commas ("Nanshan, Shenzhen, Guangdong"), without
// the levels that only group others (市辖区). Without a known code, the
// name itself.
func RegionEnglish(code, name string) string {
	var parts []string
	for _, r := range RegionChain(code) {
		if !r.Statistical {
			parts = append(parts, PlacePinyin(r.Name))
		}
	}
	if len(parts) == 0 {
		return PlacePinyin(name)
	}
	slices.Reverse(parts)
	// A municipality's city level repeats its province (北京市 北京市).
	return strings.Join(slices.Compact(parts), ", ")
}

// placeNames are the places whose English name is not their characters'
// most common readings: polyphonic characters read the place's way, and
// the names in customary use.
var placeNames = map[string]string{
	"重庆": "Chongqing", "厦门": "Xiamen", "六安": "Lu'an", "六合": "Luhe", "蚌埠": "Bengbu", "番禺": "Panyu",
	"铅山": "Yanshan", "单县": "Shanxian", "蔚县": "Yuxian", "莘县": "Shenxian", "洪洞": "Hongtong", "涡阳": "Guoyang",
	"枞阳": "Zongyang", "歙县": "Shexian", "会理": "Huili", "乐清": "Yueqing", "东阿": "Dong'e", "大埔": "Dabu",
	"陕西": "Shaanxi", "内蒙古": "Inner Mongolia", "香港": "Hong Kong", "澳门": "Macao", "西藏": "Tibet",
}

// placeReadings are the readings place names give polyphonic characters
// whose most common reading is another (长沙, 成都, 喀什).
var placeReadings = map[rune]string{'长': "chang", '都': "du", '什': "shi", '重': "chong", '厦': "xia", '蚌': "beng", '行': "xing"}

// kindSuffixes are the words for a region's kind, left out of its
// English name; the longest first.
var kindSuffixes = []string{"特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "新区", "省", "市", "区", "县", "旗", "盟"}

// ethnicGroups name the peoples in autonomous regions' names
// (延边朝鲜族自治州), left out with the suffix.
var ethnicGroups = []string{"蒙古", "维吾尔", "哈萨克", "柯尔克孜", "塔吉克", "乌孜别克", "俄罗斯", "鄂温克", "鄂伦春", "达斡尔", "土家", "布依",
	"朝鲜", "哈尼", "傈僳", "拉祜", "纳西", "景颇", "仫佬", "毛南", "仡佬", "布朗", "撒拉", "锡伯", "阿昌", "普米", "德昂", "保安", "裕固",
	"塔塔尔", "独龙", "赫哲", "门巴", "珞巴", "基诺", "东乡", "回", "藏", "苗", "彝", "壮", "满", "侗", "瑶", "白", "傣", "黎", "佤",
	"畲", "水", "土", "羌", "怒", "京"}

var pinyinArgs = pinyin.NewArgs()

// PlacePinyin is one place name in pinyin, capitalised, without the word
// for its kind: 苏州市 Suzhou, 广西壮族自治区 Guangxi, 西安市 Xi'an.
func PlacePinyin(name string) string {
	base := name
	for _, s := range kindSuffixes {
		if b, ok := strings.CutSuffix(base, s); ok && utf8.RuneCountInString(b) >= 2 {
			base = b
			break
		}
	}
	cut := len(base)
	for _, g := range ethnicGroups {
		if i := strings.Index(base, g); i > 0 && i < cut && strings.Contains(base[i:], "族") {
			cut = i
		}
	}
	if utf8.RuneCountInString(base[:cut]) >= 2 {
		base = base[:cut]
	}
	if en, ok := placeNames[base]; ok {
		return en
	}
	if en, ok := placeNames[name]; ok {
		return en
	}
	var b strings.Builder
	for _, r := range base {
		syl, ok := placeReadings[r]
		if !ok {
			if got := pinyin.LazyPinyin(string(r), pinyinArgs); len(got) > 0 {
				syl = got[0]
			}
		}
		if syl == "" {
			continue
		}
		if b.Len() > 0 && strings.ContainsRune("aeo", rune(syl[0])) {
			b.WriteByte('\'') // 西安 Xi'an, not Xian
		}
		b.WriteString(syl)
	}
	s := b.String()
	if s == "" {
		return ""
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
