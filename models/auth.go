package models

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"
)

// Role is what a token may do.
type Role string

const (
	RoleAdmin    Role = "admin"    // everything
	RoleUploader Role = "uploader" // upload for one region and, optionally, some of its departments
)

// ParseRole accepts admin or uploader.
func ParseRole(s string) (Role, error) {
	switch Role(strings.TrimSpace(s)) {
	case RoleAdmin:
		return RoleAdmin, nil
	case RoleUploader:
		return RoleUploader, nil
	}
	return "", Errorf(EINVALID, "角色“%s”无效，应为 admin 或 uploader", s)
}

// Token is an API credential. Only the SHA-256 of the secret is stored; the
// secret itself is shown once when the token is created.
type Token struct {
	ID         int64      `db:"id" json:"id"`
	Name       string     `db:"name" json:"name"`
	Role       Role       `db:"role" json:"role"`
	RegionCode string     `db:"region_code" json:"region_code,omitempty"`
	Depts      []string   `db:"-" json:"depts,omitempty"`
	Hash       string     `db:"hash" json:"-"`
	CreatedAt  time.Time  `db:"created_at" json:"created_at"`
	RevokedAt  *time.Time `db:"revoked_at" json:"revoked_at,omitempty"`
}

// Validate checks a token before it is stored: an uploader needs a region, an admin takes no scope.
func (t *Token) Validate() error {
	if err := validateText("令牌名称", t.Name, 100, true); err != nil {
		return err
	}
	switch t.Role {
	case RoleAdmin:
		if t.RegionCode != "" || len(t.Depts) > 0 {
			return Errorf(EINVALID, "admin 令牌不限定区划或部门")
		}
	case RoleUploader:
		if t.RegionCode == "" {
			return Errorf(EINVALID, "uploader 令牌必须指定区划（--region）")
		}
		if err := ValidateRegionCode(t.RegionCode); err != nil {
			return err
		}
		for _, d := range t.Depts {
			if err := ValidateDeptCode(d); err != nil {
				return err
			}
		}
	default:
		return Errorf(EINVALID, "角色“%s”无效", t.Role)
	}
	return nil
}

// Active reports whether the token has not been revoked.
func (t *Token) Active() bool { return t.RevokedAt == nil }

// MayWrite reports whether the token may change the given department's filings.
func (t *Token) MayWrite(regionCode, deptCode string) bool {
	if !t.Active() {
		return false
	}
	if t.Role == RoleAdmin {
		return true
	}
	if t.RegionCode != regionCode {
		return false
	}
	if len(t.Depts) == 0 {
		return true
	}
	for _, d := range t.Depts {
		if d == deptCode {
			return true
		}
	}
	return false
}

// tokenPrefix marks the service's secrets so that a leaked one is recognisable in a log or a repository.
const tokenPrefix = "sun_"

// NewTokenSecret returns a fresh random secret (256 bits) and its hash.
func NewTokenSecret() (secret, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	secret = tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	return secret, HashToken(secret), nil
}

// HashToken returns the stored form of a secret. A plain SHA-256 is enough:
// the secret has 256 random bits, so there is nothing to brute-force.
func HashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// AuditEntry is one line of the append-only audit log: who did what to which thing.
type AuditEntry struct {
	ID      int64     `db:"id" json:"id"`
	At      time.Time `db:"at" json:"at"`
	Actor   string    `db:"actor" json:"actor"`     // the token's name, or "cli" / "demo"
	Action  string    `db:"action" json:"action"`   // upload, publish, withdraw, token.create, token.revoke, …
	Subject string    `db:"subject" json:"subject"` // what it was done to: "filing:12", "token:3", "upload:5"
	Detail  string    `db:"detail" json:"detail"`   // a JSON object with the particulars
}

// Upload is one received file, recognised again by its content hash.
type Upload struct {
	ID        int64     `db:"id" json:"id"`
	SHA256    string    `db:"sha256" json:"sha256"`
	Filename  string    `db:"filename" json:"filename"`
	Kind      string    `db:"kind" json:"kind"`
	Size      int64     `db:"size" json:"size"`
	Rows      int       `db:"row_count" json:"rows"`
	CreatedAt time.Time `db:"created_at" json:"created_at"`
	CreatedBy string    `db:"created_by" json:"created_by"`
}
