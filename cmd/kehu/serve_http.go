package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"

	"github.com/kehucrm/kehu/internal/jobs"
	"github.com/kehucrm/kehu/internal/store"
)

// listen opens the address to serve on, saying plainly when another
// program holds the port.
func listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return nil, fmt.Errorf("cannot listen on %s: the port is already in use (is another kehu running? choose another with --addr)", addr)
		}
		return nil, fmt.Errorf("cannot listen on %s: %w", addr, err)
	}
	return ln, nil
}

// newHTTPServer bounds how long a slow client may hold a connection.
func newHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
}

// shutdown lets in-flight requests and running jobs finish, for at most
// shutdownGrace, then closes the database.
func shutdown(httpSrv *http.Server, queue *jobs.Queue, db *store.DB, log *slog.Logger) error {
	log.Info("shutting down: finishing in-flight requests and jobs")
	grace, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	httpErr := httpSrv.Shutdown(grace)
	jobsErr := queue.Stop(grace)
	if err := errors.Join(httpErr, jobsErr); err != nil {
		log.Error("unclean shutdown", "error", err.Error())
	}
	if err := db.Close(); err != nil {
		return fmt.Errorf("close database: %w", err)
	}
	log.Info("stopped")
	return nil
}

// urlOf turns a listener address into the URL to open in a browser.
func urlOf(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "http://" + a.String()
	}
	if host == "" || host == "::" || host == "0.0.0.0" {
		host = "127.0.0.1"
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return "http://" + host + ":" + port + "/"
}
