package card

import "github.com/kehucrm/kehu/internal/crm/customer"

func choice(key, section, zh, en string, options ...string) customer.CardField {
	return customer.CardField{Key: key, Section: section, LabelZH: zh, LabelEN: en, Type: "choice", Options: options}
}

func text(key, section, zh, en string) customer.CardField {
	return customer.CardField{Key: key, Section: section, LabelZH: zh, LabelEN: en, Type: "text"}
}

// number is a number field taking min to max; a negative max means no
// upper bound.
func number(key, section, zh, en string, min, max int64) customer.CardField {
	f := customer.CardField{Key: key, Section: section, LabelZH: zh, LabelEN: en, Type: "number", Min: &min}
	if max >= 0 {
		f.Max = &max
	}
	return f
}

// DefaultCardFields is the seed's 客户资料卡 with the dealer profile,
// financial status and business overview (FORMS.md), option lists as given.
func DefaultCardFields() []customer.CardField {
	const op, fin, biz = "operator", "financial", "business"
	return []customer.CardField{
		text("decision_maker", op, "实权者", "Who really decides"),
		text("line_of_business", op, "业别", "Line of business"),
		{Key: "trading_since", Section: op, LabelZH: "开始交易日期", LabelEN: "Trading since", Type: "date"},
		text("main_products", op, "使用主要产品", "Main products used"),
		text("operator_name", op, "经营者姓名", "Operator's name"),
		choice("operator_gender", op, "性别", "Gender", "男", "女"),
		number("operator_age", op, "年龄", "Age", 0, 150),
		text("operator_education", op, "学历", "Education"),
		{Key: "operator_phone", Section: op, LabelZH: "经营者电话", LabelEN: "Operator's phone", Type: "text", Sensitive: true},
		text("operator_character", op, "经营者性格嗜好", "Operator's character and interests"),
		choice("ever_bankrupt", op, "曾倒闭否", "Ever bankrupt", "是", "否"),
		text("bank", fin, "往来银行", "Bank"),
		{Key: "bank_account", Section: fin, LabelZH: "帐号", LabelEN: "Bank account", Type: "text", Sensitive: true},
		choice("funds", fin, "资金状况", "Funds", "丰裕", "充足", "尚可", "紧张", "短缺"),
		choice("payment_attitude", fin, "付款态度", "Payment attitude", "爽快", "普通", "迟延", "为难", "欠款"),
		text("cheque_honouring", fin, "兑现情况", "How cheques are honoured"),
		choice("policy", biz, "经营方针", "Business policy", "积极", "保守", "坚实", "平常", "零乱", "投机"),
		choice("business_status", biz, "业务状况", "Business status", "兴隆", "渐盛", "常态", "衰退", "危险"),
		choice("standing", biz, "同行业中地位", "Standing in the trade", "领导力", "具影响力", "一流", "二流", "三流"),
		choice("brand_awareness", biz, "对国际品牌认识程度", "Awareness of international brands", "了解", "略知", "熟知", "不知", "颇感兴趣"),
		choice("warehouse", biz, "仓库", "Warehouse", "大", "中", "小", "无"),
		choice("returns", biz, "退货习惯", "Returns habit", "无", "合理", "不正常", "正常"),
		choice("finance_mgmt", biz, "财务管理", "Financial management", "佳", "普", "劣", "无"),
		choice("stock_mgmt", biz, "存货管理", "Stock management", "佳", "可以", "一般", "劣"),
		choice("shop", biz, "店铺", "Shop", "自有", "租用"),
		choice("shop_site", biz, "店址", "Shop site", "闹市", "商店街", "住宅街", "工矿区", "郊区"),
		choice("sales_area", biz, "销售范围", "Sales area", "本地", "其他"),
		choice("price_level", biz, "销售价格", "Price level", "合理", "略低", "略高", "削价"),
		choice("nature", biz, "营业性质", "Nature of business", "专营", "兼营"),
		choice("organisation", biz, "组织", "Organisation", "独资", "合资", "股份"),
		choice("shop_size", biz, "门市面积", "Shop floor", "大", "中", "小"),
		number("staff_count", biz, "员工人数", "Staff", 0, -1),
		number("monthly_sales_fen", biz, "每月平均销售实绩（分）", "Average monthly sales (fen)", 0, -1),
		{Key: "opened_on", Section: biz, LabelZH: "开业时间", LabelEN: "Opened", Type: "date"},
	}
}
