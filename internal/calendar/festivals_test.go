package calendar

import "testing"

// festivalsByYear is written out by hand (2025 and 2026 from published
// almanacs; 2027 from the lunar month lengths: 元宵 = 春节 + 14, 中元 =
// 七夕 + 8, 小年 = 除夕 - 6 and 腊八 = 小年 - 15 in a 29-day 腊月).
func festivalsByYear() map[int][][2]string {
	return map[int][][2]string{
		2025: {{"腊八节", "2025-01-07"}, {"小年", "2025-01-22"}, {"除夕", "2025-01-28"}, {"春节", "2025-01-29"},
			{"元宵节", "2025-02-12"}, {"龙抬头", "2025-03-01"}, {"清明节", "2025-04-04"}, {"端午节", "2025-05-31"},
			{"七夕节", "2025-08-29"}, {"中元节", "2025-09-06"}, {"中秋节", "2025-10-06"}, {"重阳节", "2025-10-29"}},
		2026: {{"腊八节", "2026-01-26"}, {"小年", "2026-02-10"}, {"除夕", "2026-02-16"}, {"春节", "2026-02-17"},
			{"元宵节", "2026-03-03"}, {"龙抬头", "2026-03-20"}, {"清明节", "2026-04-05"}, {"端午节", "2026-06-19"},
			{"七夕节", "2026-08-19"}, {"中元节", "2026-08-27"}, {"中秋节", "2026-09-25"}, {"重阳节", "2026-10-18"}},
		2027: {{"腊八节", "2027-01-15"}, {"小年", "2027-01-30"}, {"除夕", "2027-02-05"}, {"春节", "2027-02-06"},
			{"元宵节", "2027-02-20"}, {"龙抬头", "2027-03-09"}, {"清明节", "2027-04-05"}, {"端午节", "2027-06-09"},
			{"七夕节", "2027-08-08"}, {"中元节", "2027-08-16"}, {"中秋节", "2027-09-15"}, {"重阳节", "2027-10-08"}},
	}
}

func TestFestivals(t *testing.T) {
	for year, want := range festivalsByYear() {
		got, err := Festivals(year)
		if err != nil {
			t.Fatalf("Festivals(%d): %v", year, err)
		}
		if len(got) != len(want) {
			t.Errorf("Festivals(%d) has %d entries, want %d: %v", year, len(got), len(want), got)
			continue
		}
		for i, w := range want {
			if got[i].Name != w[0] || got[i].Date != d(t, w[1]) {
				t.Errorf("Festivals(%d)[%d] = %s %s, want %s %s", year, i, got[i].Name, got[i].Date, w[0], w[1])
			}
			if l, err := ToLunar(got[i].Date); err != nil || l != got[i].Lunar {
				t.Errorf("%s: Lunar %v, ToLunar %v (%v)", got[i].Name, got[i].Lunar, l, err)
			}
		}
	}
}

func TestFestivalEdgeCases(t *testing.T) {
	count := func(year int, name string) (n int) {
		fs, err := Festivals(year)
		if err != nil {
			t.Fatalf("Festivals(%d): %v", year, err)
		}
		for _, f := range fs {
			if f.Name == name {
				n++
			}
		}
		return n
	}
	// A lunar year is shorter than a solar one: 腊八 twice in 2022, never in 2023.
	if count(2022, LabaFestival) != 2 || count(2023, LabaFestival) != 0 {
		t.Error("腊八 should appear twice in 2022 and not in 2023")
	}
	if got, err := FestivalDate(2022, LabaFestival); err != nil || got != d(t, "2022-01-10") {
		t.Errorf("FestivalDate(2022, 腊八) = %s, %v", got, err)
	}
	if _, err := FestivalDate(2023, LabaFestival); err == nil {
		t.Error("FestivalDate(2023, 腊八) should fail")
	}
	if _, err := FestivalDate(2025, "圣诞节"); err == nil {
		t.Error("unknown festival accepted")
	}
	if got, err := FestivalDate(2026, SpringFestival); err != nil || got != d(t, "2026-02-17") {
		t.Errorf("FestivalDate(2026, 春节) = %s, %v", got, err)
	}
	// The range edges: 1901 still gets the 除夕 of lunar 1900.
	if count(MinLunarYear, NewYearsEve) != 1 || count(MaxLunarYear, SpringFestival) != 1 {
		t.Error("range edges incomplete")
	}
	for _, y := range []int{MinLunarYear - 1, MaxLunarYear + 1} {
		if _, err := Festivals(y); err == nil {
			t.Errorf("Festivals(%d) accepted", y)
		}
	}
}
