package handlers_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"sunshine/handlers"
	"sunshine/models"
	"sunshine/store"
	"sunshine/store/storetest"
)

// deskCookies returns the desk's cookies an answer sets, by name.
func deskCookies(w *httptest.ResponseRecorder) map[string]*http.Cookie {
	out := map[string]*http.Cookie{}
	for _, c := range w.Result().Cookies() {
		out[c.Name] = c
	}
	return out
}

// Both desk cookies (the session and the sign-in form's token) are HttpOnly,
// SameSite=Strict and limited to /desk, and Secure whenever the browser
// reached the service over TLS: directly, through a proxy that says so, or
// because the deployment's public address is https://.
func TestDeskCookies_StrictHttpOnlyAndSecureBehindTLS(t *testing.T) {
	s := storetest.SQLite(t)
	a := newAPI(t, s)
	for _, tc := range []struct {
		name, baseURL, target string
		header                map[string]string
		secure                bool
	}{
		{name: "plain http", target: "http://example.com/desk"},
		{name: "TLS to the service", target: "https://example.com/desk", secure: true},
		{name: "TLS at a proxy", target: "http://example.com/desk", header: map[string]string{"X-Forwarded-Proto": "https"}, secure: true},
		{name: "--base-url https://", baseURL: "https://data.example.gov.cn", target: "http://example.com/desk", secure: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := a.deps
			d.BaseURL, d.Registry = tc.baseURL, prometheus.NewRegistry()
			b := newBrowser(t, handlers.New(d))
			for k, v := range tc.header {
				b.header[k] = v
			}
			page := b.do(httptest.NewRequest("GET", tc.target, nil))
			req := httptest.NewRequest("POST", strings.TrimSuffix(tc.target, "/desk")+"/desk/login",
				strings.NewReader(url.Values{"csrf": {b.csrf()}, "token": {a.admin}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			signIn := b.do(req)
			if signIn.Code != http.StatusSeeOther {
				t.Fatalf("sign in: %d %s", signIn.Code, signIn.Body)
			}
			for name, c := range map[string]*http.Cookie{"sign-in form": deskCookies(page)["sunshine_desk_login"],
				"session": deskCookies(signIn)["sunshine_desk"]} {
				if c == nil {
					t.Fatalf("no %s cookie: %v %v", name, page.Header().Values("Set-Cookie"), signIn.Header().Values("Set-Cookie"))
				}
				if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/desk" || c.Secure != tc.secure {
					t.Errorf("%s cookie: HttpOnly %v, SameSite %v, Path %q, Secure %v (want Secure %v)",
						name, c.HttpOnly, c.SameSite, c.Path, c.Secure, tc.secure)
				}
			}
		})
	}
}

// A new session id at every sign-in (one planted before is worthless); the
// session ends at sign-out, when its token is revoked, after more than 2
// hours unused and after 12 hours in any case.
func TestDeskSession_RotatedAtSignInAndEnded(t *testing.T) {
	s := storetest.SQLite(t)
	clock := storetest.NewClock()
	s.Now = clock.Now
	a := newAPI(t, s)
	works := func(id string) bool {
		b := newBrowser(t, a.h)
		b.cookies["sunshine_desk"] = &http.Cookie{Name: "sunshine_desk", Value: id}
		return strings.Contains(b.get("/desk").Body.String(), "已登录")
	}

	// Rotation: a browser already holding a session (an attacker's planted id,
	// or the clerk's own) gets a new id at sign-in, and the old one ends.
	b := newBrowser(t, a.h)
	b.login(a.zixing)
	first := b.cookies["sunshine_desk"].Value
	b.get("/desk") // the sign-in page is not shown to a signed-in browser: take its form token from a fresh one
	fresh := newBrowser(t, a.h)
	fresh.get("/desk")
	b.cookies["sunshine_desk_login"] = fresh.cookies["sunshine_desk_login"]
	rec := b.post("/desk/login", url.Values{"csrf": {fresh.csrf()}, "token": {a.admin}})
	second := b.cookies["sunshine_desk"].Value
	if rec.Code != http.StatusSeeOther || second == "" || second == first {
		t.Fatalf("second sign-in: %d, id %q then %q", rec.Code, first, second)
	}
	if works(first) {
		t.Error("the session id held before sign-in still works after it")
	}
	if !works(second) {
		t.Fatal("the new session does not work")
	}
	if _, left := b.cookies["sunshine_desk_login"]; left {
		t.Error("the sign-in form's token outlives the sign-in")
	}
	if !strings.Contains(b.get("/desk").Body.String(), "已登录：<strong>管理员</strong>") {
		t.Errorf("the desk after the second sign-in is not the admin's")
	}

	// Sign-out ends the session on the server, not only in the browser.
	b.get("/desk")
	if rec := b.post("/desk/logout", url.Values{"csrf": {b.csrf()}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("sign out: %d", rec.Code)
	}
	if c := deskCookies(b.last)["sunshine_desk"]; c == nil || c.MaxAge >= 0 {
		t.Errorf("sign-out does not delete the cookie: %v", b.last.Header().Values("Set-Cookie"))
	}
	if works(second) {
		t.Error("a signed-out session id still works")
	}

	// Revoking the token ends its sessions: pages ask to sign in, forms answer 401.
	b = newBrowser(t, a.h)
	b.login(a.zixing001)
	csrf := b.csrf()
	id := b.cookies["sunshine_desk"].Value
	if err := s.RevokeToken(context.Background(), "资兴财政局001", "test"); err != nil {
		t.Fatal(err)
	}
	if rec := b.upload("a.csv", []byte(goodThreePublic), csrf); rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), "重新登录") {
		t.Errorf("an upload with a revoked token's session: %d %s", rec.Code, rec.Body)
	}
	if works(id) {
		t.Error("a revoked token's session still works")
	}

	// Unused for more than 2 hours: ended. Used every hour: still ended after 12.
	b = newBrowser(t, a.h)
	b.login(a.admin)
	idle := b.cookies["sunshine_desk"].Value
	busy := newBrowser(t, a.h)
	busy.login(a.admin)
	for h := 1; h <= 11; h++ {
		clock.Advance(time.Hour)
		if !strings.Contains(busy.get("/desk").Body.String(), "已登录") {
			t.Fatalf("a session used every hour ended after %d hours", h)
		}
		if h == 3 && works(idle) {
			// works() would have touched it: checked once, past the limit.
			t.Error("a session unused for 3 hours still works")
		}
	}
	clock.Advance(time.Hour + time.Minute)
	if strings.Contains(busy.get("/desk").Body.String(), "已登录") {
		t.Error("a session outlives 12 hours")
	}
	if rec := busy.get("/desk/filings/1"); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/desk" {
		t.Errorf("a desk page after the session ended: %d %s", rec.Code, rec.Header().Get("Location"))
	}
}

// Sign-in attempts are limited per client at the desk: past the limit even
// the right token waits, told so in Chinese with the seconds to wait; another
// client signs in meanwhile.
func TestDeskSignIn_LimitedPerClientWithAClearMessage(t *testing.T) {
	s := storetest.SQLite(t)
	a := newAPI(t, s)
	a.deps.SignInLimit = handlers.SignInLimit{Every: time.Hour, Burst: 2}
	a.deps.Registry = prometheus.NewRegistry()
	h := handlers.New(a.deps)
	signIn := func(addr, token string) *httptest.ResponseRecorder {
		b := newBrowser(t, h)
		b.get("/desk")
		req := httptest.NewRequest("POST", "/desk/login", strings.NewReader(url.Values{"csrf": {b.csrf()}, "token": {token}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.RemoteAddr = addr
		return b.do(req)
	}
	for i := 0; i < 2; i++ {
		if w := signIn("198.51.100.7:4000", "sun_guess"); w.Code != http.StatusUnauthorized || !strings.Contains(w.Body.String(), "令牌无效") {
			t.Fatalf("wrong token %d: %d", i+1, w.Code)
		}
	}
	w := signIn("198.51.100.7:4001", a.admin)
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") == "" {
		t.Fatalf("the right token past the limit: %d %v", w.Code, w.Header())
	}
	if body := w.Body.String(); !strings.Contains(body, "令牌错误次数过多，请 ") || !strings.Contains(body, " 秒后再试") ||
		!strings.Contains(body, `type="password"`) {
		t.Errorf("the limited sign-in page does not say why and how long: %s", body)
	}
	if _, ok := deskCookies(w)["sunshine_desk"]; ok {
		t.Error("a limited client got a session")
	}
	if w := signIn("198.51.100.8:4000", a.admin); w.Code != http.StatusSeeOther {
		t.Errorf("another client: %d", w.Code)
	}
}

// Desk sessions live in the database: a new server on the same database (a
// restart) still knows the cookie, two servers on one database (replicas)
// share a session — its form token, its sign-out — and the database holds only
// the SHA-256 of the id. Expired sessions are deleted by the periodic purge,
// without their browsers coming back.
func TestDeskSession_SurvivesARestartAndIsSharedByReplicas(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		clock := storetest.NewClock()
		s.Now = clock.Now
		a := newAPI(t, s)
		server := func() http.Handler {
			d := a.deps
			d.Registry = prometheus.NewRegistry()
			return handlers.New(d)
		}
		signedIn := func(h http.Handler, id string) bool {
			b := newBrowser(t, h)
			b.cookies["sunshine_desk"] = &http.Cookie{Name: "sunshine_desk", Value: id}
			return strings.Contains(b.get("/desk").Body.String(), "已登录：<strong>资兴财政局</strong>")
		}

		first := server()
		b := newBrowser(t, first)
		b.login(a.zixing)
		id := b.cookies["sunshine_desk"].Value
		csrf := b.csrf()
		ctx := context.Background()
		if _, err := s.DeskSession(ctx, models.HashToken(id)); err != nil {
			t.Fatalf("the session is not in the database under the hash of its id: %v", err)
		}
		if _, err := s.DeskSession(ctx, id); models.ErrorCode(err) != models.ENOTFOUND {
			t.Errorf("the database holds the cookie's value itself: %v", err)
		}

		// A restart: a new server object on the same database.
		restarted := server()
		if !signedIn(restarted, id) {
			t.Fatal("the session does not survive a restart")
		}
		b.h = restarted
		if rec := b.upload("三公.csv", []byte(goodThreePublic), csrf); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "已保存到 1 份草稿") {
			t.Fatalf("an upload after the restart with the form token of before: %d %.300s", rec.Code, rec.Body)
		}

		// Replicas: a page of one, a form to the other; sign-out at one ends it at both.
		replica := server()
		b.h = first
		b.get("/desk")
		b.h = replica
		if rec := b.post("/desk/logout", url.Values{"csrf": {b.csrf()}}); rec.Code != http.StatusSeeOther {
			t.Fatalf("sign-out at the replica: %d %s", rec.Code, rec.Body)
		}
		for name, h := range map[string]http.Handler{"first": first, "restarted": restarted, "replica": replica} {
			if signedIn(h, id) {
				t.Errorf("the signed-out session still works at the %s server", name)
			}
		}

		// Purge: sessions whose browsers never come back are deleted once expired.
		for range 3 {
			newBrowser(t, first).login(a.zixing)
		}
		if n, _ := s.CountDeskSessions(ctx); n != 3 {
			t.Fatalf("%d sessions stored, want 3", n)
		}
		clock.Advance(2*time.Hour + time.Minute)
		if n, _ := s.CountDeskSessions(ctx); n != 3 {
			t.Fatalf("%d sessions before any purge, want 3", n)
		}
		newBrowser(t, replica).get("/desk") // any desk request of a process that has not purged for 10 minutes
		if n, _ := s.CountDeskSessions(ctx); n != 0 {
			t.Errorf("%d expired sessions left after the purge", n)
		}
	})
}
