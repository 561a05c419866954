package care

import (
	"testing"

	"github.com/kehucrm/kehu/internal/calendar"
	"github.com/kehucrm/kehu/internal/crm"
)

func d(s string) calendar.Date {
	x, err := calendar.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return x
}

func yearDates(t *testing.T, birthday string, lunar, leap bool, y int) []OccasionDate {
	t.Helper()
	out, err := BirthdayDates(birthday, lunar, leap, calendar.NewDate(y, 1, 1), calendar.NewDate(y, 12, 31))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestLunarBirthdaysLandOnTheirGregorianDayEveryYear2026To2030(t *testing.T) {
	tests := []struct {
		name     string
		birthday string
		want     map[int]string // Gregorian year → date
	}{
		{"正月初一 is 春节", "01-01", map[int]string{2026: "2026-02-17", 2027: "2027-02-06", 2028: "2028-01-26", 2029: "2029-02-13", 2030: "2030-02-03"}},
		{"八月十五 is 中秋", "08-15", map[int]string{2026: "2026-09-25", 2027: "2027-09-15", 2028: "2028-10-03", 2029: "2029-09-22", 2030: "2030-09-12"}},
	}
	for _, tt := range tests {
		for y, want := range tt.want {
			got := yearDates(t, tt.birthday, true, false, y)
			if len(got) != 1 || got[0].Date.String() != want || got[0].Year != y || got[0].Note != "" {
				t.Errorf("%s in %d = %+v, want %s", tt.name, y, got, want)
			}
		}
	}
}

func TestALeapMonthBirthdayFallsInTheLeapMonthOnlyWhenTheYearHasIt(t *testing.T) {
	// 2028 has a 闰五月; 2026, 2027, 2029 and 2030 have no leap fifth month.
	for y := 2026; y <= 2030; y++ {
		from, to := calendar.NewDate(y-1, 1, 1), calendar.NewDate(y+1, 12, 31)
		var leap, plain *OccasionDate
		for _, od := range lunarDates(OccBirthday, 5, 10, true, from, to) {
			if od.Year == y {
				leap = &od
			}
		}
		for _, od := range lunarDates(OccBirthday, 5, 10, false, from, to) {
			if od.Year == y {
				plain = &od
			}
		}
		if leap == nil || plain == nil {
			t.Fatalf("%d: no occurrence (leap %v, plain %v)", y, leap, plain)
		}
		if y == 2028 {
			if gap := leap.Date.Sub(plain.Date); leap.Note != "" || gap < 29 || gap > 30 {
				t.Errorf("2028 闰五月初十 = %s (note %q), want a month after 五月初十 %s", leap.Date, leap.Note, plain.Date)
			}
			continue
		}
		if leap.Date != plain.Date || leap.Note != NoteLeapMonthMissing {
			t.Errorf("%d: 闰五月初十 = %s note %q, want the ordinary 五月初十 %s with %q", y, leap.Date, leap.Note, plain.Date, NoteLeapMonthMissing)
		}
	}
}

func TestALunarThirtiethInAShortMonthFallsOnItsLastDay(t *testing.T) {
	clamped := 0
	for y := 2026; y <= 2030; y++ {
		for m := 1; m <= 12; m++ {
			c, err := calendar.LunarBirthday(y, m, 30, false)
			if err != nil {
				t.Fatal(err)
			}
			got := lunarDates(OccBirthday, m, 30, false, c.Date, c.Date)
			if len(got) != 1 || got[0].Date != c.Date {
				t.Fatalf("%d-%02d-30: %+v, want %s", y, m, got, c.Date)
			}
			if c.DayClamped {
				clamped++
				last, _ := calendar.LunarBirthday(y, m, 29, false)
				if got[0].Note != NoteDayClamped || c.Date != last.Date {
					t.Errorf("%d month %d: 三十 in a 小月 = %s note %q, want 廿九 %s with %q", y, m, c.Date, got[0].Note, last.Date, NoteDayClamped)
				}
			}
		}
	}
	if clamped == 0 {
		t.Fatal("no 小月 between 2026 and 2030: the test checks nothing")
	}
}

func TestGregorianBirthdays(t *testing.T) {
	tests := []struct {
		birthday string
		year     int
		want     string
		note     string
	}{
		{"1980-03-15", 2027, "2027-03-15", ""},
		{"03-15", 2027, "2027-03-15", ""},
		{"1992-02-29", 2027, "2027-02-28", NoteFeb29},
		{"1992-02-29", 2028, "2028-02-29", ""},
	}
	for _, tt := range tests {
		got := yearDates(t, tt.birthday, false, false, tt.year)
		if len(got) != 1 || got[0].Date.String() != tt.want || got[0].Note != tt.note {
			t.Errorf("%s in %d = %+v, want %s %q", tt.birthday, tt.year, got, tt.want, tt.note)
		}
	}
	if _, err := BirthdayDates("15/03", false, false, d("2027-01-01"), d("2027-12-31")); err == nil {
		t.Error("an unreadable birthday is accepted")
	}
}

func TestFestivalDatesAreTheFiveOfTheLunarCalendar(t *testing.T) {
	got := map[string]string{}
	for _, od := range FestivalDates(d("2026-01-01"), d("2026-12-31")) {
		got[od.Occasion] = od.Date.String()
	}
	want := map[string]string{OccSpringFestival: "2026-02-17", OccLantern: "2026-03-03", OccDragonBoat: "2026-06-19", OccMidAutumn: "2026-09-25", OccDoubleNinth: "2026-10-18"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %s", k, got[k], v)
		}
	}
}

func TestRemindersComeLeadWorkingDaysAhead(t *testing.T) {
	base, err := calendar.New()
	if err != nil {
		t.Fatal(err)
	}
	off, err := base.WithOverrides(calendar.Override{Date: d("2026-12-08"), Kind: calendar.DayOff, Name: "公司年会"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		cal  *calendar.Calendar
		date string
		days int
		want string
	}{
		{"a Thursday, 3 days: the Monday", base, "2026-12-10", 3, "2026-12-07"},
		{"a Monday, 3 days: the week before", base, "2026-12-14", 3, "2026-12-09"},
		{"a day off in between is skipped", off, "2026-12-10", 3, "2026-12-04"},
		{"a Sunday, 1 day: the Friday", base, "2026-12-13", 1, "2026-12-11"},
		{"0 days: the day itself", base, "2026-12-13", 0, "2026-12-13"},
	}
	for _, tt := range tests {
		if got := RemindOn(tt.cal, d(tt.date), tt.days).String(); got != tt.want {
			t.Errorf("%s: %s", tt.name, got)
		}
	}
}

func TestLeadDaysPreferTheMostSpecificRule(t *testing.T) {
	rules := []LeadRule{{Tier: "", Occasion: "", Days: 4}, {Tier: "", Occasion: OccBirthday, Days: 5}, {Tier: "A", Occasion: "", Days: 7}, {Tier: "A", Occasion: OccBirthday, Days: 10}}
	tests := []struct {
		rules     []LeadRule
		tier, occ string
		want      int
	}{
		{nil, "A", OccBirthday, DefaultLeadDays},
		{rules, "A", OccBirthday, 10},
		{rules, "A", OccMidAutumn, 7},
		{rules, "B", OccBirthday, 5},
		{rules, "B", OccMidAutumn, 4},
		{rules, "", OccBirthday, 5},
	}
	for _, tt := range tests {
		if got := LeadDays(tt.rules, tt.tier, tt.occ); got != tt.want {
			t.Errorf("LeadDays(%q, %q) = %d, want %d", tt.tier, tt.occ, got, tt.want)
		}
	}
}

func TestMergeFields(t *testing.T) {
	v := MergeValues{Salutation: "王先生", Name: "王建国", Company: "苏州华达机械有限公司", Manager: "李经理"}
	tests := []struct {
		text, want, bad string
	}{
		{"{{称呼}}，生日快乐！", "王先生，生日快乐！", ""},
		{"Dear {{ salutation }} of {{company}}", "Dear 王先生 of 苏州华达机械有限公司", ""},
		{"{{公司}}{{姓名}}，{{客户经理}}敬上", "苏州华达机械有限公司王建国，李经理敬上", ""},
		{"{{manager}} {{name}}", "李经理 王建国", ""},
		{"{{职位}}您好", "", "职位"},
		{"{{称呼 您好", "", "unclosed"},
	}
	for _, tt := range tests {
		err := CheckTemplate("body", tt.text)
		switch {
		case tt.bad == "" && err != nil:
			t.Errorf("%q refused: %v", tt.text, err)
		case tt.bad == "" && Render(tt.text, v) != tt.want:
			t.Errorf("Render(%q) = %q, want %q", tt.text, Render(tt.text, v), tt.want)
		case tt.bad != "":
			e, ok := err.(*crm.Error)
			if !ok || len(e.Fields) != 1 || e.Fields[0].Field != "body" {
				t.Errorf("%q: error %v, want one naming body", tt.text, err)
				continue
			}
			if tt.bad != "unclosed" && (len(e.Fields[0].Text.Args) != 1 || e.Fields[0].Text.Args[0] != tt.bad) {
				t.Errorf("%q: error args %v, want the field %q named", tt.text, e.Fields[0].Text.Args, tt.bad)
			}
		}
	}
}

func TestSalutation(t *testing.T) {
	tests := []struct{ name, gender, lang, want string }{
		{"王建国", "male", "zh-CN", "王先生"},
		{"李娜", "female", "zh-CN", "李女士"},
		{"欧阳建国", "male", "zh-CN", "欧阳先生"},
		{"张伟", "unknown", "zh-CN", "张伟"},
		{"王建国", "male", "en", "Mr 王"},
		{"Anna Smith", "female", "en", "Ms Smith"},
	}
	for _, tt := range tests {
		if got := Salutation(tt.name, tt.gender, tt.lang); got != tt.want {
			t.Errorf("Salutation(%q, %q, %q) = %q, want %q", tt.name, tt.gender, tt.lang, got, tt.want)
		}
	}
}

func TestOverBudget(t *testing.T) {
	if OverBudget(false, 0, 0, 0, 100) {
		t.Error("no budget set: nothing is over it")
	}
	if OverBudget(true, 1000, 500, 0, 500) {
		t.Error("exactly the budget is within it")
	}
	if !OverBudget(true, 1000, 500, 200, 400) {
		t.Error("pending gifts count against the budget")
	}
}
