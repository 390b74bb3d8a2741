package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"sunshine/models"
)

// PutRegion records a region, or renames it when a non-empty name differs.
func (tx *Tx) PutRegion(ctx context.Context, r models.Region) error {
	if err := r.Validate(); err != nil {
		return err
	}
	var name string
	err := tx.p.GetContext(ctx, &name, `SELECT name FROM regions WHERE code = ?`, r.Code)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, err = tx.p.ExecContext(ctx, `INSERT INTO regions (code, name) VALUES (?, ?)`, r.Code, r.Name)
	case err == nil && r.Name != "" && r.Name != name:
		_, err = tx.tx.ExecContext(ctx, `UPDATE regions SET name = ? WHERE code = ?`, r.Name, r.Code)
	}
	if err != nil {
		return fmt.Errorf("store: unable to save region %s: %w", r.Code, err)
	}
	return nil
}

// PutDepartment records a department (and its region), or updates its name
// and parent. The region must exist or is created without a name.
func (tx *Tx) PutDepartment(ctx context.Context, d models.Department) error {
	if err := d.Validate(); err != nil {
		return err
	}
	if err := tx.PutRegion(ctx, models.Region{Code: d.RegionCode}); err != nil {
		return err
	}
	var cur models.Department
	err := tx.p.GetContext(ctx, &cur, `SELECT region_code, code, name, parent_code FROM departments
		WHERE region_code = ? AND code = ?`, d.RegionCode, d.Code)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, err = tx.p.ExecContext(ctx, `INSERT INTO departments (region_code, code, name, parent_code) VALUES (?, ?, ?, ?)`,
			d.RegionCode, d.Code, d.Name, d.ParentCode)
	case err == nil && (cur.Name != d.Name || cur.ParentCode != d.ParentCode):
		_, err = tx.tx.ExecContext(ctx, `UPDATE departments SET name = ?, parent_code = ? WHERE region_code = ? AND code = ?`,
			d.Name, d.ParentCode, d.RegionCode, d.Code)
	}
	if err != nil {
		return fmt.Errorf("store: unable to save department %s/%s: %w", d.RegionCode, d.Code, err)
	}
	return nil
}

// Regions lists every region by code.
func (s *Store) Regions(ctx context.Context) ([]models.Region, error) {
	rs := []models.Region{}
	if err := s.read.SelectContext(ctx, &rs, `SELECT code, name FROM regions ORDER BY code`); err != nil {
		return nil, fmt.Errorf("store: unable to list regions: %w", err)
	}
	return rs, nil
}

// Region returns one region. Returns ENOTFOUND if it does not exist.
func (s *Store) Region(ctx context.Context, code string) (models.Region, error) {
	var r models.Region
	err := s.read.GetContext(ctx, &r, `SELECT code, name FROM regions WHERE code = ?`, code)
	if errors.Is(err, sql.ErrNoRows) {
		return r, notFound("区划 " + code)
	}
	if err != nil {
		return r, fmt.Errorf("store: unable to fetch region: %w", err)
	}
	return r, nil
}

// Departments lists a region's departments by code.
func (s *Store) Departments(ctx context.Context, region string) ([]models.Department, error) {
	ds := []models.Department{}
	err := s.read.SelectContext(ctx, &ds, `SELECT region_code, code, name, parent_code FROM departments
		WHERE region_code = ? ORDER BY code`, region)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list departments: %w", err)
	}
	return ds, nil
}
