// Package bench holds Kehu's load generators and benchmark data sets, run
// by `kehu bench`. Figures go to docs/benchmarks.md with the command that
// produced them; no test asserts on time.
package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"text/tabwriter"
	"time"
)

// Target is one route to load.
type Target struct {
	Name  string
	Path  string
	Paths []string // when set, each worker cycles through these instead of Path
	Token string   // bearer token to send, if any
}

// HTTPResult is what one run against one target at one concurrency saw.
type HTTPResult struct {
	Target      string
	Concurrency int
	Requests    int
	Errors      int
	Elapsed     time.Duration
	P50, P99    time.Duration
	Failure     string // why the route could not be loaded at all ("" when it could)
}

// RPS is the rate of successful requests.
func (r HTTPResult) RPS() float64 { return float64(r.Requests-r.Errors) / r.Elapsed.Seconds() }

// HTTP loads each target at each concurrency for d, over keep-alive
// connections (one per worker), and returns what it measured. A request
// counts as an error unless it answers 200.
func HTTP(ctx context.Context, baseURL string, targets []Target, concurrency []int, d time.Duration) ([]HTTPResult, error) {
	var out []HTTPResult
	for _, t := range targets {
		for _, c := range concurrency {
			paths := t.Paths
			if len(paths) == 0 {
				paths = []string{t.Path}
			}
			urls := make([]string, len(paths))
			for i, p := range paths {
				urls[i] = baseURL + p
			}
			r, err := loadOne(ctx, urls, t.Token, c, d)
			var timeout net.Error
			if err != nil && (ctx.Err() != nil || !errors.As(err, &timeout) || !timeout.Timeout()) {
				return out, fmt.Errorf("bench %s: %w", t.Name, err)
			}
			if err != nil {
				// The first request took longer than the client waits:
				// the route is reported failed and the run goes on.
				r = HTTPResult{Concurrency: c, Requests: 1, Errors: 1, Elapsed: time.Second, Failure: err.Error()}
			}
			r.Target = t.Name
			out = append(out, r)
		}
	}
	return out, nil
}

func loadOne(ctx context.Context, urls []string, token string, workers int, d time.Duration) (HTTPResult, error) {
	tr := &http.Transport{MaxIdleConns: workers, MaxIdleConnsPerHost: workers, MaxConnsPerHost: workers, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}

	// One request first, so a wrong URL fails loudly instead of timing errors.
	if err := get(ctx, client, urls[0], token); err != nil {
		return HTTPResult{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	lat := make([][]time.Duration, workers)
	errs := make([]int, workers)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			samples := make([]time.Duration, 0, 1<<14)
			for i := w; ctx.Err() == nil; i++ {
				t0 := time.Now()
				if err := get(ctx, client, urls[i%len(urls)], token); err != nil {
					if ctx.Err() != nil {
						break
					}
					errs[w]++
				}
				samples = append(samples, time.Since(t0))
			}
			lat[w] = samples
		}()
	}
	wg.Wait()
	res := HTTPResult{Concurrency: workers, Elapsed: time.Since(start)}
	var all []time.Duration
	for w := range workers {
		all = append(all, lat[w]...)
		res.Errors += errs[w]
	}
	res.Requests = len(all)
	if len(all) > 0 {
		slices.Sort(all)
		res.P50 = all[len(all)/2]
		res.P99 = all[len(all)*99/100]
	}
	return res, nil
}

func get(ctx context.Context, c *http.Client, url, token string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := c.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: status %d", url, res.StatusCode)
	}
	return nil
}

// PrintHTTP writes results as a table.
func PrintHTTP(w io.Writer, results []HTTPResult) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "route\tconcurrency\trequests/s\tp50\tp99\terrors\t")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%s\t%s\t%d\t\n", r.Target, r.Concurrency, r.RPS(),
			r.P50.Round(time.Microsecond), r.P99.Round(time.Microsecond), r.Errors)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, r := range results {
		if r.Failure != "" {
			fmt.Fprintf(w, "failed: %s at %d: %s\n", r.Target, r.Concurrency, r.Failure)
		}
	}
	return nil
}
