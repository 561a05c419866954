package cn

import (
	"fmt"
	"testing"
)

func TestIndustryTables(t *testing.T) {
	t.Run("there are exactly 20 sections, A to T in order", func(t *testing.T) {
		s := Sections()
		if len(s) != 20 {
			t.Fatalf("%d sections", len(s))
		}
		for i, in := range s {
			if want := string(rune('A' + i)); in.Code != want || in.Section != want || in.Name == "" || in.NameEn == "" {
				t.Errorf("section %d = %+v", i, in)
			}
		}
	})
	t.Run("there are exactly 97 divisions, 01 to 97 in order", func(t *testing.T) {
		d := Divisions("")
		if len(d) != 97 {
			t.Fatalf("%d divisions", len(d))
		}
		for i, in := range d {
			if want := fmt.Sprintf("%02d", i+1); in.Code != want || in.Name == "" {
				t.Errorf("division %d = %+v", i, in)
			}
		}
	})
	t.Run("divisions run through the sections without going back", func(t *testing.T) {
		d := Divisions("")
		for i := 1; i < len(d); i++ {
			if d[i].Section < d[i-1].Section {
				t.Errorf("%s (%s) after %s (%s)", d[i].Code, d[i].Section, d[i-1].Code, d[i-1].Section)
			}
		}
	})
	counts := map[string]int{"A": 5, "B": 7, "C": 31, "D": 3, "E": 4, "F": 2, "G": 8, "H": 2, "I": 3, "J": 4,
		"K": 1, "L": 2, "M": 3, "N": 4, "O": 3, "P": 1, "Q": 2, "R": 5, "S": 6, "T": 1}
	for sec, n := range counts {
		t.Run(fmt.Sprintf("section %s has %d divisions", sec, n), func(t *testing.T) {
			if got := len(Divisions(sec)); got != n {
				t.Errorf("Divisions(%q) has %d", sec, got)
			}
		})
	}
}

func TestIndustryByCode(t *testing.T) {
	tests := []struct {
		name, code, wantName, wantSection string
		ok                                bool
	}{
		{"section I is information technology", "I", "信息传输、软件和信息技术服务业", "I", true},
		{"a lower-case section letter is accepted", "c", "制造业", "C", true},
		{"division 01 is agriculture", "01", "农业", "A", true},
		{"division 05 carries its 2017 name", "05", "农、林、牧、渔专业及辅助性活动", "A", true},
		{"division 39 is electronics manufacturing", "39", "计算机、通信和其他电子设备制造业", "C", true},
		{"division 65 is software", "65", "软件和信息技术服务业", "I", true},
		{"division 84 is health", "84", "卫生", "Q", true},
		{"division 97 is international organisations", "97", "国际组织", "T", true},
		{"spaces around the code are ignored", " 72 ", "商务服务业", "L", true},
		{"section U does not exist", "U", "", "", false},
		{"division 00 does not exist", "00", "", "", false},
		{"division 98 does not exist", "98", "", "", false},
		{"a class code is not looked up", "6513", "", "", false},
		{"a single digit is not a division code", "1", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := IndustryByCode(tt.code)
			if ok != tt.ok || got.Name != tt.wantName || got.Section != tt.wantSection {
				t.Errorf("IndustryByCode(%q) = %+v, %v", tt.code, got, ok)
			}
		})
	}
}

func TestIndustryHelpers(t *testing.T) {
	t.Run("a division's section is its parent", func(t *testing.T) {
		if s, ok := SectionOf("65"); !ok || s.Code != "I" || !s.IsSection() {
			t.Errorf("SectionOf(65) = %+v, %v", s, ok)
		}
	})
	t.Run("an unknown code has no section", func(t *testing.T) {
		if _, ok := SectionOf("99"); ok {
			t.Error("SectionOf(99) found a section")
		}
	})
	t.Run("a division is not a section", func(t *testing.T) {
		if d, _ := IndustryByCode("65"); d.IsSection() {
			t.Error("65 reported as a section")
		}
	})
	t.Run("divisions of an unknown section or of a division are nil", func(t *testing.T) {
		if Divisions("Z") != nil || Divisions("65") != nil {
			t.Error("expected nil")
		}
	})
	t.Run("the returned slices are the caller's to change", func(t *testing.T) {
		Sections()[0].Name = "changed"
		Divisions("")[0].Name = "changed"
		if Sections()[0].Name != "农、林、牧、渔业" || Divisions("")[0].Name != "农业" {
			t.Error("changing a result changed the table")
		}
	})
}

func TestValidIndustryCode(t *testing.T) {
	tests := []struct {
		name, code string
		want       *Problem
	}{
		{"a section letter is valid", "F", nil},
		{"a division code is valid", "51", nil},
		{"an empty code is reported as empty", " ", errorCode(CodeEmpty)},
		{"a letter beyond T is unknown", "Z", &Problem{Code: CodeUnknown, Severity: Error, Got: "Z"}},
		{"division 99 is unknown", "99", &Problem{Code: CodeUnknown, Severity: Error, Got: "99"}},
		{"a class code has the wrong form", "6513", &Problem{Code: CodeFormat, Severity: Error, Got: "6513"}},
		{"a Chinese name is not a code", "制造业", errorCode(CodeFormat)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkProblem(t, ValidIndustryCode(tt.code), tt.want)
		})
	}
}

func FuzzValidIndustryCode(f *testing.F) {
	for _, s := range []string{"A", "01", "97", "", "\xff", "Ａ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, code string) {
		in, ok := IndustryByCode(code)
		if ok != (ValidIndustryCode(code) == nil) {
			t.Fatalf("IndustryByCode and ValidIndustryCode disagree on %q", code)
		}
		if ok && (in.Name == "" || in.Section == "") {
			t.Fatalf("found empty entry for %q", code)
		}
		SectionOf(code)
		Divisions(code)
	})
}

func BenchmarkValidIndustryCode(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		ValidIndustryCode("65")
	}
}

func TestIndustriesAreReadByCodeOrName(t *testing.T) {
	for in, want := range map[string]string{
		"C": "C", "c": "C", "39": "39", "制造业": "C", "信息传输、软件和信息技术服务业": "I", "信息传输,软件和信息技术服务业": "I",
		"软件和信息技术服务业": "65", "C 制造业": "C", "C制造业": "C", "39 计算机、通信和其他电子设备制造业": "39",
		"Manufacturing": "C", "教育": "83", "  农业 ": "01",
	} {
		got, ok := LookupIndustry(in)
		if !ok || got.Code != want {
			t.Errorf("LookupIndustry(%q) = %q %v, want %q", in, got.Code, ok, want)
		}
	}
	for _, in := range []string{"", "不存在的行业", "C 农业", "6513", "Z"} {
		if got, ok := LookupIndustry(in); ok {
			t.Errorf("LookupIndustry(%q) = %q, want none", in, got.Code)
		}
	}
}
