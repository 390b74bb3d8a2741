package handlers_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"sunshine/filings"
	"sunshine/models"
	"sunshine/store"
	"sunshine/store/storetest"
)

// deskDraftLink finds the first draft the upload result page links to.
var deskDraftLink = regexp.MustCompile(`href="/desk/filings/(\d+)"`)

func deskDraftID(t *testing.T, body string) string {
	t.Helper()
	m := deskDraftLink.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no draft linked: %.2000s", body)
	}
	return m[1]
}

// uploadAt posts a file through the desk's upload form to action (the second
// button's formaction is "/desk/upload?then=review").
func (b *browser) uploadAt(action, name string, content []byte, csrf string) *httptest.ResponseRecorder {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", csrf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(content)
	mw.Close()
	req := httptest.NewRequest("POST", action, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

var cliActor = filings.Actor{Name: "cli"}

// The round at the desk, over HTTP: a draft with an error cannot be submitted
// (no button, and the form refused); "upload and submit" with the fixed file
// puts it in the admins' queue with its counts; an upload after submission
// takes it out until it is submitted again; the admin publishes the ticked
// drafts with one note in one act.
func TestDeskReview_SubmitQueueAndPublishInOneAct(t *testing.T) {
	s := storetest.SQLite(t)
	w := newWebSite(t, s)
	admin := makeToken(t, s, models.Token{Name: "管理员", Role: models.RoleAdmin})
	clerkToken := makeToken(t, s, models.Token{Name: "资兴财政局", Role: models.RoleUploader, RegionCode: "431081"})
	other := makeToken(t, s, models.Token{Name: "外区上传员", Role: models.RoleUploader, RegionCode: "110101"})

	clerk := newBrowser(t, w.h)
	clerk.login(clerkToken)
	rec := clerk.upload("三公.csv", []byte(badThreePublic), clerk.csrf())
	id := deskDraftID(t, rec.Body.String())
	page := clerk.get("/desk/filings/" + id).Body.String()
	if strings.Contains(page, `action="/desk/filings/`+id+`/submit"`) || !strings.Contains(page, "有错误的草稿不能提交审核") {
		t.Errorf("a draft with an error offers to be submitted: %.3000s", page)
	}
	if rec := clerk.post("/desk/filings/"+id+"/submit", url.Values{"csrf": {clerk.csrf()}}); rec.Code != http.StatusConflict ||
		!strings.Contains(rec.Body.String(), "不能提交审核") {
		t.Fatalf("submitting a draft with an error: %d %.500s", rec.Code, rec.Body)
	}

	// The fixed file, with "upload and submit".
	clerk.get("/desk")
	rec = clerk.uploadAt("/desk/upload?then=review", "三公（更正）.csv", []byte(goodThreePublic), clerk.csrf())
	if body := rec.Body.String(); rec.Code != http.StatusOK || !strings.Contains(body, "已提交审核 1 份草稿") || deskDraftID(t, body) != id {
		t.Fatalf("upload and submit: %d %.3000s", rec.Code, rec.Body)
	}
	reqs, err := s.ReviewRequests(context.Background(), []int64{mustID(t, id)})
	if r := reqs[mustID(t, id)]; err != nil || !r.Current || r.SubmittedBy != "资兴财政局" {
		t.Fatalf("the stored submission: %+v %v", r, err)
	}
	if home := clerk.get("/desk").Body.String(); !strings.Contains(home, "已提交审核") || !strings.Contains(home, "<strong>1</strong> 份已提交的草稿等待公开") {
		t.Errorf("the clerk's desk does not show the submission: %.3000s", home)
	}

	// The admin's queue: the draft with its counts, ticked.
	boss := newBrowser(t, w.h)
	boss.login(admin)
	queue := boss.get("/desk/queue").Body.String()
	box := regexp.MustCompile(`<input type="checkbox" name="id" value="` + id + `"[^>]* checked>`)
	if !box.MatchString(queue) || !strings.Contains(queue, "资兴财政局") || !strings.Contains(queue, `公开勾选的草稿`) {
		t.Fatalf("the queue: %.4000s", queue)
	}
	if outsider := newBrowser(t, w.h); true {
		outsider.login(other)
		if q := outsider.get("/desk/queue").Body.String(); strings.Contains(q, `value="`+id+`"`) || !strings.Contains(q, "没有等待公开的草稿") {
			t.Errorf("another region's uploader sees the queue's draft: %.2000s", q)
		}
	}
	if rec := clerk.post("/desk/queue/publish", url.Values{"csrf": {clerk.csrf()}, "id": {id}}); rec.Code != http.StatusForbidden {
		t.Errorf("the uploader publishes from the queue: %d", rec.Code)
	}

	// The clerk uploads again (a corrected 合计): out of the queue; the admin's page, loaded before, is refused.
	csrf := boss.csrf()
	clerk.get("/desk")
	clerk.upload("三公（再改）.csv", []byte(strings.Replace(goodThreePublic, "12.35,0,0,8.50,3.85", "12.36,0,0,8.51,3.85", 1)), clerk.csrf())
	if q := boss.get("/desk/queue").Body.String(); strings.Contains(q, `name="id" value="`+id+`"`) || !strings.Contains(q, `name="pick" value="`+id+`"`) {
		t.Errorf("a draft uploaded into after submission is still queued, or not offered beside the queue: %.5000s", q)
	}
	rec = boss.post("/desk/queue/publish", url.Values{"csrf": {csrf}, "id": {id}, "note": {"统一公开"}})
	if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "已不在待审核队列中") {
		t.Fatalf("publishing a draft that left the queue: %d %.1000s", rec.Code, rec.Body)
	}
	if f, _ := s.Filing(context.Background(), mustID(t, id)); f.Status != models.StatusDraft {
		t.Fatalf("the refused act published it: %s", f.Status)
	}
	page = clerk.get("/desk/filings/" + id).Body.String()
	if !strings.Contains(page, "提交后又上传过，需重新提交") {
		t.Errorf("the draft does not say its submission lapsed: %.3000s", page)
	}
	if rec := clerk.post("/desk/filings/"+id+"/submit", url.Values{"csrf": {clerk.csrf()}}); rec.Code != http.StatusSeeOther ||
		rec.Header().Get("Location") != "/desk/filings/"+id+"?done=submitted" {
		t.Fatalf("submitting again: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if page := clerk.get("/desk/filings/" + id + "?done=submitted").Body.String(); !strings.Contains(page, "已提交审核：管理员会在审核队列中看到这份草稿") ||
		strings.Contains(page, `action="/desk/filings/`+id+`/submit"`) {
		t.Errorf("after submitting: no message, or still a submit button: %.3000s", page)
	}

	// A clean draft never submitted (002's) is offered beside the queue, unticked, to the admin only.
	clerk.get("/desk")
	other002 := deskDraftID(t, clerk.upload("教育局三公.csv", []byte(strings.ReplaceAll(goodThreePublic, "001,资兴市财政局", "002,资兴市教育局")), clerk.csrf()).Body.String())
	queue = boss.get("/desk/queue").Body.String()
	if !regexp.MustCompile(`<input type="checkbox" name="pick" value="`+other002+`" id="p-`+other002+`" aria-label="[^"]*">`).MatchString(queue) ||
		strings.Contains(queue, `name="pick" value="`+id+`"`) {
		t.Errorf("the clean unsubmitted draft %s is not offered unticked beside the queue: %.5000s", other002, queue)
	}
	if q := clerk.get("/desk/queue").Body.String(); strings.Contains(q, `name="pick"`) {
		t.Errorf("an uploader is offered drafts to publish")
	}

	// Publish from the queue, one click, with the note; the ticked draft beside it joins the act.
	boss.get("/desk/queue")
	rec = boss.post("/desk/queue/publish", url.Values{"csrf": {boss.csrf()}, "id": {id}, "pick": {other002}, "note": {"2024 年决算统一公开"}})
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/desk/queue?done=published&n=2&r=1") {
		t.Fatalf("publish from the queue: %d %s %.500s", rec.Code, rec.Header().Get("Location"), rec.Body)
	}
	if msg := boss.get(rec.Header().Get("Location")).Body.String(); !strings.Contains(msg, "已公开 2 份申报，作为一次公开生成了 1 个数据集新版本") ||
		strings.Contains(msg, `value="`+id+`"`) || strings.Contains(msg, `value="`+other002+`"`) {
		t.Errorf("after publishing: %.2000s", msg)
	}
	f, err := s.Filing(context.Background(), mustID(t, id))
	if err != nil || f.Status != models.StatusPublished || f.Note == nil || *f.Note != "2024 年决算统一公开" || f.PublishedBy == nil || *f.PublishedBy != "管理员" {
		t.Fatalf("the published filing: %+v %v", f, err)
	}
	if f, err := s.Filing(context.Background(), mustID(t, other002)); err != nil || f.Status != models.StatusPublished {
		t.Fatalf("the draft ticked beside the queue: %+v %v", f, err)
	}
}

// Discarding at the desk asks first, then deletes the draft, says so, and
// audits it; the same file uploaded again makes a new draft. Another
// department's uploader cannot reach it, a published filing offers no
// discard, and the form needs its token.
func TestDeskDiscard_ConfirmsDeletesAndAudits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newWebSite(t, s)
		clerkToken := makeToken(t, s, models.Token{Name: "资兴财政局001", Role: models.RoleUploader, RegionCode: "431081", Depts: []string{"001"}})
		otherDept := makeToken(t, s, models.Token{Name: "资兴教育局", Role: models.RoleUploader, RegionCode: "431081", Depts: []string{"002"}})
		clerk := newBrowser(t, w.h)
		clerk.login(clerkToken)
		rec := clerk.upload("三公.csv", []byte(badThreePublic), clerk.csrf())
		id := deskDraftID(t, rec.Body.String())

		page := clerk.get("/desk/filings/" + id).Body.String()
		if !strings.Contains(page, `href="/desk/filings/`+id+`/discard"`) {
			t.Fatalf("the draft offers no discard: %.3000s", page)
		}
		confirm := clerk.get("/desk/filings/" + id + "/discard")
		if body := confirm.Body.String(); confirm.Code != http.StatusOK || !strings.Contains(body, "放弃草稿 "+id+"？") ||
			!strings.Contains(body, "不能恢复") || !strings.Contains(body, `action="/desk/filings/`+id+`/discard"`) {
			t.Fatalf("the confirmation: %d %.3000s", confirm.Code, body)
		}
		if rec := clerk.post("/desk/filings/"+id+"/discard", url.Values{}); rec.Code != http.StatusForbidden {
			t.Errorf("discard without the form token: %d", rec.Code)
		}
		outsider := newBrowser(t, w.h)
		outsider.login(otherDept)
		if rec := outsider.get("/desk/filings/" + id + "/discard"); rec.Code != http.StatusNotFound {
			t.Errorf("another department's uploader opens the confirmation: %d", rec.Code)
		}
		outsider.get("/desk")
		if rec := outsider.post("/desk/filings/"+id+"/discard", url.Values{"csrf": {outsider.csrf()}}); rec.Code != http.StatusNotFound {
			t.Errorf("another department's uploader discards: %d", rec.Code)
		}

		clerk.get("/desk/filings/" + id + "/discard")
		rec = clerk.post("/desk/filings/"+id+"/discard", url.Values{"csrf": {clerk.csrf()}})
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/desk?done=discarded&id="+id {
			t.Fatalf("discard: %d %s %.500s", rec.Code, rec.Header().Get("Location"), rec.Body)
		}
		home := clerk.get(rec.Header().Get("Location")).Body.String()
		if !strings.Contains(home, "已放弃草稿 "+id) || strings.Contains(home, `href="/desk/filings/`+id+`"`) {
			t.Errorf("the desk after discarding: %.3000s", home)
		}
		if rec := clerk.get("/desk/filings/" + id); rec.Code != http.StatusNotFound {
			t.Errorf("the discarded draft's page: %d", rec.Code)
		}
		log, err := s.AuditLog(context.Background(), "filing:"+id, 10)
		if err != nil || len(log) == 0 || log[0].Action != "discard" || log[0].Actor != "资兴财政局001" {
			t.Fatalf("the audit log: %+v %v", log, err)
		}

		// The same bytes again: a new draft, not "already uploaded".
		clerk.get("/desk")
		rec = clerk.upload("三公.csv", []byte(badThreePublic), clerk.csrf())
		if body := rec.Body.String(); strings.Contains(body, "之前已经上传过") || deskDraftID(t, body) == id {
			t.Fatalf("the same file after discarding: %.2000s", body)
		}

		// A published filing: no discard offered, and the form is refused.
		clerk.get("/desk")
		fixed := deskDraftID(t, clerk.upload("三公（更正）.csv", []byte(goodThreePublic), clerk.csrf()).Body.String())
		if _, err := w.svc.Publish(context.Background(), mustID(t, fixed), cliActor, ""); err != nil {
			t.Fatal(err)
		}
		if page := clerk.get("/desk/filings/" + fixed).Body.String(); strings.Contains(page, "/discard") {
			t.Errorf("a published filing offers a discard")
		}
		if rec := clerk.get("/desk/filings/" + fixed + "/discard"); rec.Code != http.StatusConflict {
			t.Errorf("the confirmation of a published filing: %d", rec.Code)
		}
		clerk.get("/desk")
		if rec := clerk.post("/desk/filings/"+fixed+"/discard", url.Values{"csrf": {clerk.csrf()}}); rec.Code != http.StatusConflict {
			t.Errorf("discarding a published filing: %d %.500s", rec.Code, rec.Body)
		}
	})
}
