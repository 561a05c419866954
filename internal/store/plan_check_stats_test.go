package store

import "testing"

// The plan check's fixed statistics are SQLite's default guesses at a
// fixed size: ten rows per leading value, fewer per further column, one
// for a unique key.
func TestThePlanCheckStatisticsAreShapedAsAtScale(t *testing.T) {
	for _, c := range []struct {
		rows   int64
		ncols  int
		unique bool
		want   string
	}{
		{1000000, 1, false, "1000000 10"},
		{1000000, 1, true, "1000000 1"},
		{1000000, 3, false, "1000000 10 9 8"},
		{1000000, 2, true, "1000000 10 1"},
		{1000000, 10, false, "1000000 10 9 8 7 6 5 4 3 2 2"},
		{100, 2, false, "100 10 9"},
	} {
		if got := planStats(c.rows, c.ncols, c.unique); got != c.want {
			t.Errorf("planStats(%d, %d, %v) = %q, want %q", c.rows, c.ncols, c.unique, got, c.want)
		}
	}
}
