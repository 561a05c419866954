package customer

import "testing"

func TestRegionIsTakenAsPeopleHaveIt(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"440305", "440305"},
		{"320571", "320500"}, // 苏州工业园区, a statistics-bureau development zone
		{"320576", "320500"}, // its current code, as an import records it
		{"320571苏州工业园区", "320500"},
		{"苏州工业园区", "320500"},
		{"江苏省苏州市", "320500"}, // a name where the code is missing
		{"苏州", "320500"},
	} {
		c := Customer{Kind: CustomerKinds[0], Name: "测试", RegionCode: tc.in, Source: CustomerSources[0], Stage: CustomerStages[0]}
		if err := c.Validate("zh-CN"); err != nil {
			t.Errorf("region %q refused: %v", tc.in, err)
			continue
		}
		if c.RegionCode != tc.want {
			t.Errorf("region %q stored as %q, want %q", tc.in, c.RegionCode, tc.want)
		}
		if zone := tc.in != "江苏省苏州市" && tc.in != "苏州" && tc.in != "440305"; zone != (len(c.Notices) == 1) {
			t.Errorf("region %q: notices %+v", tc.in, c.Notices)
		}
	}
	c := Customer{Kind: CustomerKinds[0], Name: "测试", RegionCode: "不存在的地方", Source: CustomerSources[0], Stage: CustomerStages[0]}
	if c.Validate("zh-CN") == nil {
		t.Error("a region that names nothing was accepted")
	}
}
