// Package handlers is the HTTP surface of the service and its JSON API.
// routes.go lists every route in one place — the API's, and those of the
// pages, the desk and the embeds, whose handlers are package web's. Handlers
// bind the request, call the store or a domain package, and respond; the
// bytes of open-data files come from package exports, and what the API shares
// with the pages (errors → statuses, authentication, limits) from package httpx.
package handlers

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/klauspost/compress/gzhttp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"sunshine/exports"
	"sunshine/filings"
	"sunshine/httpx"
	"sunshine/models"
	"sunshine/scoreboard"
	"sunshine/store"
	"sunshine/web"
)

// Deps is what the HTTP surface is built from.
type Deps struct {
	Store    *store.Store
	Log      *slog.Logger
	Registry *prometheus.Registry // the service's metrics; Go runtime collectors are added by the caller
	Filings  *filings.Service
	Limits   UploadLimits
	// BaseURL is the public address used in absolute links ("https://data.example.gov.cn");
	// "" takes it from each request's Host.
	BaseURL string
	// FrameAncestors are the origins allowed to frame the embeds (CSP frame-ancestors); "" allows any.
	FrameAncestors string
	// RateLimit limits each client on the query API; the zero value turns it off.
	RateLimit RateLimit
	// Cache keeps generated release files on disk; nil generates every request afresh.
	Cache *FileCache
	// TrustedProxies are the addresses whose X-Forwarded-For is believed when
	// telling clients apart; none by default, so a client cannot pose as another.
	TrustedProxies []string
	// PublisherName names the publisher in /catalog.jsonld, /data.json and the
	// bulk downloads; "" is DefaultPublisher (阳光财政).
	PublisherName string
	// LicenseURL is the licence the deployment publishes the data under. ""
	// states none anywhere: a licence is the publisher's to choose, never assumed.
	LicenseURL string
	// ContactEmail is where questions about the data go (DCAT contactPoint); "" gives none.
	ContactEmail string
	// SignInLimit bounds failed sign-ins and wrong API tokens per client; the zero value is DefaultSignInLimit.
	SignInLimit SignInLimit
}

func init() { gin.SetMode(gin.ReleaseMode) }

// New returns the service's HTTP handler. Answers are gzip-compressed when
// the client accepts it and they are worth it (1 KiB or more, not already compressed).
func New(d Deps) http.Handler {
	compress, err := gzhttp.NewWrapper(gzhttp.MinSize(1024), gzhttp.SuffixETag(httpx.GzipETagSuffix))
	if err != nil {
		panic(err) // the options are constants
	}
	// HEAD is answered as the GET it stands for and OPTIONS preflights of the
	// open data with 204 and the CORS headers, for every route at once.
	// A release file whose generation fails half-way closes its connection
	// unfinished (AbortCutOff), so nobody keeps a short file that looks whole.
	return httpx.AbortCutOff(httpx.HeadAndPreflight(publicPath, retryAfter(compress(newRouter(d.Store, d)))))
}

// chartParams are what web.Chart reads (web/charts.go: parseChart); a
// parameter added there is added here.
var chartParams = []string{"region", "dept", "item", "year", "phase", "release", "width"}

// publicPath reports whether a path is open data that any origin may read.
func publicPath(p string) bool {
	for _, prefix := range []string{"/api/v1/", "/feeds/", "/embed/", "/catalog.jsonld", "/data.json", "/openapi.json"} {
		if strings.HasPrefix(p, prefix) {
			return true
		}
	}
	return false
}

func newRouter(db Pinger, d Deps) *gin.Engine {
	r := gin.New()
	r.HandleMethodNotAllowed = true
	if err := r.SetTrustedProxies(d.TrustedProxies); err != nil {
		panic(err) // checked by the caller's configuration
	}
	metrics := NewMetrics(d.Registry)
	r.Use(httpx.RequestID(d.Log), httpx.Recovery(), metrics.Middleware(), httpx.AccessLog(), httpx.BodyDeadline(d.Limits))

	r.GET("/healthz", healthz)
	// Browsers ask every site for one; an empty answer spares their consoles a 404.
	r.GET("/favicon.ico", func(c *gin.Context) {
		c.Header("Cache-Control", "public, max-age=86400")
		c.Status(http.StatusNoContent)
	})
	r.GET("/readyz", readyz(db))
	signIns := httpx.NewSignInLimiter(d.SignInLimit)

	// Metrics tell an attacker what is slow and what fails: here they need an
	// admin token; a Prometheus server scrapes MetricsHandler on its own
	// listener (serve --metrics-addr) instead.
	if d.Store != nil {
		r.GET("/metrics", httpx.Authenticate(d.Store, signIns), httpx.RequireAdmin, gin.WrapH(MetricsHandler(d.Registry)))
	}

	if d.Store != nil {
		api := r.Group("/api/v1", httpx.Authenticate(d.Store, signIns))
		api.POST("/uploads", httpx.RequireToken, postUpload(d.Filings, d.Limits))
		api.GET("/templates/:file", getTemplate(d.Store))
		api.GET("/rules", getRules(d.Filings))
		api.GET("/filings/:id", getFiling(d.Store))
		api.GET("/filings/:id/report", getFilingReport(d.Store))
		// The PDFs figures were read from, each figure linking to its page (sources.go).
		api.GET("/sources/:sha256/source.pdf", getSource(d.Store))
		api.POST("/filings/:id/publish", httpx.RequireToken, postPublish(d.Filings))
		api.POST("/filings/:id/withdraw", httpx.RequireAdmin, postWithdraw(d.Filings))
		// Publication acts: a set of drafts at once or at a time (publications.go), an admin's.
		api.POST("/publications", httpx.RequireAdmin, postPublication(d.Filings))
		api.GET("/publications", httpx.RequireAdmin, httpx.AllowParams("state", "limit"), getPublications(d.Filings))
		api.GET("/publications/:id", httpx.RequireAdmin, getPublication(d.Filings))
		api.DELETE("/publications/:id", httpx.RequireAdmin, deletePublication(d.Filings))

		// The query API is rate-limited per client; release files and bulk downloads are not.
		// Answers computed from the published data carry a strong ETag and
		// Last-Modified from the newest release they can read (conditional.go).
		query := httpx.RateLimited(d.RateLimit)
		cond := httpx.Conditional(releaseState(d.Store), d.BaseURL, exports.FormatVersion)
		api.GET("/datasets", httpx.PublicRead, httpx.AllowParams("region", "year", "phase", "kind", "limit", "after"), query, cond, getDatasets(d.Store, d.BaseURL))
		api.GET("/datasets/:id", httpx.PublicRead, httpx.AllowParams(), query, cond, getDataset(d.Store, d.BaseURL))
		api.GET("/datasets/:id/diff", httpx.PublicRead, httpx.AllowParams("from", "to"), query, cond, getDiff(d.Store, d.Store))
		api.GET("/changes", httpx.PublicRead, httpx.AllowParams(changeParams...), query, cond, getChanges(d.Store, d.BaseURL))
		r.GET("/feeds/changes.atom", httpx.PublicRead, httpx.AllowParams(changeParams...), cond, getChangesAtom(d.Store, d.BaseURL))

		api.GET("/regions", httpx.PublicRead, httpx.AllowParams("limit", "after"), query, cond, getRegions(d.Store, d.BaseURL))
		api.GET("/regions/:code/departments", httpx.PublicRead, httpx.AllowParams("limit", "after"), query, cond, getRegionDepartments(d.Store, d.BaseURL))
		api.GET("/three-public", httpx.PublicRead, httpx.AllowParams(FeedParams[models.KindThreePublic]...), query, cond, getFeedJSON(d.Store, exports.ThreePublicTable, exports.EachThreePublic, d.Store, models.KindThreePublic, d.BaseURL, d.Limits.TempDir))
		api.GET("/three-public.csv", httpx.PublicRead, httpx.AllowParams(FeedParams[models.KindThreePublic]...), query, cond, getFeedCSV(d.Store, exports.ThreePublicTable, exports.EachThreePublic, d.Store, models.KindThreePublic, d.BaseURL, "three_public.csv"))
		api.GET("/line-items", httpx.PublicRead, httpx.AllowParams(FeedParams[models.KindLineItems]...), query, cond, getFeedJSON(d.Store, exports.LineItemsTable, exports.EachLineItem, d.Store, models.KindLineItems, d.BaseURL, d.Limits.TempDir))
		api.GET("/line-items.csv", httpx.PublicRead, httpx.AllowParams(FeedParams[models.KindLineItems]...), query, cond, getFeedCSV(d.Store, exports.LineItemsTable, exports.EachLineItem, d.Store, models.KindLineItems, d.BaseURL, "line_items.csv"))
		api.GET("/datasets/:id/releases/:n/:file", httpx.PublicRead, httpx.AllowParams("unit", "bom", "headers", "encoding"), getReleaseFile(d.Store, d.BaseURL, d.LicenseURL, d.Cache))
		api.GET("/datasets/:id/latest/:file", httpx.PublicRead, httpx.AllowParams("unit", "bom", "headers", "encoding"), getLatest(d.Store, d.BaseURL))

		// The charts' own format version joins the exports' in their ETags: a new shape of chart is fetched afresh.
		chartCond := httpx.Conditional(releaseState(d.Store), d.BaseURL, exports.FormatVersion+"/charts"+web.ChartFormat)
		api.GET("/charts/three-public/:chart", httpx.PublicRead, httpx.AllowParams(chartParams...), query, chartCond, web.Chart(d.Store))
		r.GET("/embed/three-public/:chart", chartCond, web.Embed(d.Store, d.BaseURL, d.FrameAncestors))
		r.GET("/embed/embed.css", web.EmbedCSS)
		// The disclosure scoreboard (scoreboard.go): tagged from the releases, the
		// region's department lists and approval dates, and the day.
		board := httpx.Conditional(scoreboardState(d.Store), d.BaseURL, exports.FormatVersion)
		api.GET("/scoreboard", httpx.PublicRead, httpx.AllowParams(scoreboard.Params...), query, board, getScoreboard(d.Store))
		api.GET("/scoreboard.csv", httpx.PublicRead, httpx.AllowParams(scoreboard.Params...), query, board, getScoreboardCSV(d.Store))
		r.GET("/embed/scoreboard", httpx.PublicRead, httpx.AllowParams(scoreboard.Params...), board, web.ScoreboardEmbed(d.Store, d.BaseURL, d.FrameAncestors))
		api.PUT("/scoreboard/approvals", httpx.RequireAdmin, putApprovals(d.Store))
		api.PUT("/regions/:code/years/:year/departments", httpx.RequireAdmin, putDepartmentList(d.Store))
		// Not rate-limited: harvesters and bulk downloads are what an open-data service is for (opendata.go).
		pub := publisher(d)
		api.GET("/bulk/:file", httpx.PublicRead, httpx.AllowParams(), getBulk(d.Store, d.BaseURL, pub))
		r.GET("/catalog.jsonld", httpx.PublicRead, httpx.AllowParams(), cond, getCatalog(d.Store, d.BaseURL, pub, true))
		r.GET("/data.json", httpx.PublicRead, httpx.AllowParams(), cond, getCatalog(d.Store, d.BaseURL, pub, false))
		r.GET("/openapi.json", httpx.PublicRead, getOpenAPIJSON(openAPIJSON()))
	}
	if d.Store != nil {
		// The HTML pages and the upload desk (package web).
		s := web.NewSite(web.Config{Store: d.Store, Filings: d.Filings, Limits: d.Limits, BaseURL: d.BaseURL, SignIns: signIns,
			Publisher: publisher(d).Name})
		r.GET("/static/*file", s.Static)

		pub := r.Group("", web.Headers(false))
		pub.GET("/", s.Home)
		pub.GET("/regions/:code/:year", s.RegionYear)
		pub.GET("/regions/:code/departments/:dept", s.Department)
		pub.GET("/datasets", s.Datasets)
		// Pages a person can cite (web/citable.go): the dataset id and filing id are the API's.
		pub.GET("/datasets/:id", s.DatasetPage)
		pub.GET("/datasets/:id/releases/:n", s.ReleasePage)
		pub.GET("/datasets/:id/diff", s.DiffPage)
		pub.GET("/filings/:id", s.FilingRedirect)
		pub.GET("/regions/:code/departments/:dept/:year/:phase/:version", s.FilingPage)
		pub.GET("/changes", s.Changes)
		pub.GET("/rules", s.Rules)
		pub.GET("/search", s.Search)
		pub.GET("/scoreboard", s.Scoreboard)

		desk := r.Group("/desk", web.Headers(true))
		desk.GET("", s.DeskHome)
		desk.POST("/login", s.DeskLogin)
		desk.POST("/logout", s.DeskLogout)
		desk.POST("/upload", s.DeskUpload)
		desk.POST("/upload/confirm", s.DeskUploadConfirm)
		desk.GET("/open", s.DeskOpen)
		desk.GET("/filings/:id", s.DeskFiling)
		// A filing read from a PDF, page by page beside its figures (web/review.go).
		desk.GET("/filings/:id/review", s.DeskReview)
		desk.GET("/filings/:id/pages/:page", s.DeskPageImage)
		desk.POST("/filings/:id/figures", s.DeskCorrect)
		desk.POST("/filings/:id/confirm", s.DeskConfirmPage)
		desk.POST("/filings/:id/publish", s.DeskPublish)
		desk.POST("/filings/:id/withdraw", s.DeskWithdraw)
		desk.POST("/filings/:id/submit", s.DeskSubmit)
		desk.GET("/filings/:id/discard", s.DeskDiscardConfirm)
		desk.POST("/filings/:id/discard", s.DeskDiscard)
		desk.GET("/queue", s.DeskQueue)
		desk.POST("/queue/publish", s.DeskQueuePublish)
	}

	r.NoRoute(func(c *gin.Context) {
		c.JSON(http.StatusNotFound, ErrorBody{Error: ErrorDetail{Code: "not_found", Message: "没有这个地址：" + c.Request.URL.Path}})
	})
	r.NoMethod(func(c *gin.Context) {
		c.JSON(http.StatusMethodNotAllowed, ErrorBody{Error: ErrorDetail{Code: "method_not_allowed", Message: "此地址不支持 " + c.Request.Method + " 方法"}})
	})
	return r
}

// Routes lists every route New(d) serves (method and pattern, with the
// handler's name), for tests that walk them all, such as an authorisation
// matrix. It builds a router of its own, with its own metrics registry.
func Routes(d Deps) gin.RoutesInfo {
	d.Registry = prometheus.NewRegistry()
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	return newRouter(d.Store, d).Routes()
}

// MetricsHandler serves the registry's metrics in the Prometheus text format,
// without authentication: for a listener of its own that only the monitoring
// network reaches (serve --metrics-addr).
func MetricsHandler(reg *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
}
