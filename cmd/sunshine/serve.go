package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"sunshine/handlers"
	"sunshine/store"
)

// shutdownGrace is how long in-flight requests may take to finish after SIGTERM.
const shutdownGrace = 30 * time.Second

// publicationTick is how often serve looks for scheduled publication acts that are due.
const publicationTick = 15 * time.Second

func cmdServe(ctx context.Context, e env) error {
	fs := newFlags("serve", e)
	db := dbFlag(fs, e)
	defAddr := e.getenv("SUNSHINE_ADDR")
	if defAddr == "" {
		defAddr = ":8080"
	}
	addr := fs.String("addr", defAddr, "listen address (env SUNSHINE_ADDR)")
	baseURL := fs.String("base-url", e.getenv("SUNSHINE_BASE_URL"), "public address for absolute links, e.g. https://data.example.gov.cn (env SUNSHINE_BASE_URL; default: each request's Host)")
	frames := fs.String("frame-ancestors", e.getenv("SUNSHINE_FRAME_ANCESTORS"), "origins allowed to embed the charts in an iframe, space-separated (env SUNSHINE_FRAME_ANCESTORS; default any)")
	limit := fs.String("rate-limit", envOr(e, "SUNSHINE_RATE_LIMIT", "10/100"), "query API limit per client: requests per second / burst, or 0 for none (env SUNSHINE_RATE_LIMIT)")
	proxies := fs.String("trusted-proxies", e.getenv("SUNSHINE_TRUSTED_PROXIES"), "comma-separated proxy addresses whose X-Forwarded-For is believed (env SUNSHINE_TRUSTED_PROXIES)")
	publisher := fs.String("publisher", e.getenv("SUNSHINE_PUBLISHER"), "publisher named in the DCAT catalogues (env SUNSHINE_PUBLISHER; default 阳光财政)")
	license := fs.String("license-url", e.getenv("SUNSHINE_LICENSE_URL"), "licence URL the data is published under, stated in catalogues and data packages (env SUNSHINE_LICENSE_URL; default none stated)")
	contact := fs.String("contact-email", e.getenv("SUNSHINE_CONTACT_EMAIL"), "contact for questions about the data, in the catalogues (env SUNSHINE_CONTACT_EMAIL)")
	cacheDir := fs.String("cache-dir", e.getenv("SUNSHINE_CACHE_DIR"), "where generated release files are kept (they never change); \"off\" for none (env SUNSHINE_CACHE_DIR; default: cache/ beside the SQLite file, or the system temp directory)")
	metricsAddr := fs.String("metrics-addr", e.getenv("SUNSHINE_METRICS_ADDR"), "serve /metrics without a token on this address of its own, e.g. 127.0.0.1:9090 (env SUNSHINE_METRICS_ADDR; default none: /metrics on --addr needs an admin token)")
	bodyTimeout := fs.Duration("body-timeout", durationEnv(e, "SUNSHINE_BODY_TIMEOUT", handlers.DefaultBodyTimeout), "how long a client has to send a whole request body (an upload); slower ones are cut off with 408 (env SUNSHINE_BODY_TIMEOUT, e.g. 5m)")
	uploaderPublish := fs.Bool("uploader-publish", e.getenv("SUNSHINE_UPLOADER_PUBLISH") == "1", "let uploaders publish their own departments' drafts (env SUNSHINE_UPLOADER_PUBLISH=1; default admins only)")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if *bodyTimeout <= 0 {
		return usageError{fmt.Errorf("请求体时限“%s”无效：应为正的时长，例如 2m", *bodyTimeout)}
	}
	rl, err := parseRateLimit(*limit)
	if err != nil {
		return usageError{err}
	}
	var trusted []string
	for _, p := range strings.Split(*proxies, ",") {
		if p = strings.TrimSpace(p); p != "" {
			if net.ParseIP(p) == nil {
				if _, _, err := net.ParseCIDR(p); err != nil {
					return usageError{fmt.Errorf("代理地址“%s”不是 IP 或 CIDR", p)}
				}
			}
			trusted = append(trusted, p)
		}
	}
	log := newLogger(e)

	s, err := openMigrated(ctx, *db, log)
	if err != nil {
		return err
	}
	defer s.Close()

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	var cache *handlers.FileCache
	if *cacheDir == "" {
		*cacheDir = filepath.Join(os.TempDir(), "sunshine-cache")
		if c := s.Config(); c.Driver == store.SQLite {
			*cacheDir = filepath.Join(filepath.Dir(c.Path), "cache")
		}
	}
	if *cacheDir != "off" {
		if cache, err = handlers.NewFileCache(*cacheDir); err != nil {
			return fmt.Errorf("无法使用缓存目录 %s：%w", *cacheDir, err)
		}
	}
	svc := newFilingService(s, e)
	svc.AllowUploaderPublish = *uploaderPublish
	// Scheduled publication acts run at their time, and at start those whose
	// time passed while no server ran; replicas may all run the loop (each act runs once).
	go svc.RunScheduler(ctx, publicationTick, log)
	h := handlers.New(handlers.Deps{Store: s, Log: log, Registry: reg,
		Filings: svc, Limits: handlers.UploadLimits{MaxBytes: 64 << 20, TempDir: e.getenv("SUNSHINE_TMPDIR"), BodyTimeout: *bodyTimeout},
		BaseURL: *baseURL, FrameAncestors: *frames, RateLimit: rl, TrustedProxies: trusted,
		PublisherName: *publisher, LicenseURL: *license, ContactEmail: *contact, Cache: cache})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("无法监听 %s：%w", *addr, err)
	}
	log.Info("serving", "addr", ln.Addr().String(), "db", s.Config().String())
	fmt.Fprintf(e.stdout, "sunshine 已启动：http://%s\n", displayAddr(ln.Addr()))
	if *metricsAddr == "" {
		return serveUntilDone(ctx, ln, h, log)
	}
	mln, err := net.Listen("tcp", *metricsAddr)
	if err != nil {
		ln.Close()
		return fmt.Errorf("无法监听指标地址 %s：%w", *metricsAddr, err)
	}
	log.Info("serving metrics", "addr", mln.Addr().String())
	fmt.Fprintf(e.stdout, "指标（/metrics）：http://%s/metrics\n", displayAddr(mln.Addr()))
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", handlers.MetricsHandler(reg))
	errc := make(chan error, 2)
	go func() { errc <- serveUntilDone(ctx, mln, mux, log) }()
	go func() { errc <- serveUntilDone(ctx, ln, h, log) }()
	err = <-errc
	if err != nil {
		// One listener failed: stop the other too.
		ln.Close()
		mln.Close()
	}
	return errors.Join(err, <-errc)
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

func envOr(e env, key, def string) string {
	if v := e.getenv(key); v != "" {
		return v
	}
	return def
}

// parseRateLimit reads "10/100" (per second / burst) or "0" (no limit).
func parseRateLimit(s string) (handlers.RateLimit, error) {
	s = strings.TrimSpace(s)
	if s == "0" || s == "" {
		return handlers.RateLimit{}, nil
	}
	r, b, ok := strings.Cut(s, "/")
	rate, err1 := strconv.ParseFloat(r, 64)
	burst, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || rate <= 0 || burst < 1 {
		return handlers.RateLimit{}, fmt.Errorf("限速设置“%s”无效：应写成 每秒请求数/突发上限，例如 10/100，或 0 表示不限", s)
	}
	return handlers.RateLimit{Rate: rate, Burst: burst}, nil
}

// durationEnv reads a duration from the environment ("90s", "5m"); the default
// when unset or unreadable (a bad value is then reported by the flag's own check).
func durationEnv(e env, key string, def time.Duration) time.Duration {
	if v := e.getenv(key); v != "" {
		if d, err := time.ParseDuration(v); err == nil {
			return d
		}
		return -1
	}
	return def
}
