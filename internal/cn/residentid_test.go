package cn

import (
	"testing"
	"time"
)

func TestParseResidentID(t *testing.T) {
	tests := []struct {
		name, in string
		want     ResidentID
		problem  *Problem
	}{
		{"the example from GB 11643 with check character X passes", "11010519491231002X",
			ResidentID{"11010519491231002X", "110105", date(1949, 12, 31), true}, nil},
		{"a lower-case x is upper-cased", "11010519491231002x",
			ResidentID{"11010519491231002X", "110105", date(1949, 12, 31), true}, nil},
		{"spaces between the groups are removed", "110101 19900307 0038",
			ResidentID{"110101199003070038", "110101", date(1990, 3, 7), false}, nil},
		{"29 February of a leap year is a valid birth date", "110101200002290018",
			ResidentID{"110101200002290018", "110101", date(2000, 2, 29), false}, nil},
		{"a Hong Kong residence permit number (81…) passes", "810000199001011230",
			ResidentID{"810000199001011230", "810000", date(1990, 1, 1), false}, nil},
		{"a Taiwan residence permit number (83…) passes", "830000199001011234",
			ResidentID{"830000199001011234", "830000", date(1990, 1, 1), false}, nil},
		{"an empty value is reported as empty", "", ResidentID{}, errorCode(CodeEmpty)},
		{"a 17-digit number has the wrong length", "11010519491231002", ResidentID{}, &Problem{Code: CodeLength, Severity: Error, Got: "17"}},
		{"a 15-digit number is a legacy number with its 18-digit form", "110105491231002", ResidentID{},
			&Problem{Code: CodeLegacy15Digit, Severity: Error, Want: "11010519491231002X"}},
		{"a 15-digit number with an impossible date is still called legacy", "110105491331002", ResidentID{}, errorCode(CodeLegacy15Digit)},
		{"a letter inside the number is an invalid character", "1101051949123100AX", ResidentID{}, &Problem{Code: CodeCharset, Severity: Error, Pos: 17, Got: "A"}},
		{"a check character other than a digit or X is invalid", "11010519491231002Y", ResidentID{}, &Problem{Code: CodeCharset, Severity: Error, Pos: 18, Got: "Y"}},
		{"an unknown province prefix is rejected", "99010519491231002X", ResidentID{}, &Problem{Code: CodeProvince, Severity: Error, Got: "99"}},
		{"Taiwan's GB/T 2260 code 71 never starts an ID number", "710000199001011237", ResidentID{}, &Problem{Code: CodeProvince, Severity: Error, Got: "71"}},
		{"31 February is not a date", "11010519490231002X", ResidentID{}, &Problem{Code: CodeBirthDate, Severity: Error, Pos: 7, Got: "19490231"}},
		{"29 February 1900 is not a date, 1900 being no leap year", "110101190002290011", ResidentID{}, &Problem{Code: CodeBirthDate, Severity: Error, Got: "19000229"}},
		{"month 13 is not a date", "110105194913310028", ResidentID{}, errorCode(CodeBirthDate)},
		{"a birth date in the future is rejected", "110105299912310021", ResidentID{}, &Problem{Code: CodeBirthDate, Severity: Error, Got: "29991231"}},
		{"the standard's 1880 example is too old for a living person", "440524188001010014", ResidentID{}, &Problem{Code: CodeBirthDate, Severity: Error, Got: "18800101"}},
		{"a wrong check character is an error naming the right one", "110105194912310021", ResidentID{}, &Problem{Code: CodeChecksum, Severity: Error, Pos: 18, Want: "X", Got: "1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, p := ParseResidentID(tt.in)
			checkProblem(t, p, tt.problem)
			if p == nil && got != tt.want {
				t.Errorf("ParseResidentID(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
			if v, p2 := ValidateResidentID(tt.in); v != got.Number || (p == nil) != (p2 == nil) {
				t.Errorf("ValidateResidentID disagrees: %q %v", v, p2)
			}
		})
	}
}

func TestResidentIDChecksumMessage(t *testing.T) {
	_, p := ValidateResidentID("110105194912310021")
	for lang, want := range map[string]string{"zh-CN": "第18位校验码应为 X", "en": "check character (position 18) should be X"} {
		t.Run("the "+lang+" message names the expected check character", func(t *testing.T) {
			if !containsStr(p.Message(lang), want) {
				t.Errorf("message %q lacks %q", p.Message(lang), want)
			}
		})
	}
}

func TestUpgradeResidentID15(t *testing.T) {
	tests := []struct {
		name, in, want string
		problem        *Problem
	}{
		{"a valid 15-digit number gains 19 and a check character", "110105491231002", "11010519491231002X", nil},
		{"spaces are ignored", "110105 491231 002", "11010519491231002X", nil},
		{"an 18-digit number is not a 15-digit number", "11010519491231002X", "", errorCode(CodeFormat)},
		{"an unknown province is rejected", "990105491231002", "", errorCode(CodeProvince)},
		{"an impossible date is rejected", "110105490231002", "", errorCode(CodeBirthDate)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, p := UpgradeResidentID15(tt.in)
			checkProblem(t, p, tt.problem)
			if p == nil && got != tt.want {
				t.Errorf("UpgradeResidentID15(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestIDProvincesMatchRegionTable(t *testing.T) {
	t.Run("every mainland province in the region table may start an ID number", func(t *testing.T) {
		for _, r := range RegionChildren("") {
			want := r.Code[:2] != "71" // Taiwan's code is never used in ID numbers
			if got := idProvince(r.Code[:2]); got != want {
				t.Errorf("idProvince(%s %s) = %v, want %v", r.Code[:2], r.Name, got, want)
			}
		}
	})
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func FuzzParseResidentID(f *testing.F) {
	for _, s := range []string{"11010519491231002X", "110105491231002", "11010519490231002x", "", "\x00", "８１"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, p := ParseResidentID(s)
		if p != nil {
			return
		}
		if len(id.Number) != 18 || id.AddressCode != id.Number[:6] || id.Birth.IsZero() {
			t.Fatalf("accepted %q as %+v", s, id)
		}
		if again, p2 := ParseResidentID(id.Number); p2 != nil || again != id {
			t.Fatalf("not idempotent: %+v -> %+v %v", id, again, p2)
		}
	})
}

func FuzzUpgradeResidentID15(f *testing.F) {
	f.Add("110105491231002")
	f.Add("99")
	f.Fuzz(func(t *testing.T, s string) {
		up, p := UpgradeResidentID15(s)
		if p != nil {
			return
		}
		if _, p2 := ParseResidentID(up); p2 != nil {
			t.Fatalf("upgraded %q to invalid %q: %v", s, up, p2)
		}
	})
}

func BenchmarkValidateResidentID(b *testing.B) {
	for _, in := range []string{"11010519491231002X", "11010519491231002x", "110105194912310021"} {
		b.Run(in, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ValidateResidentID(in)
			}
		})
	}
}
