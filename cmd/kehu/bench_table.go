package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/kehucrm/kehu/internal/bench"
)

// benchTable is what a `kehu bench` command prints: a heading line, then
// its rows in aligned columns. Every bench command prints through it.
type benchTable struct {
	heading string
	rows    [][]string
}

// row adds a row of cells.
func (t *benchTable) row(cells ...string) { t.rows = append(t.rows, cells) }

// fact adds a row of a label and its value, formatted as by fmt.Sprintf.
func (t *benchTable) fact(label, format string, args ...any) {
	t.row(label+":", fmt.Sprintf(format, args...))
}

// print writes the table to w.
func (t *benchTable) print(w io.Writer) error {
	if t.heading != "" {
		if _, err := fmt.Fprintln(w, t.heading); err != nil {
			return err
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, r := range t.rows {
		for i, c := range r {
			sep := "\t"
			if i == len(r)-1 {
				sep = "\n"
			}
			if _, err := io.WriteString(tw, c+sep); err != nil {
				return err
			}
		}
	}
	return tw.Flush()
}

// printBenchRun prints a load run's heading, then its results
// (bench.PrintHTTP), or returns the run's error.
func printBenchRun(w io.Writer, heading string, run func() ([]bench.HTTPResult, error)) error {
	if err := (&benchTable{heading: heading}).print(w); err != nil {
		return err
	}
	results, err := run()
	if err != nil {
		return err
	}
	return bench.PrintHTTP(w, results)
}
