package bench

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

func TestHTTPCountsRequestsAndErrors(t *testing.T) {
	var served atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := served.Add(1)
		if r.URL.Path == "/flaky" && n%2 == 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte(`{}`))
	}))
	defer srv.Close()

	res, err := HTTP(context.Background(), srv.URL, []Target{{Name: "ok", Path: "/ok"}}, []int{1, 4}, 200*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 || res[0].Concurrency != 1 || res[1].Concurrency != 4 {
		t.Fatalf("results %+v, want one per concurrency level", res)
	}
	for _, r := range res {
		if r.Requests == 0 || r.Errors != 0 || r.RPS() <= 0 || r.P99 < r.P50 {
			t.Errorf("implausible result %+v", r)
		}
	}
	res, err = HTTP(context.Background(), srv.URL, []Target{{Name: "flaky", Path: "/flaky"}}, []int{2}, 200*time.Millisecond)
	if err == nil && res[0].Errors == 0 {
		t.Errorf("a route failing every other request showed no errors: %+v", res)
	}
}

func TestHTTPFailsLoudlyOnAWrongURL(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	if _, err := HTTP(context.Background(), srv.URL, []Target{{Name: "missing", Path: "/nope"}}, []int{1}, 50*time.Millisecond); err == nil {
		t.Error("loading a 404 route succeeded, want an error")
	}
}
