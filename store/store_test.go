package store_test

import (
	"context"
	"errors"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"testing"

	"sunshine/migrations"
	"sunshine/models"
	"sunshine/store"
	"sunshine/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

var ctx = context.Background()

func TestMigrations_BothDialectsHaveTheSameFiles(t *testing.T) {
	names := func(dir string) []string {
		entries, err := fs.ReadDir(migrations.FS, dir)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range entries {
			out = append(out, e.Name())
		}
		return out
	}
	sqlite, mysql := names("sqlite"), names("mysql")
	if len(sqlite) == 0 {
		t.Fatal("no migrations found")
	}
	if !slices.Equal(sqlite, mysql) {
		t.Fatalf("migration files differ:\nsqlite: %v\nmysql:  %v", sqlite, mysql)
	}
}

func TestMigrate_UpFromEmptyAndIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		st, err := s.SchemaStatus(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.Current != st.Latest || st.Latest < 1 {
			t.Fatalf("after migrate: current %d latest %d", st.Current, st.Latest)
		}
		again, err := s.Migrate(ctx)
		if err != nil || again != st {
			t.Fatalf("second migrate: %+v, %v", again, err)
		}
		// Every table the model needs answers a query.
		for _, tbl := range []string{"regions", "departments", "filings", "three_public", "line_items", "findings",
			"uploads", "upload_filings", "tokens", "token_depts", "audit_log"} {
			err := s.Write(ctx, func(tx *store.Tx) error { return store.ExecForTest(ctx, tx, "SELECT COUNT(*) FROM "+tbl) })
			if err != nil {
				t.Fatalf("table %s: %v", tbl, err)
			}
		}
	})
}

func TestMigrate_RefusesDatabaseAtNewerVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		st, _ := s.SchemaStatus(ctx)
		// Pretend a newer sunshine migrated this database.
		err := s.Write(ctx, func(tx *store.Tx) error {
			return store.ExecForTest(ctx, tx, `INSERT INTO goose_db_version (version_id, is_applied) VALUES (?, ?)`, st.Latest+5, true)
		})
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.Migrate(ctx)
		if models.ErrorCode(err) != models.ESCHEMA {
			t.Fatalf("want ESCHEMA, got %v", err)
		}
	})
}

func TestParseDSN(t *testing.T) {
	good := map[string]store.Driver{
		"sqlite:./data/sunshine.db":                             store.SQLite,
		"sqlite:/tmp/x.db":                                      store.SQLite,
		"mysql://root@tcp(127.0.0.1:3306)/sunshine":             store.MySQL,
		"mysql://u:p@tcp(db:3306)/sunshine?parseTime=true":      store.MySQL,
		"mysql://u:p@tcp(db:3306)/sunshine?parseTime=false&x=1": store.MySQL,
	}
	for dsn, want := range good {
		c, err := store.ParseDSN(dsn)
		if err != nil || c.Driver != want {
			t.Errorf("%s: %v %v", dsn, c.Driver, err)
		}
		if want == store.MySQL && (!c.MySQL.ParseTime || c.MySQL.Collation != "utf8mb4_unicode_ci") {
			t.Errorf("%s: service parameters not set: %+v", dsn, c.MySQL)
		}
	}
	for _, dsn := range []string{"", "postgres://x", "sqlite:", "mysql://root@tcp(127.0.0.1:3306)/", "mysql://u:secret@tcp(h:1/x"} {
		_, err := store.ParseDSN(dsn)
		if models.ErrorCode(err) != models.EINVALID {
			t.Errorf("%q: want EINVALID, got %v", dsn, err)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("%q: error leaks the password: %v", dsn, err)
		}
	}
}

func TestOpen_UnreachableMySQLIsOneClearError(t *testing.T) {
	_, err := store.Open(ctx, "mysql://root@tcp(127.0.0.1:1)/sunshine")
	if models.ErrorCode(err) != models.EUNAVAILABLE {
		t.Fatalf("want EUNAVAILABLE, got %v", err)
	}
	if !strings.Contains(err.Error(), "无法连接数据库") {
		t.Fatalf("message: %v", err)
	}
}

func key(dept string, year int, phase models.Phase) models.FilingKey {
	return models.FilingKey{RegionCode: "431081", DeptCode: dept, FiscalYear: year, Phase: phase}
}

func seedDept(t *testing.T, s *store.Store, code string) {
	t.Helper()
	err := s.Write(ctx, func(tx *store.Tx) error {
		if err := tx.PutRegion(ctx, models.Region{Code: "431081", Name: "示例市（演示数据）"}); err != nil {
			return err
		}
		return tx.PutDepartment(ctx, models.Department{RegionCode: "431081", Code: code, Name: "财政局"})
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestDepartments_KeepLeadingZerosAndUpdateNames(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seedDept(t, s, "001")
		seedDept(t, s, "1")
		// Only departments with a published version are public, by their published names.
		if ds, err := s.Departments(ctx, "431081"); err != nil || len(ds) != 0 {
			t.Fatalf("draft-only departments must not be listed: %+v %v", ds, err)
		}
		if _, err := s.Region(ctx, "431081"); models.ErrorCode(err) != models.ENOTFOUND {
			t.Fatalf("a region with nothing published: want ENOTFOUND, got %v", err)
		}
		publishNamed(t, s, key("1", 2024, models.PhaseBudget), "示例市（演示数据）", "财政局")
		publishNamed(t, s, key("001", 2024, models.PhaseBudget), "", "财政局（改名）")
		ds, err := s.Departments(ctx, "431081")
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) != 2 || ds[0].Code != "001" || ds[0].Name != "财政局（改名）" || ds[1].Code != "1" || ds[1].Name != "财政局" {
			t.Fatalf("departments: %+v", ds)
		}
		r, err := s.Region(ctx, "431081")
		if err != nil || r.Name != "示例市（演示数据）" {
			t.Fatalf("region: %+v %v", r, err)
		}
		if _, err := s.Region(ctx, "999999"); models.ErrorCode(err) != models.ENOTFOUND {
			t.Fatalf("want ENOTFOUND, got %v", err)
		}
	})
}

// publishNamed opens a draft of k named as an upload would name it and publishes it.
func publishNamed(t *testing.T, s *store.Store, k models.FilingKey, region, dept string) models.Filing {
	t.Helper()
	var out models.Filing
	err := s.Write(ctx, func(tx *store.Tx) error {
		if err := tx.PutDepartment(ctx, models.Department{RegionCode: k.RegionCode, Code: k.DeptCode, Name: dept}); err != nil {
			return err
		}
		f, _, err := tx.OpenDraft(ctx, k, "t")
		if err != nil {
			return err
		}
		if err := tx.NameDraft(ctx, f.ID, region, dept); err != nil {
			return err
		}
		_, err = tx.LatestPublished(ctx, k)
		if err != nil && models.ErrorCode(err) != models.ENOTFOUND {
			return err
		}
		note := ""
		if err == nil {
			note = "更名"
		}
		if err := tx.PutThreePublic(ctx, models.ThreePublic{FilingID: f.ID, Total: models.Disclosed(100), Unit: models.Yuan}); err != nil {
			return err
		}
		if out, err = tx.Publish(ctx, f.ID, "admin", note); err != nil {
			return err
		}
		_, err = tx.RecordReleases(ctx, []store.ReleaseChange{{Filing: out, Action: store.ActionPublish}}, 0, note, "admin")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A draft that renames its department and region changes no public name and
// no release: the names are public once published, and then only in later releases.
func TestNames_ComeFromPublishedVersionsNeverFromDrafts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		k := key("001", 2024, models.PhaseFinal)
		v1 := publishNamed(t, s, k, "示例市", "财政局")
		id := store.DatasetID("431081", 2024, models.PhaseFinal, models.KindThreePublic)
		publicNames := func() string {
			t.Helper()
			r, err := s.Region(ctx, "431081")
			if err != nil {
				t.Fatal(err)
			}
			d, err := s.Department(ctx, "431081", "001")
			if err != nil {
				t.Fatal(err)
			}
			ds, err := s.Dataset(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			rels, err := s.Releases(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			out := r.Name + "|" + d.Name + "|" + ds.RegionName
			for _, rel := range rels {
				out += "|" + strconv.Itoa(rel.Number) + ":" + rel.RegionName + "/" + rel.DeptName
			}
			err = s.EachThreePublic(ctx, store.FeedFilter{}, func(r store.ThreePublicRow) error {
				out += "|feed:" + r.RegionName + "/" + r.DeptName
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			members, err := s.ReleaseMembers(ctx, id, 1)
			if err != nil {
				t.Fatal(err)
			}
			err = s.EachThreePublic(ctx, store.FeedFilter{Members: members}, func(r store.ThreePublicRow) error {
				out += "|r1:" + r.RegionName + "/" + r.DeptName
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
		want := "示例市|财政局|示例市|1:示例市/财政局|feed:示例市/财政局|r1:示例市/财政局"
		if got := publicNames(); got != want {
			t.Fatalf("published names:\n got %s\nwant %s", got, want)
		}
		// A draft renames both, and a draft-only department appears: nothing public changes.
		err := s.Write(ctx, func(tx *store.Tx) error {
			for _, dept := range []string{"001", "099"} {
				if err := tx.PutDepartment(ctx, models.Department{RegionCode: "431081", Code: dept, Name: "草稿部门"}); err != nil {
					return err
				}
				f, _, err := tx.OpenDraft(ctx, key(dept, 2024, models.PhaseFinal), "clerk")
				if err != nil {
					return err
				}
				if err := tx.NameDraft(ctx, f.ID, "草稿市", "草稿部门"); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := publicNames(); got != want {
			t.Fatalf("a draft changed public names:\n got %s\nwant %s", got, want)
		}
		if _, err := s.Department(ctx, "431081", "099"); models.ErrorCode(err) != models.ENOTFOUND {
			t.Fatalf("a draft-only department must be unknown to the public: %v", err)
		}
		if ds, _ := s.Departments(ctx, "431081"); len(ds) != 1 {
			t.Fatalf("departments: %+v", ds)
		}
		// Published, the new names are public from release 2 on; release 1 keeps its own.
		v2 := publishNamed(t, s, k, "新市", "新财政局")
		if v2.Version != 2 || v2.DeptName != "新财政局" || v2.RegionName != "新市" {
			t.Fatalf("v2: %+v", v2)
		}
		want = "新市|新财政局|新市|2:新市/新财政局|1:示例市/财政局|feed:新市/新财政局|r1:示例市/财政局"
		if got := publicNames(); got != want {
			t.Fatalf("after publication:\n got %s\nwant %s", got, want)
		}
		if f, _ := s.Filing(ctx, v1.ID); f.DeptName != "财政局" || f.RegionName != "示例市" {
			t.Fatalf("a superseded version keeps its names: %+v", f)
		}
	})
}

func TestThreePublic_NotDisclosedStaysApartFromZero(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seedDept(t, s, "001")
		in := models.ThreePublic{
			Total: models.Disclosed(830000), OutboundTrips: models.Disclosed(0), Vehicles: models.NotDisclosed,
			VehiclePurchase: models.NotDisclosed, VehicleOperation: models.Disclosed(500000), Reception: models.Disclosed(330000),
			BudgetTotal: models.Disclosed(900000), TripGroups: models.CountOf(0), VehiclesHeld: models.CountOf(3),
			ChangeReason: "压减一般性支出", Unit: models.WanYuan, SourceRow: 7,
		}
		var f models.Filing
		err := s.Write(ctx, func(tx *store.Tx) error {
			var err error
			f, _, err = tx.OpenDraft(ctx, key("001", 2024, models.PhaseFinal), "test")
			if err != nil {
				return err
			}
			in.FilingID = f.ID
			return tx.PutThreePublic(ctx, in)
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.ThreePublic(ctx, f.ID)
		if err != nil || got == nil {
			t.Fatalf("%v %v", got, err)
		}
		if *got != in {
			t.Fatalf("round trip:\n got %+v\nwant %+v", *got, in)
		}
		if got.Vehicles.Valid || !got.OutboundTrips.Valid || got.OutboundTrips.Money != 0 || got.TripPersons.Valid || !got.TripGroups.Valid {
			t.Fatalf("not disclosed and zero mixed up: %+v", got)
		}
		none, err := s.ThreePublic(ctx, f.ID+100)
		if err != nil || none != nil {
			t.Fatalf("missing record: %v %v", none, err)
		}
	})
}

func TestLineItems_BatchInsertReplaceAndNull(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seedDept(t, s, "001")
		var f models.Filing
		const n = 2500 // more than one INSERT batch
		err := s.Write(ctx, func(tx *store.Tx) error {
			var err error
			if f, _, err = tx.OpenDraft(ctx, key("001", 2024, models.PhaseBudget), "test"); err != nil {
				return err
			}
			items := make([]models.LineItem, 0, n+1)
			for i := 0; i < n; i++ {
				items = append(items, models.LineItem{FilingID: f.ID, Table: models.TableGeneralExpenditure,
					Code: "2010101", Name: "行政运行", Column: "total", Amount: models.Disclosed(models.Money(i)), Unit: models.Yuan, SourceRow: i + 2})
			}
			items = append(items, models.LineItem{FilingID: f.ID, Table: models.TableBasicExpenditure, Code: "30101",
				Name: "基本工资", Column: "total", Amount: models.NotDisclosed, Unit: models.WanYuan, SourceRow: 9})
			return tx.InsertLineItems(ctx, items)
		})
		if err != nil {
			t.Fatal(err)
		}
		items, err := s.LineItems(ctx, f.ID)
		if err != nil || len(items) != n+1 {
			t.Fatalf("len %d, %v", len(items), err)
		}
		if items[0].Table != models.TableBasicExpenditure || items[0].Amount.Valid || items[0].Unit != models.WanYuan {
			t.Fatalf("null amount: %+v", items[0])
		}
		var sum models.Money
		for _, li := range items[1:] {
			sum += li.Amount.Money
		}
		if sum != n*(n-1)/2 {
			t.Fatalf("sum %d", sum)
		}
		// Replacing one table leaves the others.
		err = s.Write(ctx, func(tx *store.Tx) error { return tx.DeleteTable(ctx, f.ID, models.TableGeneralExpenditure) })
		if err != nil {
			t.Fatal(err)
		}
		items, _ = s.LineItems(ctx, f.ID)
		if len(items) != 1 {
			t.Fatalf("after delete: %d", len(items))
		}
	})
}

func TestWrite_RollsBackEverythingOnError(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		boom := errors.New("boom")
		err := s.Write(ctx, func(tx *store.Tx) error {
			if err := tx.PutDepartment(ctx, models.Department{RegionCode: "431081", Code: "002", Name: "教育局"}); err != nil {
				return err
			}
			if _, _, err := tx.OpenDraft(ctx, key("002", 2024, models.PhaseBudget), "test"); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("want boom, got %v", err)
		}
		if rs, _ := s.Regions(ctx); len(rs) != 0 {
			t.Fatalf("region survived rollback: %+v", rs)
		}
		if fs, _ := s.Filings(ctx, store.FilingFilter{}); len(fs) != 0 {
			t.Fatalf("filing survived rollback: %+v", fs)
		}
	})
}

func TestFilings_DraftPublishSupersede(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seedDept(t, s, "001")
		k := key("001", 2023, models.PhaseFinal)
		open := func() (f models.Filing, created bool) {
			t.Helper()
			err := s.Write(ctx, func(tx *store.Tx) error {
				var err error
				f, created, err = tx.OpenDraft(ctx, k, "clerk")
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return f, created
		}
		publish := func(id int64, note string) (models.Filing, error) {
			var f models.Filing
			err := s.Write(ctx, func(tx *store.Tx) error {
				var err error
				f, err = tx.Publish(ctx, id, "admin", note)
				return err
			})
			return f, err
		}
		d1, created := open()
		if !created || d1.Version != 1 || d1.Status != models.StatusDraft || d1.CreatedBy != "clerk" {
			t.Fatalf("first draft: %+v", d1)
		}
		if again, created := open(); created || again.ID != d1.ID {
			t.Fatalf("second open made a new draft: %+v", again)
		}
		p1, err := publish(d1.ID, "")
		if err != nil || p1.Status != models.StatusPublished || p1.PublishedAt == nil || *p1.PublishedBy != "admin" {
			t.Fatalf("publish v1: %+v %v", p1, err)
		}
		if _, err := publish(d1.ID, ""); models.ErrorCode(err) != models.ECONFLICT {
			t.Fatalf("publishing twice: want ECONFLICT, got %v", err)
		}
		d2, created := open()
		if !created || d2.Version != 2 {
			t.Fatalf("draft v2: %+v", d2)
		}
		if _, err := publish(d2.ID, "  "); models.ErrorCode(err) != models.EINVALID {
			t.Fatalf("correction without note: want EINVALID, got %v", err)
		}
		p2, err := publish(d2.ID, "更正公务接待费")
		if err != nil || p2.Note == nil || *p2.Note != "更正公务接待费" {
			t.Fatalf("publish v2: %+v %v", p2, err)
		}
		old, _ := s.Filing(ctx, d1.ID)
		if old.Status != models.StatusSuperseded {
			t.Fatalf("v1 after v2: %s", old.Status)
		}
		latest, err := s.LatestPublished(ctx, k)
		if err != nil || latest.ID != d2.ID {
			t.Fatalf("latest: %+v %v", latest, err)
		}
		pub, _ := s.Filings(ctx, store.FilingFilter{Region: "431081", Year: 2023, Phase: models.PhaseFinal,
			Statuses: []models.Status{models.StatusPublished}})
		if len(pub) != 1 || pub[0].ID != d2.ID {
			t.Fatalf("published filter: %+v", pub)
		}
		var w models.Filing
		err = s.Write(ctx, func(tx *store.Tx) error {
			w, err = tx.Withdraw(ctx, d2.ID, "admin", "数据有误，撤回重报")
			return err
		})
		if err != nil || w.Status != models.StatusWithdrawn {
			t.Fatalf("withdraw: %+v %v", w, err)
		}
		if _, err := s.Filing(ctx, 9999); models.ErrorCode(err) != models.ENOTFOUND {
			t.Fatalf("want ENOTFOUND, got %v", err)
		}
	})
}

func TestFilings_KeysetPaging(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seedDept(t, s, "001")
		err := s.Write(ctx, func(tx *store.Tx) error {
			for y := 2015; y < 2025; y++ {
				if _, _, err := tx.OpenDraft(ctx, key("001", y, models.PhaseBudget), "t"); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var seen []int
		var after int64
		for {
			page, err := s.Filings(ctx, store.FilingFilter{AfterID: after, Limit: 3})
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			for _, f := range page {
				seen = append(seen, f.FiscalYear)
			}
			after = page[len(page)-1].ID
		}
		if len(seen) != 10 || seen[0] != 2015 || seen[9] != 2024 {
			t.Fatalf("pages: %v", seen)
		}
	})
}

func TestFindings_ReplaceAndOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seedDept(t, s, "001")
		var f models.Filing
		err := s.Write(ctx, func(tx *store.Tx) error {
			var err error
			if f, _, err = tx.OpenDraft(ctx, key("001", 2024, models.PhaseBudget), "t"); err != nil {
				return err
			}
			if err := tx.ReplaceFindings(ctx, f.ID, []models.Finding{{Rule: "x", Severity: models.SeverityError, Message: "旧"}}); err != nil {
				return err
			}
			return tx.ReplaceFindings(ctx, f.ID, []models.Finding{
				{Rule: "count.order", Severity: models.SeverityWarning, Message: "人次少于团组数", Table: "three_public", Column: "trip_persons", Row: 3},
				{Rule: "three_public.total", Severity: models.SeverityError, Message: "合计不等于分项之和", Table: "three_public",
					Code: "total", Column: "total", Row: 3, Expected: "10.00", Actual: "11.00", OtherTable: "basic_expenditure", OtherCode: "30217",
					Cells: models.Cells{{Table: "expenditure", Code: "201", Column: "basic", Row: 7}, {Table: "expenditure", Code: "20106", Column: "basic", Row: 8}}},
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Findings(ctx, f.ID)
		if err != nil || len(got) != 2 {
			t.Fatalf("%+v %v", got, err)
		}
		if got[0].Rule != "three_public.total" || got[0].OtherCode != "30217" || got[0].FilingID != f.ID || got[1].Severity != models.SeverityWarning {
			t.Fatalf("order or fields: %+v", got)
		}
		if len(got[0].Cells) != 2 || got[0].Cells[1] != (models.Cell{Table: "expenditure", Code: "20106", Column: "basic", Row: 8}) || got[1].Cells != nil {
			t.Fatalf("cells: %+v / %+v", got[0].Cells, got[1].Cells)
		}
	})
}

func TestTokens_CreateFindRevokeAudit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		secret, hash, err := models.NewTokenSecret()
		if err != nil {
			t.Fatal(err)
		}
		tok, err := s.CreateToken(ctx, models.Token{Name: "资兴财政局", Role: models.RoleUploader, RegionCode: "431081",
			Depts: []string{"001", "002"}, Hash: hash}, "cli")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateToken(ctx, models.Token{Name: "资兴财政局", Role: models.RoleAdmin, Hash: "x"}, "cli"); models.ErrorCode(err) != models.ECONFLICT {
			t.Fatalf("duplicate name: want ECONFLICT, got %v", err)
		}
		got, err := s.TokenByHash(ctx, models.HashToken(secret))
		if err != nil || got.ID != tok.ID || !slices.Equal(got.Depts, []string{"001", "002"}) || !got.Active() {
			t.Fatalf("by hash: %+v %v", got, err)
		}
		if !got.MayWrite("431081", "002") || got.MayWrite("431081", "003") {
			t.Fatalf("scope not loaded: %+v", got)
		}
		if err := s.RevokeToken(ctx, "资兴财政局", "cli"); err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeToken(ctx, "资兴财政局", "cli"); models.ErrorCode(err) != models.ECONFLICT {
			t.Fatalf("revoke twice: %v", err)
		}
		got, _ = s.TokenByHash(ctx, hash)
		if got.Active() || got.MayWrite("431081", "001") {
			t.Fatalf("revoked token still active: %+v", got)
		}
		log, err := s.AuditLog(ctx, "", 10)
		if err != nil || len(log) != 2 || log[0].Action != "token.revoke" || log[1].Action != "token.create" || log[1].Actor != "cli" {
			t.Fatalf("audit: %+v %v", log, err)
		}
		ts, _ := s.Tokens(ctx)
		if len(ts) != 1 {
			t.Fatalf("tokens: %+v", ts)
		}
	})
}

func TestAuditLog_IsAppendOnlyInSQLite(t *testing.T) {
	s := storetest.SQLite(t)
	err := s.Write(ctx, func(tx *store.Tx) error { return tx.Audit(ctx, "cli", "test", "x:1", map[string]int{"a": 1}) })
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`UPDATE audit_log SET actor = 'mallory'`, `DELETE FROM audit_log`} {
		err := s.Write(ctx, func(tx *store.Tx) error { return store.ExecForTest(ctx, tx, q) })
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Fatalf("%s: want refusal, got %v", q, err)
		}
	}
}

func TestUploads_RecognisedBySHA256(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seedDept(t, s, "001")
		var f models.Filing
		u := models.Upload{SHA256: "ab12", Filename: "三公.csv", Kind: models.KindThreePublic, Size: 10, Rows: 1, CreatedBy: "clerk"}
		err := s.Write(ctx, func(tx *store.Tx) error {
			var err error
			if f, _, err = tx.OpenDraft(ctx, key("001", 2024, models.PhaseBudget), "t"); err != nil {
				return err
			}
			_, err = tx.RecordUpload(ctx, u, []int64{f.ID})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		got, ids, err := s.UploadBySHA256(ctx, "ab12")
		if err != nil || got.Filename != "三公.csv" || !slices.Equal(ids, []int64{f.ID}) {
			t.Fatalf("%+v %v %v", got, ids, err)
		}
		err = s.Write(ctx, func(tx *store.Tx) error { _, err := tx.RecordUpload(ctx, u, nil); return err })
		if models.ErrorCode(err) != models.ECONFLICT {
			t.Fatalf("same bytes twice: want ECONFLICT, got %v", err)
		}
		if _, _, err := s.UploadBySHA256(ctx, "ffff"); models.ErrorCode(err) != models.ENOTFOUND {
			t.Fatalf("want ENOTFOUND, got %v", err)
		}
	})
}
