package customer

import "testing"

func TestTheFormulaGuardNeverChangesAValueReadBack(t *testing.T) {
	for _, v := range []string{"=SUM(A1)", "+86 热线", "-负数", "@团队", "\tx", "'=x", "''+1", "'引号", "普通", "", "'", "=", "a=b"} {
		g := NeutraliseCell(v)
		if g != v && (g[0] != '\'' || !needsGuard(g[1:])) {
			t.Errorf("%q guarded as %q", v, g)
		}
		if needsGuard(g) && g[0] != '\'' {
			t.Errorf("%q is exported as a formula: %q", v, g)
		}
		if back := UnguardCell(g); back != v {
			t.Errorf("%q → %q → %q", v, g, back)
		}
	}
}
