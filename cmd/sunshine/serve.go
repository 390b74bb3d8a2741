package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"sunshine/handlers"
	"sunshine/store"
)

// shutdownGrace is how long in-flight requests may take to finish after SIGTERM.
const shutdownGrace = 30 * time.Second

func cmdServe(ctx context.Context, e env) error {
	fs := newFlags("serve", e)
	db := dbFlag(fs, e)
	defAddr := e.getenv("SUNSHINE_ADDR")
	if defAddr == "" {
		defAddr = ":8080"
	}
	addr := fs.String("addr", defAddr, "listen address (env SUNSHINE_ADDR)")
	baseURL := fs.String("base-url", e.getenv("SUNSHINE_BASE_URL"), "public address for absolute links, e.g. https://data.example.gov.cn (env SUNSHINE_BASE_URL; default: each request's Host)")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	log := newLogger(e)

	s, err := openMigrated(ctx, *db, log)
	if err != nil {
		return err
	}
	defer s.Close()

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	h := handlers.New(handlers.Deps{Store: s, Log: log, Registry: reg,
		Filings: newFilingService(s, e), Limits: handlers.UploadLimits{MaxBytes: 64 << 20, TempDir: e.getenv("SUNSHINE_TMPDIR")},
		BaseURL: *baseURL})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("无法监听 %s：%w", *addr, err)
	}
	log.Info("serving", "addr", ln.Addr().String(), "db", s.Config().String())
	fmt.Fprintf(e.stdout, "sunshine 已启动：http://%s\n", displayAddr(ln.Addr()))
	return serveUntilDone(ctx, ln, h, log)
}

// serveUntilDone serves h on ln until ctx ends (SIGTERM or Ctrl-C), then stops
// taking new connections and lets in-flight requests finish within shutdownGrace.
func serveUntilDone(ctx context.Context, ln net.Listener, h http.Handler, log *slog.Logger) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		// No WriteTimeout: a 1,000,000-row export streams for longer than any fixed limit.
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: waiting for in-flight requests", "grace", shutdownGrace)
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

func displayAddr(a net.Addr) string {
	if t, ok := a.(*net.TCPAddr); ok && (t.IP == nil || t.IP.IsUnspecified()) {
		return fmt.Sprintf("localhost:%d", t.Port)
	}
	return a.String()
}

// newLogger writes structured logs to stderr: text for people, JSON when SUNSHINE_LOG_FORMAT=json.
func newLogger(e env) *slog.Logger {
	if e.getenv("SUNSHINE_LOG_FORMAT") == "json" {
		return slog.New(slog.NewJSONHandler(e.stderr, nil))
	}
	return slog.New(slog.NewTextHandler(e.stderr, nil))
}

// openMigrated opens the database and brings its schema up to date.
func openMigrated(ctx context.Context, dsn string, log *slog.Logger) (*store.Store, error) {
	s, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	st, err := s.Migrate(ctx)
	if err != nil {
		s.Close()
		return nil, err
	}
	log.Debug("schema", "version", st.Current)
	return s, nil
}

func cmdMigrate(ctx context.Context, e env) error {
	fs := newFlags("migrate", e)
	db := dbFlag(fs, e)
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	s, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	before, err := s.SchemaStatus(ctx)
	if err != nil {
		return err
	}
	after, err := s.Migrate(ctx)
	if err != nil {
		return err
	}
	if before.Current == after.Current {
		fmt.Fprintf(e.stdout, "数据库结构已是最新（版本 %d）\n", after.Current)
	} else {
		fmt.Fprintf(e.stdout, "数据库结构已从版本 %d 升级到 %d\n", before.Current, after.Current)
	}
	return nil
}
