package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Client sends JSON requests to a Kehu as one signed-in caller.
type Client struct {
	HTTP        *http.Client
	Base, Token string
}

// Do sends body (JSON, nil for none) with method to path and decodes the
// answer into out (nil to discard it); an answer other than want is an
// error.
func (c *Client) Do(ctx context.Context, method, path string, body, out any, want int) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.Base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	res, err := c.HTTP.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != want {
		msg, _ := io.ReadAll(io.LimitReader(res.Body, 500))
		return fmt.Errorf("%s %s: status %d: %s", method, path, res.StatusCode, msg)
	}
	if out == nil {
		_, _ = io.Copy(io.Discard, res.Body)
		return nil
	}
	return json.NewDecoder(res.Body).Decode(out)
}

// WriteTarget is a write operation measured as a whole (one or several
// requests). Setup, if set, runs once per worker before the clock starts
// and returns the worker's state; Op runs again and again with it.
type WriteTarget struct {
	Name  string
	Setup func(ctx context.Context, c *Client, worker int) (any, error)
	Op    func(ctx context.Context, c *Client, worker int, state any) error
}

// Writes runs each target at each concurrency for d, one keep-alive
// connection per worker, and returns the operations' rates and latencies.
// The first failing operation stops the run with its error.
func Writes(ctx context.Context, base, token string, targets []WriteTarget, concurrency []int, d time.Duration) ([]HTTPResult, error) {
	var out []HTTPResult
	for _, t := range targets {
		for _, n := range concurrency {
			r, err := writeOne(ctx, base, token, t, n, d)
			if err != nil {
				return out, fmt.Errorf("bench %s: %w", t.Name, err)
			}
			r.Target = t.Name
			out = append(out, r)
		}
	}
	return out, nil
}

func writeOne(ctx context.Context, base, token string, t WriteTarget, workers int, d time.Duration) (HTTPResult, error) {
	tr := &http.Transport{MaxIdleConns: workers, MaxIdleConnsPerHost: workers, MaxConnsPerHost: workers, DisableCompression: true}
	defer tr.CloseIdleConnections()
	c := &Client{HTTP: &http.Client{Transport: tr, Timeout: 30 * time.Second}, Base: base, Token: token}
	states := make([]any, workers)
	for w := range workers {
		if t.Setup == nil {
			continue
		}
		s, err := t.Setup(ctx, c, w)
		if err != nil {
			return HTTPResult{}, err
		}
		states[w] = s
	}
	run, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	lat := make([][]time.Duration, workers)
	var failed atomic.Pointer[error]
	var wg sync.WaitGroup
	start := time.Now()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			samples := make([]time.Duration, 0, 1<<12)
			for run.Err() == nil {
				t0 := time.Now()
				if err := t.Op(run, c, w, states[w]); err != nil {
					if run.Err() == nil {
						failed.CompareAndSwap(nil, &err)
						cancel()
					}
					break
				}
				samples = append(samples, time.Since(t0))
			}
			lat[w] = samples
		}()
	}
	wg.Wait()
	if err := failed.Load(); err != nil {
		return HTTPResult{}, *err
	}
	res := HTTPResult{Concurrency: workers, Elapsed: time.Since(start)}
	var all []time.Duration
	for w := range workers {
		all = append(all, lat[w]...)
	}
	res.Requests = len(all)
	if len(all) > 0 {
		slices.Sort(all)
		res.P50 = all[len(all)/2]
		res.P99 = all[len(all)*99/100]
	}
	return res, nil
}

// NewCompany is a new company customer a write benchmark creates: a
// unique name and a valid USCC that no generated customer has (its serial
// part encodes n, which the caller keeps unique, from 10^10 up).
func NewCompany(n int64) map[string]any {
	city := genCities[n%int64(len(genCities))]
	trade := genTrades[n%int64(len(genTrades))]
	return map[string]any{
		"kind": "company", "name": fmt.Sprintf("%s压测%d%s有限公司", city.name, n, trade.word), "uscc": genUSCC(city.code, n),
		"region_code": city.code, "industry_code": trade.industry[1:], "stage": "potential", "source": "other", "tags": []string{"压测"},
	}
}

// NewContact is the contact of NewCompany(n): a name and a mobile.
func NewContact(n int64) map[string]any {
	return map[string]any{"name": string(genSurnames[n%int64(len(genSurnames))]) + "经理", "title": "采购经理",
		"mobile": fmt.Sprintf("139%08d", n%100000000), "is_primary": true, "force": true}
}
