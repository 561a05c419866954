package call

import "testing"

func TestCallPhoneTakesMobilesLandlinesAndServiceNumbers(t *testing.T) {
	for _, c := range []struct {
		raw, norm, kind, masked string
		ok                      bool
	}{
		{"138 1234 5678", "13812345678", PhoneMobile, "138****5678", true},
		{"+86 138-1234-5678", "13812345678", PhoneMobile, "138****5678", true},
		{"021-61234567", "021-61234567", PhoneLandline, "021-****4567", true},
		{"(021) 6123 4567", "021-61234567", PhoneLandline, "021-****4567", true},
		{"0755-88888888 转 123", "0755-88888888-123", PhoneLandline, "0755-****8888-123", true},
		{"400-800-8888", "4008008888", PhoneService, "4008008888", true},
		{"800 820 8820", "8008208820", PhoneService, "8008208820", true},
		{"95588", "95588", PhoneService, "95588", true},
		{"12345678901234", "12345678901234", PhoneService, "123*******1234", true},
		{"12", "", "", "", false},
		{"abc", "", "", "", false},
		{"138-abcd-5678", "", "", "", false},
		{"123456789012345678901", "", "", "", false},
	} {
		norm, kind, ok := NormalizePhone(c.raw)
		if ok != c.ok || norm != c.norm || kind != c.kind {
			t.Errorf("NormalizePhone(%q) = %q, %q, %v; want %q, %q, %v", c.raw, norm, kind, ok, c.norm, c.kind, c.ok)
			continue
		}
		if ok {
			if m := MaskPhone(norm, kind); m != c.masked {
				t.Errorf("MaskPhone(%q) = %q, want %q", norm, m, c.masked)
			}
		}
	}
}
