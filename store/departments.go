package store

import (
	"context"
	"fmt"

	"sunshine/models"
)

// Names are public only once published. An upload calls PutRegion and
// PutDepartment, which create a missing row (the filing's foreign key needs
// it) and change nothing else; the names an upload gives are kept on its
// draft (NameDraft) and reach the regions and departments rows only when a
// filing is published (publishNames). The public reads (Regions, Region,
// Departments, Department) see only regions and departments with a version
// that was published, so a department that exists only in a draft is unknown
// to them.

// PutRegion makes sure a region exists. A new region gets no name until one of
// its filings is published; an existing region is left as it is. Race-free: two
// uploads creating the same region at once both succeed.
func (tx *Tx) PutRegion(ctx context.Context, r models.Region) error {
	if err := r.Validate(); err != nil {
		return err
	}
	if tx.regions[r.Code] {
		return nil // this transaction saw it already (each department asks again)
	}
	var n int
	if err := tx.p.GetContext(ctx, &n, `SELECT COUNT(*) FROM regions WHERE code = ?`, r.Code); err != nil {
		return fmt.Errorf("store: unable to read region %s: %w", r.Code, err)
	}
	if n == 0 {
		if _, err := tx.p.ExecContext(ctx, insertIgnore(tx.driver, "regions", []string{"code", "name"}, []string{"code"}),
			r.Code, ""); err != nil {
			return fmt.Errorf("store: unable to save region %s: %w", r.Code, err)
		}
	}
	if tx.regions == nil {
		tx.regions = map[string]bool{}
	}
	tx.regions[r.Code] = true
	return nil
}

// PutDepartment makes sure a department (and its region) exists. A new
// department gets no name until one of its filings is published; an existing
// one is left as it is (see NameDraft for where an upload's names go).
func (tx *Tx) PutDepartment(ctx context.Context, d models.Department) error {
	if err := d.Validate(); err != nil {
		return err
	}
	if err := tx.PutRegion(ctx, models.Region{Code: d.RegionCode}); err != nil {
		return err
	}
	var n int
	if err := tx.p.GetContext(ctx, &n, `SELECT COUNT(*) FROM departments WHERE region_code = ? AND code = ?`,
		d.RegionCode, d.Code); err != nil {
		return fmt.Errorf("store: unable to read department %s/%s: %w", d.RegionCode, d.Code, err)
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.p.ExecContext(ctx, insertIgnore(tx.driver, "departments", []string{"region_code", "code", "name", "parent_code"},
		[]string{"region_code", "code"}), d.RegionCode, d.Code, "", d.ParentCode); err != nil {
		return fmt.Errorf("store: unable to save department %s/%s: %w", d.RegionCode, d.Code, err)
	}
	return nil
}

// validDraftNames checks the names an upload gives a draft as those of a region and a department.
func validDraftNames(regionName, deptName string) error {
	if err := (models.Region{Code: "000000", Name: regionName}).Validate(); err != nil {
		return err
	}
	return (models.Department{RegionCode: "000000", Code: "0", Name: deptName}).Validate()
}

// NameDraft records the region and department names an upload gave a draft.
// An empty region name keeps the draft's current one. Published versions are
// never renamed.
func (tx *Tx) NameDraft(ctx context.Context, filingID int64, regionName, deptName string) error {
	if err := validDraftNames(regionName, deptName); err != nil {
		return err
	}
	_, err := tx.p.ExecContext(ctx, `UPDATE filings SET dept_name = ?,
		region_name = CASE WHEN ? = '' THEN region_name ELSE ? END WHERE id = ? AND status = 'draft'`,
		deptName, regionName, regionName, filingID)
	if err != nil {
		return fmt.Errorf("store: unable to name draft %d: %w", filingID, err)
	}
	return nil
}

// publishNames freezes the names of a filing being published and makes them
// the public names of its department and region. A version without a region
// name takes the region's published one.
func (tx *Tx) publishNames(ctx context.Context, f *models.Filing) error {
	if f.RegionName == "" {
		if err := tx.tx.GetContext(ctx, &f.RegionName, `SELECT name FROM regions WHERE code = ?`, f.RegionCode); err != nil {
			return fmt.Errorf("store: unable to read region %s: %w", f.RegionCode, err)
		}
	} else if _, err := tx.tx.ExecContext(ctx, `UPDATE regions SET name = ? WHERE code = ? AND name <> ?`,
		f.RegionName, f.RegionCode, f.RegionName); err != nil {
		return fmt.Errorf("store: unable to rename region %s: %w", f.RegionCode, err)
	}
	if _, err := tx.tx.ExecContext(ctx, `UPDATE departments SET name = ? WHERE region_code = ? AND code = ? AND name <> ?`,
		f.DeptName, f.RegionCode, f.DeptCode, f.DeptName); err != nil {
		return fmt.Errorf("store: unable to rename department %s/%s: %w", f.RegionCode, f.DeptCode, err)
	}
	if _, err := tx.tx.ExecContext(ctx, `UPDATE filings SET region_name = ? WHERE id = ?`, f.RegionName, f.ID); err != nil {
		return fmt.Errorf("store: unable to freeze names of filing %d: %w", f.ID, err)
	}
	return nil
}

// publicFiling is the condition that a filing (alias f) has been public: a
// version that was published, whether it is still, was corrected or withdrawn.
const publicFiling = `f.status IN ('published', 'superseded', 'withdrawn')`

// Regions lists, by code, every region with a published version.
func (s *Store) Regions(ctx context.Context) ([]models.Region, error) {
	rs := []models.Region{}
	if err := s.read.SelectContext(ctx, &rs, `SELECT rg.code, rg.name FROM regions rg
		WHERE EXISTS (SELECT 1 FROM filings f WHERE f.region_code = rg.code AND `+publicFiling+`) ORDER BY rg.code`); err != nil {
		return nil, fmt.Errorf("store: unable to list regions: %w", err)
	}
	return rs, nil
}

// Region returns one region with its published name. Returns ENOTFOUND if it
// does not exist or nothing of it was ever published.
func (s *Store) Region(ctx context.Context, code string) (models.Region, error) {
	rs := []models.Region{}
	err := s.read.SelectContext(ctx, &rs, `SELECT rg.code, rg.name FROM regions rg WHERE rg.code = ?
		AND EXISTS (SELECT 1 FROM filings f WHERE f.region_code = rg.code AND `+publicFiling+`)`, code)
	if err != nil {
		return models.Region{}, fmt.Errorf("store: unable to fetch region: %w", err)
	}
	if len(rs) == 0 {
		return models.Region{}, notFound("区划 " + code)
	}
	return rs[0], nil
}

// Departments lists, by code, a region's departments with a published version.
func (s *Store) Departments(ctx context.Context, region string) ([]models.Department, error) {
	ds := []models.Department{}
	err := s.read.SelectContext(ctx, &ds, `SELECT dp.region_code, dp.code, dp.name, dp.parent_code FROM departments dp
		WHERE dp.region_code = ? AND EXISTS (SELECT 1 FROM filings f
			WHERE f.region_code = dp.region_code AND f.dept_code = dp.code AND `+publicFiling+`) ORDER BY dp.code`, region)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list departments: %w", err)
	}
	return ds, nil
}

// Department returns one department of a region with its published name.
// Returns ENOTFOUND if there is none or it exists only in drafts.
func (s *Store) Department(ctx context.Context, region, code string) (models.Department, error) {
	ds := []models.Department{}
	err := s.read.SelectContext(ctx, &ds, `SELECT dp.region_code, dp.code, dp.name, dp.parent_code FROM departments dp
		WHERE dp.region_code = ? AND dp.code = ? AND EXISTS (SELECT 1 FROM filings f
			WHERE f.region_code = dp.region_code AND f.dept_code = dp.code AND `+publicFiling+`)`, region, code)
	if err != nil {
		return models.Department{}, fmt.Errorf("store: unable to fetch department: %w", err)
	}
	if len(ds) == 0 {
		return models.Department{}, notFound("部门 " + region + "/" + code + " ")
	}
	return ds[0], nil
}

// CheckPublic returns ENOTFOUND unless something of the region (and of the
// department, when dept is not "") was published: the public filters of the
// feeds and charts answer a department that exists only in drafts exactly as
// one that does not exist. region "" matches any region.
func (s *Store) CheckPublic(ctx context.Context, region, dept string) error {
	q := `SELECT COUNT(*) FROM filings f WHERE ` + publicFiling
	var args []any
	if region != "" {
		q, args = q+` AND f.region_code = ?`, append(args, region)
	}
	if dept != "" {
		q, args = q+` AND f.dept_code = ?`, append(args, dept)
	}
	var n int
	if err := s.read.GetContext(ctx, &n, q+` LIMIT 1`, args...); err != nil {
		return fmt.Errorf("store: unable to look up published filings: %w", err)
	}
	if n > 0 {
		return nil
	}
	switch {
	case dept != "" && region != "":
		return models.Errorf(models.ENOTFOUND, "区划 %s 没有已公开数据的部门 %s", region, dept)
	case dept != "":
		return models.Errorf(models.ENOTFOUND, "没有已公开数据的部门 %s", dept)
	}
	return models.Errorf(models.ENOTFOUND, "区划 %s 没有已公开的数据", region)
}
