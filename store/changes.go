package store

import (
	"context"
	"fmt"
	"strings"

	"sunshine/models"
)

// ChangeFilter selects entries of the change log; zero fields match all.
type ChangeFilter struct {
	Region  string
	Dataset string // a dataset id: its releases only
	// Dept is a department code: the releases that published, corrected or
	// withdrew a version of it (with Region, of that region's department),
	// also when an act published it together with others.
	Dept     string
	Action   string // publish, correction or withdrawal (models.Action…)
	BeforeID int64  // keyset cursor: releases older than this one
	Limit    int
}

// Changes lists releases of every dataset, newest first.
func (s *Store) Changes(ctx context.Context, f ChangeFilter) ([]Release, error) {
	var where []string
	var args []any
	if f.Region != "" {
		where, args = append(where, "d.region_code = ?"), append(args, f.Region)
	}
	if f.Dataset != "" {
		where, args = append(where, "r.dataset_id = ?"), append(args, f.Dataset)
	}
	if f.Dept != "" {
		// A publication act makes one release of many departments: the
		// release is the department's when a version of it entered or left
		// the dataset there (release_members' intervals, migration 00007).
		where = append(where, `EXISTS (SELECT 1 FROM release_members m JOIN filings mf ON mf.id = m.filing_id
			WHERE m.dataset_id = r.dataset_id AND (m.added_in = r.number OR m.removed_in = r.number) AND mf.dept_code = ?)`)
		args = append(args, f.Dept)
	}
	if f.Action != "" {
		where, args = append(where, "r.action = ?"), append(args, f.Action)
	}
	if f.BeforeID > 0 {
		where, args = append(where, "r.id < ?"), append(args, f.BeforeID)
	}
	q := `SELECT ` + releaseColumns + releaseJoins
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += fmt.Sprintf(" ORDER BY r.id DESC LIMIT %d", clampLimit(f.Limit, 50, 1000))
	rs := []Release{}
	if err := s.read.SelectContext(ctx, &rs, q, args...); err != nil {
		return nil, fmt.Errorf("store: unable to list changes: %w", err)
	}
	return rs, nil
}

// Actions are the kinds of change a release records, as the change log's filter takes them.
var Actions = []string{models.ActionPublish, models.ActionCorrection, models.ActionWithdrawal}
