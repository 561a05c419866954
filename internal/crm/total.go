package crm

// ListTotal is how many records a list holds besides the page shown: exact,
// or, where counting every row would cost more than a page should, an
// estimate (Estimated set). Every list of the API answers it.
type ListTotal struct {
	N         int64
	Estimated bool
}

// Exact is the exact total n.
func Exact(n int) ListTotal { return ListTotal{N: int64(n)} }
