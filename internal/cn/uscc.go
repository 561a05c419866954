package cn

import (
	"strconv"
	"unicode/utf8"
)

// usccAlphabet is the GB 32100-2015 character set in value order. I, O, S,
// V and Z are left out because they are easily mistaken for 1, 0, 5, U and 2.
const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// usccValue maps a byte to its value in usccAlphabet, or -1; a table keeps
// the checksum loop free of searches.
var usccValue = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(usccAlphabet); i++ {
		t[usccAlphabet[i]] = int8(i)
	}
	return t
}()

// usccWeights are 3^i mod 31 for i = 0…16, the weights of GB 32100-2015.
var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// usccLookalikes names the digit or letter that a left-out letter was most
// likely meant to be.
var usccLookalikes = map[rune]string{'I': "1", 'O': "0", 'S': "5", 'V': "U", 'Z': "2"}

// Message keys of the problems below; the texts are in the message
// catalogue (internal/msg, part cn).
const (
	textUSCCEmpty     text = "cn.uscc.empty"
	textUSCCLength    text = "cn.uscc.length"
	textUSCCCharset   text = "cn.uscc.charset"
	textUSCCLookalike text = "cn.uscc.lookalike"
	textUSCCRegion    text = "cn.uscc.region"
	textUSCCChecksum  text = "cn.uscc.checksum"
	textUSCCAuthority text = "cn.uscc.authority"
)

// ValidateUSCC checks a Unified Social Credit Code (统一社会信用代码, GB
// 32100-2015) and returns it upper-cased without spaces. A wrong check
// character or an unknown authority is only a Warning, because some codes
// issued early fail the checksum yet are genuine; format failures are Errors.
func ValidateUSCC(s string) (string, *Problem) {
	v := compact(s, "", true)
	if v == "" {
		return v, emptyProblem(textUSCCEmpty)
	}
	if n := utf8.RuneCountInString(v); n != 18 {
		return v, problem(CodeLength, Error, textUSCCLength, 0, "18", strconv.Itoa(n))
	}
	if pos, r := firstBad(v, func(r rune, _ int) bool { return r < utf8.RuneSelf && usccValue[r] >= 0 }); pos > 0 {
		if want, ok := usccLookalikes[r]; ok {
			return v, problem(CodeCharset, Error, textUSCCLookalike, pos, want, string(r))
		}
		return v, problem(CodeCharset, Error, textUSCCCharset, pos, "", showRune(r))
	}
	for i := 2; i < 8; i++ {
		if v[i] < '0' || v[i] > '9' {
			return v, problem(CodeFormat, Error, textUSCCRegion, i+1, "", v[i:i+1])
		}
	}
	if want, _ := USCCCheckCharacter(v); want != v[17:] {
		return v, problem(CodeChecksum, Warning, textUSCCChecksum, 18, want, v[17:])
	}
	if !knownUSCCAuthority(v[:2]) {
		return v, problem(CodeAuthority, Warning, textUSCCAuthority, 1, "", v[:2])
	}
	return v, nil
}

// USCCCheckCharacter computes the check character for the first 17
// characters of s, which must already be upper-case; ok is false when s is
// shorter or holds a character outside the code's alphabet.
func USCCCheckCharacter(s string) (check string, ok bool) {
	if len(s) < 17 {
		return "", false
	}
	sum := 0
	for i, w := range usccWeights {
		v := usccValue[s[i]]
		if v < 0 {
			return "", false
		}
		sum += int(v) * w
	}
	c := (31 - sum%31) % 31
	return usccAlphabet[c : c+1], true
}

// knownUSCCAuthority reports whether the first two characters name a
// registration authority and organisation category listed in GB 32100-2015
// or added since (A for military units, N for rural collectives).
func knownUSCCAuthority(s string) bool {
	switch s {
	case "11", "12", "13", "19", // 机构编制: 机关, 事业单位, 群众团体, 其他
		"21", "29", // 外交
		"31", "32", "33", "34", "35", "39", // 司法行政
		"41", "49", // 文化
		"51", "52", "53", "59", // 民政: 社会团体, 民办非企业单位, 基金会, 其他
		"61", "62", "69", // 旅游
		"71", "72", "79", // 宗教
		"81", "89", // 工会
		"91", "92", "93", // 工商: 企业, 个体工商户, 农民专业合作社
		"A1", "A9", // 中央军委改革和编制办公室
		"N1", "N2", "N3", "N9", // 农业农村: 农村集体经济组织
		"Y1": // 其他
		return true
	}
	return false
}
