package order

import (
	"testing"

	"github.com/kehucrm/kehu/internal/crm/workflow"
)

func TestAnOrdersFactsCarryItsProductLinesAndTheCustomersTiers(t *testing.T) {
	o := Order{Total: 150000, Lines: []Line{
		{ProductCode: "DH-PUMP", ProductLine: "水泵"},
		{ProductCode: "DH-MOTOR", ProductLine: "电机"},
		{ProductCode: "DH-PUMP2", ProductLine: "水泵"},
	}}
	f := Facts(o, []string{"A", "abc:A", "value:high"})
	for _, c := range []struct {
		name string
		cond workflow.Condition
		want bool
	}{
		{"a line's product line", workflow.Condition{Fact: workflow.FactProductLine, Op: workflow.OpEq, Value: "电机"}, true},
		{"one of the lines in a list", workflow.Condition{Fact: workflow.FactProductLine, Op: workflow.OpIn, Value: "风机,水泵"}, true},
		{"a product code is not a line", workflow.Condition{Fact: workflow.FactProductLine, Op: workflow.OpEq, Value: "DH-PUMP"}, false},
		{"a line the order has not", workflow.Condition{Fact: workflow.FactProductLine, Op: workflow.OpEq, Value: "风机"}, false},
		{"the default scheme's level", workflow.Condition{Fact: workflow.FactTierLevel, Op: workflow.OpEq, Value: "A"}, true},
		{"the level in any case", workflow.Condition{Fact: workflow.FactTierLevel, Op: workflow.OpEq, Value: "a"}, true},
		{"scheme and level", workflow.Condition{Fact: workflow.FactTierLevel, Op: workflow.OpIn, Value: "abc:B, abc:A"}, true},
		{"another scheme's level", workflow.Condition{Fact: workflow.FactTierLevel, Op: workflow.OpEq, Value: "value:high"}, true},
		{"a level the customer has not", workflow.Condition{Fact: workflow.FactTierLevel, Op: workflow.OpIn, Value: "B,C"}, false},
		{"the amount", workflow.Condition{Fact: workflow.FactAmount, Op: workflow.OpGTE, Value: "1500"}, true},
	} {
		if got := c.cond.Holds(f); got != c.want {
			t.Errorf("%s: %+v holds = %v on %v, want %v", c.name, c.cond, got, f, c.want)
		}
	}
	if _, ok := Facts(o, nil)[workflow.FactTierLevel]; ok {
		t.Error("a customer without tiers has a tier_level fact")
	}
}
