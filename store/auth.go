package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"sunshine/models"
)

// CreateToken stores a new token (its hash only) and records it in the audit log.
// Returns EINVALID for a bad scope and ECONFLICT when the name is taken.
func (s *Store) CreateToken(ctx context.Context, t models.Token, by string) (models.Token, error) {
	if err := t.Validate(); err != nil {
		return t, err
	}
	err := s.Write(ctx, func(tx *Tx) error {
		t.CreatedAt = tx.now
		res, err := tx.tx.ExecContext(ctx, `INSERT INTO tokens (name, role, region_code, hash, created_at) VALUES (?, ?, ?, ?, ?)`,
			t.Name, t.Role, t.RegionCode, t.Hash, t.CreatedAt)
		if isUniqueViolation(err) {
			return models.Errorf(models.ECONFLICT, "令牌名称“%s”已被使用", t.Name)
		}
		if err != nil {
			return fmt.Errorf("store: unable to create token: %w", err)
		}
		if t.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		for _, d := range t.Depts {
			if _, err := tx.tx.ExecContext(ctx, `INSERT INTO token_depts (token_id, dept_code) VALUES (?, ?)`, t.ID, d); err != nil {
				return fmt.Errorf("store: unable to scope token: %w", err)
			}
		}
		return tx.Audit(ctx, by, "token.create", fmt.Sprintf("token:%d", t.ID),
			map[string]any{"name": t.Name, "role": t.Role, "region": t.RegionCode, "depts": t.Depts})
	})
	return t, err
}

const tokenColumns = `id, name, role, region_code, hash, created_at, revoked_at`

// TokenByHash finds an active or revoked token by the hash of its secret.
// Returns ENOTFOUND when no token has that hash.
func (s *Store) TokenByHash(ctx context.Context, hash string) (models.Token, error) {
	var t models.Token
	err := s.read.GetContext(ctx, &t, `SELECT `+tokenColumns+` FROM tokens WHERE hash = ?`, hash)
	if errors.Is(err, sql.ErrNoRows) {
		return t, notFound("令牌")
	}
	if err != nil {
		return t, fmt.Errorf("store: unable to fetch token: %w", err)
	}
	return t, s.loadDepts(ctx, &t)
}

// TokenByID reads a token (revoked ones too) inside the transaction.
// Returns ENOTFOUND when there is none.
func (tx *Tx) TokenByID(ctx context.Context, id int64) (models.Token, error) {
	var t models.Token
	err := tx.tx.GetContext(ctx, &t, `SELECT `+tokenColumns+` FROM tokens WHERE id = ?`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return t, notFound(fmt.Sprintf("令牌 %d ", id))
	}
	if err != nil {
		return t, fmt.Errorf("store: unable to fetch token %d: %w", id, err)
	}
	return t, loadDepts(ctx, tx.tx, &t)
}

func (s *Store) loadDepts(ctx context.Context, t *models.Token) error {
	return loadDepts(ctx, s.read, t)
}

func loadDepts(ctx context.Context, q queryer, t *models.Token) error {
	t.Depts = nil
	if err := q.SelectContext(ctx, &t.Depts, `SELECT dept_code FROM token_depts WHERE token_id = ? ORDER BY dept_code`, t.ID); err != nil {
		return fmt.Errorf("store: unable to fetch token scope: %w", err)
	}
	return nil
}

// Tokens lists every token, revoked ones included, by name.
func (s *Store) Tokens(ctx context.Context) ([]models.Token, error) {
	ts := []models.Token{}
	if err := s.read.SelectContext(ctx, &ts, `SELECT `+tokenColumns+` FROM tokens ORDER BY name`); err != nil {
		return nil, fmt.Errorf("store: unable to list tokens: %w", err)
	}
	for i := range ts {
		if err := s.loadDepts(ctx, &ts[i]); err != nil {
			return nil, err
		}
	}
	return ts, nil
}

// RevokeToken revokes the token with the given name and records it in the
// audit log. Returns ENOTFOUND for an unknown name and ECONFLICT when it is already revoked.
func (s *Store) RevokeToken(ctx context.Context, name, by string) error {
	return s.Write(ctx, func(tx *Tx) error {
		var t models.Token
		err := tx.tx.GetContext(ctx, &t, `SELECT `+tokenColumns+` FROM tokens WHERE name = ?`, name)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("令牌“" + name + "”")
		}
		if err != nil {
			return fmt.Errorf("store: unable to fetch token: %w", err)
		}
		if t.RevokedAt != nil {
			return models.Errorf(models.ECONFLICT, "令牌“%s”已于 %s 吊销", name, t.RevokedAt.Format("2006-01-02 15:04"))
		}
		if _, err := tx.tx.ExecContext(ctx, `UPDATE tokens SET revoked_at = ? WHERE id = ?`, tx.now, t.ID); err != nil {
			return fmt.Errorf("store: unable to revoke token: %w", err)
		}
		return tx.Audit(ctx, by, "token.revoke", fmt.Sprintf("token:%d", t.ID), map[string]any{"name": name})
	})
}

// Audit appends an entry to the audit log. detail is stored as a JSON object.
func (tx *Tx) Audit(ctx context.Context, actor, action, subject string, detail any) error {
	b, err := json.Marshal(detail)
	if err != nil {
		return fmt.Errorf("store: unable to encode audit detail: %w", err)
	}
	if _, err := tx.tx.ExecContext(ctx, `INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)`,
		tx.now, actor, action, subject, string(b)); err != nil {
		return fmt.Errorf("store: unable to write audit log: %w", err)
	}
	return nil
}

// AuditLog lists audit entries, newest first; subject "" lists every subject.
func (s *Store) AuditLog(ctx context.Context, subject string, limit int) ([]models.AuditEntry, error) {
	if limit <= 0 || limit > 10000 {
		limit = 100
	}
	es := []models.AuditEntry{}
	query := `SELECT id, at, actor, action, subject, detail FROM audit_log`
	args := []any{}
	if subject != "" {
		query += ` WHERE subject = ?`
		args = append(args, subject)
	}
	query += fmt.Sprintf(` ORDER BY id DESC LIMIT %d`, limit)
	if err := s.read.SelectContext(ctx, &es, query, args...); err != nil {
		return nil, fmt.Errorf("store: unable to read audit log: %w", err)
	}
	return es, nil
}
