package handlers_test

import (
	"bytes"
	"context"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"

	"sunshine/filings"
	"sunshine/handlers"
	"sunshine/models"
	"sunshine/store"
	"sunshine/store/storetest"
)

// Three departments' 2024 finals: 001 and 002 clean, 003 with a total that is not the sum of its items.
const publicationDrafts = "区划代码,部门编码,部门名称,年度,阶段,单位,合计,因公出国(境)费,公务用车购置费,公务用车运行费,公务接待费\n" +
	"431081,001,资兴市财政局,2024,决算,万元,12.00,0,0,8.50,3.50\n" +
	"431081,002,资兴市教育局,2024,决算,万元,6.00,1.00,0,3.00,2.00\n" +
	"431081,003,资兴市卫健委,2024,决算,万元,9.00,0,0,3.00,2.00\n"

func (a *api) send(t *testing.T, method, path, token, body string) *httptest.ResponseRecorder {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, "http://localhost:8080"+path, rd)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	w := httptest.NewRecorder()
	a.h.ServeHTTP(w, req)
	return w
}

func TestPublications_OneActOneReleaseScheduleCancel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		clock := storetest.NewClock()
		s.Now = clock.Now
		a := newAPI(t, s)
		a.deps.Filings.Checker = &filings.Rules{} // the real rules: 003's total is an error
		_, router := loadSpec(t)
		// Every answer below is also checked against docs/openapi.yaml.
		do := func(method, path, token, body string, want int) *httptest.ResponseRecorder {
			t.Helper()
			w := a.send(t, method, path, token, body)
			if w.Code != want {
				t.Fatalf("%s %s %s: %d, want %d: %s", method, path, body, w.Code, want, w.Body)
			}
			req := httptest.NewRequest(method, "http://localhost:8080"+path, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			route, params, err := router.FindRoute(req)
			if err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
				Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
			out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: w.Code, Header: w.Header(),
				Body: io.NopCloser(bytes.NewReader(w.Body.Bytes()))}
			if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
				t.Errorf("%s %s → %d does not match docs/openapi.yaml: %v\n%s", method, path, w.Code, err, w.Body)
			}
			return w
		}
		up := decode[handlers.UploadAnswer](t, a.upload(t, a.admin, "drafts.csv", []byte(publicationDrafts), ""))
		if len(up.Filings) != 3 {
			t.Fatalf("upload: %+v", up)
		}
		ids := map[string]int64{}
		for _, f := range up.Filings {
			ids[f.DeptCode] = f.ID
		}
		// Naming 003 (errors) refuses the whole act with its findings; nothing is published.
		w := do("POST", "/api/v1/publications", a.admin, `{"filings":[`+itoa(ids["001"])+`,`+itoa(ids["003"])+`],"note":"统一公开"}`, 409)
		rej := decode[handlers.RejectedAnswer](t, w)
		if !strings.Contains(rej.Error.Message, "错误") || rej.Report.Stats.Errors == 0 || rej.Report.Findings[0].FilingID != ids["003"] {
			t.Fatalf("refusal: %s", w.Body)
		}
		if f, _ := s.Filing(context.Background(), ids["001"]); f.Status != models.StatusDraft {
			t.Fatalf("a refused act published 001: %+v", f)
		}
		// Tokens other than an admin's are refused; a body is read strictly.
		do("POST", "/api/v1/publications", a.zixing, `{"filings":[`+itoa(ids["001"])+`]}`, 403)
		do("POST", "/api/v1/publications", "", `{"filings":[1]}`, 401)
		if w := do("POST", "/api/v1/publications", a.admin, `{"filing":[1]}`, 422); !strings.Contains(w.Body.String(), `\"filing\"`) {
			t.Fatalf("unknown member not named: %s", w.Body)
		}
		do("POST", "/api/v1/publications", a.admin, `{"filings":[1],"at":"明天上午"}`, 422)
		do("POST", "/api/v1/publications", a.admin, `{"region":"431081","year":2024,"phase":"final","at":"2020-01-01T00:00:00Z"}`, 422)

		// Scheduled for tomorrow: stored, answered as scheduled; then cancelled.
		w = do("POST", "/api/v1/publications", a.admin, `{"region":"431081","year":2024,"phase":"final","note":"定时","at":"2026-03-16T09:00:00+08:00"}`, 201)
		sched := decode[handlers.PublicationAnswer](t, w).Publication
		if sched.State != models.PublicationScheduled || len(sched.Filings) != 2 || sched.RunAt == nil || sched.RunAt.UTC().Hour() != 1 ||
			w.Header().Get("Location") != "/api/v1/publications/"+itoa(sched.ID) {
			t.Fatalf("scheduled: %s %v", w.Body, w.Header())
		}
		got := decode[handlers.PublicationAnswer](t, do("GET", "/api/v1/publications/"+itoa(sched.ID), a.admin, "", 200)).Publication
		if got.State != models.PublicationScheduled || got.Note != "定时" {
			t.Fatalf("GET: %+v", got)
		}
		do("GET", "/api/v1/publications/"+itoa(sched.ID), a.zixing, "", 403)
		waiting := decode[handlers.PublicationList](t, do("GET", "/api/v1/publications?state=scheduled", a.admin, "", 200)).Data
		if len(waiting) != 1 || waiting[0].ID != sched.ID || len(waiting[0].Filings) != 2 {
			t.Fatalf("waiting acts: %+v", waiting)
		}
		do("GET", "/api/v1/publications?state=waiting", a.admin, "", 422)
		if w := a.send(t, "GET", "/api/v1/publications?status=scheduled", a.admin, ""); w.Code != 400 {
			t.Fatalf("unknown parameter: %d", w.Code)
		}
		do("GET", "/api/v1/publications", a.zixing, "", 403)
		do("DELETE", "/api/v1/publications/"+itoa(sched.ID), a.zixing, "", 403)
		c := decode[handlers.PublicationAnswer](t, do("DELETE", "/api/v1/publications/"+itoa(sched.ID), a.admin, "", 200)).Publication
		if c.State != models.PublicationCancelled || c.DoneAt == nil {
			t.Fatalf("cancel: %+v", c)
		}
		do("DELETE", "/api/v1/publications/"+itoa(sched.ID), a.admin, "", 409)
		do("GET", "/api/v1/publications/99999", a.admin, "", 404)

		// The clean drafts of 431081 2024 final in one act: one release of the 三公 dataset holding both.
		w = do("POST", "/api/v1/publications", a.admin, `{"region":"431081","year":2024,"phase":"final","note":"2024 年决算统一公开"}`, 201)
		p := decode[handlers.PublicationAnswer](t, w).Publication
		if p.State != models.PublicationPublished || len(p.Filings) != 2 || len(p.Releases) != 1 {
			t.Fatalf("publication: %s", w.Body)
		}
		r := p.Releases[0]
		if r.DatasetID != "431081-2024-final-three_public" || r.Number != 1 || r.Filings != 2 || r.Rows != 2 || r.Note != "2024 年决算统一公开" {
			t.Fatalf("release: %+v", r)
		}
		all := decode[handlers.PublicationList](t, do("GET", "/api/v1/publications", a.admin, "", 200)).Data
		if len(all) != 2 || all[0].ID != p.ID || all[1].State != models.PublicationCancelled || len(all[0].Releases) != 1 {
			t.Fatalf("every act, newest first: %+v", all)
		}
		ds := decode[struct {
			Release  int              `json:"release"`
			Releases []models.Release `json:"releases"`
		}](t, a.get(t, "/api/v1/datasets/431081-2024-final-three_public"))
		if ds.Release != 1 || len(ds.Releases) != 1 || ds.Releases[0].Filings != 2 || *ds.Releases[0].PublicationID != p.ID {
			t.Fatalf("dataset: %+v", ds)
		}
	})
}
