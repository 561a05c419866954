package tier

// State is where a customer stands in one scheme between runs: the level
// computed and held, and a different level computed lately but not yet
// held for the scheme's number of consecutive periods.
type State struct {
	Level        string `json:"level"`   // "" before the first computation
	Pending      string `json:"pending"` // the level computed in the latest periods, if not Level
	PendingCount int    `json:"pending_count"`
	LastPeriod   string `json:"last_period"` // the period of the latest computation
}

// Step takes a run's computed level in period into s. A customer moves
// only once the new level was computed in need consecutive periods; a run
// in the same period as the last counts no period again, and a period
// computing another level starts the count over. A customer without a
// level takes the computed one at once. It reports whether Level changed.
func Step(s State, computed, period string, need int) (State, bool) {
	if need < 1 {
		need = 1
	}
	if s.Level == "" {
		return State{Level: computed, LastPeriod: period}, true
	}
	switch {
	case computed == s.Level:
		s.Pending, s.PendingCount = "", 0
	case computed == s.Pending:
		if period != s.LastPeriod {
			s.PendingCount++
		}
	default:
		s.Pending, s.PendingCount = computed, 1
	}
	s.LastPeriod = period
	if s.Pending != "" && s.PendingCount >= need {
		return State{Level: computed, LastPeriod: period}, true
	}
	return s, false
}
