package store

// SetListSortBound sets, for a test, the count up to which a customer
// list that no index gives in order is sorted whole (see listCustomers),
// and returns the function that restores it.
func SetListSortBound(n int64) func() {
	old := listSortBound
	listSortBound = n
	return func() { listSortBound = old }
}
