package sales

import "testing"

func TestSpreadsheetNumbersAreReadAsWholeQuantitiesAndFen(t *testing.T) {
	for _, c := range []struct{ in, whole, fen string }{
		{"12", "12", "12"},
		{"12.0", "12", "12.0"},
		{"1,200", "1200", "1,200"},
		{"1.5", "1.5", "1.5"},
		{"1234.4999999999", "1234.4999999999", "1234.50"},
		{"0.1", "0.1", "0.1"},
		{"abc", "abc", "abc"},
		{"-3", "-3", "-3"},
	} {
		if got := wholeNumber(c.in); got != c.whole {
			t.Errorf("wholeNumber(%q) = %q, want %q", c.in, got, c.whole)
		}
		if got := fenText(c.in); got != c.fen {
			t.Errorf("fenText(%q) = %q, want %q", c.in, got, c.fen)
		}
	}
}

func TestERPHeadersAreRecognised(t *testing.T) {
	for h, want := range map[string]string{
		"单据日期": colDate, " 客户编码 ": colCustomer, "统一社会信用代码": colCustomer, "物料编码": colProduct, "数量": colQuantity,
		"价税合计": colAmount, "金额（元）": colAmount, "External ID": colExternalID, "ＱＴＹ": colQuantity, "备注": "",
		"单据号": colExternalID, "单号": colExternalID, "订单号": colExternalID, "销售单号": colExternalID, "出库单号": colExternalID,
		"凭证号": colExternalID, "出库日期": colDate, "存货编码": colProduct, "出库数量": colQuantity, "含税金额": colAmount,
	} {
		if got := headerField[normHeader(h)]; got != want {
			t.Errorf("header %q is %q, want %q", h, got, want)
		}
	}
}

func TestTotalRowsAreToldFromSalesLines(t *testing.T) {
	for _, c := range []struct {
		row  []string
		want bool
	}{
		{[]string{"合计", "", "12", "1200"}, true},
		{[]string{"", "小计：", "9"}, true},
		{[]string{"总计 9 条"}, true},
		{[]string{"共计9条"}, true},
		{[]string{"Total", "9"}, true},
		{[]string{"DJ-1", "合计", "1"}, false},
		{[]string{"汇总科技有限公司", "KH-1"}, false},
		{[]string{"XS-1", "2026-11-02"}, false},
	} {
		if got := summaryRow(c.row); got != c.want {
			t.Errorf("summaryRow(%q) = %v, want %v", c.row, got, c.want)
		}
	}
}

func TestFullWidthNumbersAreReadAsASCII(t *testing.T) {
	for in, want := range map[string]string{"１０": "10", "１，２００．５０": "1,200.50", " 7 ": "7", "１２．０": "12.0"} {
		if got := numberCell(in); got != want {
			t.Errorf("numberCell(%q) = %q, want %q", in, got, want)
		}
	}
}
