package models

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestParseRole_AcceptsAdminAndUploader(t *testing.T) {
	for in, want := range map[string]Role{"admin": RoleAdmin, "uploader": RoleUploader, " admin\n": RoleAdmin} {
		if got, err := ParseRole(in); err != nil || got != want {
			t.Errorf("ParseRole(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "Admin", "root", "publisher", "管理员"} {
		if got, err := ParseRole(bad); err == nil || ErrorCode(err) != EINVALID {
			t.Errorf("ParseRole(%q) = %q, %v; want an EINVALID error", bad, got, err)
		}
	}
}

func TestTokenValidate_Matrix(t *testing.T) {
	cases := []struct {
		name string
		tok  Token
		ok   bool
	}{
		{"admin without scope", Token{Name: "ops", Role: RoleAdmin}, true},
		{"admin with region refused", Token{Name: "ops", Role: RoleAdmin, RegionCode: "431081"}, false},
		{"admin with depts refused", Token{Name: "ops", Role: RoleAdmin, Depts: []string{"001"}}, false},
		{"uploader with region", Token{Name: "资兴财政局", Role: RoleUploader, RegionCode: "431081"}, true},
		{"uploader with region and depts", Token{Name: "教育局", Role: RoleUploader, RegionCode: "431081", Depts: []string{"001", "001002"}}, true},
		{"uploader without region refused", Token{Name: "x", Role: RoleUploader}, false},
		{"uploader without region but depts refused", Token{Name: "x", Role: RoleUploader, Depts: []string{"001"}}, false},
		{"uploader with bad region refused", Token{Name: "x", Role: RoleUploader, RegionCode: "43108"}, false},
		{"uploader with bad dept refused", Token{Name: "x", Role: RoleUploader, RegionCode: "431081", Depts: []string{"0 1"}}, false},
		{"uploader with empty dept refused", Token{Name: "x", Role: RoleUploader, RegionCode: "431081", Depts: []string{""}}, false},
		{"unknown role refused", Token{Name: "x", Role: "publisher"}, false},
		{"empty role refused", Token{Name: "x"}, false},
		{"blank name refused", Token{Name: "  ", Role: RoleAdmin}, false},
		{"long name refused", Token{Name: strings.Repeat("令", 101), Role: RoleAdmin}, false},
		{"name of 100 chars", Token{Name: strings.Repeat("令", 100), Role: RoleAdmin}, true},
		{"control char in name refused", Token{Name: "ops\x00", Role: RoleAdmin}, false},
	}
	for _, c := range cases {
		err := c.tok.Validate()
		if c.ok && err != nil {
			t.Errorf("%s: Validate = %v; want nil", c.name, err)
		}
		if !c.ok && (err == nil || ErrorCode(err) != EINVALID) {
			t.Errorf("%s: Validate = %v; want an EINVALID error", c.name, err)
		}
	}
}

func TestTokenMayWrite_Matrix(t *testing.T) {
	revokedAt := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	admin := Token{Name: "ops", Role: RoleAdmin}
	region := Token{Name: "资兴", Role: RoleUploader, RegionCode: "431081"}
	depts := Token{Name: "教育", Role: RoleUploader, RegionCode: "431081", Depts: []string{"001", "007"}}
	revokedAdmin := Token{Name: "old", Role: RoleAdmin, RevokedAt: &revokedAt}
	revokedUploader := Token{Name: "old", Role: RoleUploader, RegionCode: "431081", RevokedAt: &revokedAt}
	cases := []struct {
		name         string
		tok          Token
		region, dept string
		want         bool
	}{
		{"admin any region", admin, "431081", "001", true},
		{"admin central", admin, "000000", "999", true},
		{"uploader own region", region, "431081", "001", true},
		{"uploader own region other dept", region, "431081", "123", true},
		{"uploader other region", region, "431002", "001", false},
		{"uploader empty region", region, "", "001", false},
		{"dept list: listed dept", depts, "431081", "001", true},
		{"dept list: second listed dept", depts, "431081", "007", true},
		{"dept list: unlisted dept", depts, "431081", "002", false},
		{"dept list: leading zeros matter", depts, "431081", "1", false},
		{"dept list: listed dept in other region", depts, "431002", "001", false},
		{"revoked admin", revokedAdmin, "431081", "001", false},
		{"revoked uploader own region", revokedUploader, "431081", "001", false},
	}
	for _, c := range cases {
		if got := c.tok.MayWrite(c.region, c.dept); got != c.want {
			t.Errorf("%s: MayWrite(%q, %q) = %v; want %v", c.name, c.region, c.dept, got, c.want)
		}
	}
	if !admin.Active() || revokedAdmin.Active() {
		t.Errorf("Active() = %v for a live token and %v for a revoked one; want true, false", admin.Active(), revokedAdmin.Active())
	}
}

func TestNewTokenSecret_IsRandomWithAtLeast128BitsAndItsHash(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 100; i++ {
		secret, hash, err := NewTokenSecret()
		if err != nil {
			t.Fatal(err)
		}
		if seen[secret] {
			t.Fatalf("NewTokenSecret returned %q twice", secret)
		}
		seen[secret] = true
		if !strings.HasPrefix(secret, "sun_") {
			t.Errorf("secret %q lacks the sun_ prefix", secret)
		}
		raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(secret, "sun_"))
		if err != nil {
			t.Fatalf("secret %q is not URL-safe base64 after its prefix: %v", secret, err)
		}
		if len(raw)*8 < 128 {
			t.Errorf("secret carries %d bits; want at least 128", len(raw)*8)
		}
		if hash != HashToken(secret) {
			t.Errorf("NewTokenSecret hash %q != HashToken(secret) %q", hash, HashToken(secret))
		}
		if strings.ContainsAny(secret, " \t\n+/=") {
			t.Errorf("secret %q has characters that need quoting in a header or shell", secret)
		}
	}
}

func TestHashToken_IsDeterministicHexSHA256(t *testing.T) {
	// SHA-256("abc") from FIPS 180-2.
	const abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	if got := HashToken("abc"); got != abc {
		t.Errorf("HashToken(abc) = %s; want %s", got, abc)
	}
	const empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	if got := HashToken(""); got != empty {
		t.Errorf("HashToken(\"\") = %s; want %s", got, empty)
	}
	a, b := HashToken("sun_secret"), HashToken("sun_secret")
	if a != b {
		t.Errorf("HashToken is not deterministic: %s vs %s", a, b)
	}
	if raw, err := hex.DecodeString(a); err != nil || len(raw) != 32 || a != strings.ToLower(a) {
		t.Errorf("HashToken = %q; want 64 lowercase hex digits", a)
	}
	if HashToken("sun_secret") == HashToken("sun_secreT") {
		t.Errorf("different secrets hash alike")
	}
}

func TestTokenJSON_NeverShowsTheHash(t *testing.T) {
	tok := Token{ID: 1, Name: "ops", Role: RoleAdmin, Hash: HashToken("sun_x")}
	b, err := json.Marshal(tok)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), tok.Hash) || strings.Contains(string(b), `"hash"`) {
		t.Errorf("token JSON %s exposes the hash", b)
	}
	if strings.Contains(string(b), "region_code") || strings.Contains(string(b), "revoked_at") {
		t.Errorf("token JSON %s shows empty scope or revocation; want them omitted", b)
	}
}
