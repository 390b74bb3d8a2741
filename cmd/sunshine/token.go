package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"sunshine/models"
	"sunshine/store"
)

// cmdToken manages API tokens: create prints the secret once, alone on the
// last line of stdout, so scripts can take it with `tail -n 1`.
func cmdToken(ctx context.Context, e env) error {
	if len(e.args) == 0 {
		return usageError{errors.New("用法: sunshine token create|revoke|list [选项]")}
	}
	sub, rest := e.args[0], e.args[1:]
	e.args = rest
	switch sub {
	case "create":
		return tokenCreate(ctx, e)
	case "revoke":
		return tokenRevoke(ctx, e)
	case "list":
		return tokenList(ctx, e)
	}
	return usageError{fmt.Errorf("未知的 token 子命令“%s”（create、revoke 或 list）", sub)}
}

// listFlag collects a repeatable flag; each value may also hold a comma-separated list.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error {
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*l = append(*l, p)
		}
	}
	return nil
}

func tokenCreate(ctx context.Context, e env) error {
	fs := newFlags("token create", e)
	db := dbFlag(fs, e)
	name := fs.String("name", "", "a name people recognise, e.g. 资兴市财政局 (required)")
	role := fs.String("role", "", "admin or uploader (required)")
	region := fs.String("region", "", "6-digit region code an uploader may write to")
	var depts listFlag
	fs.Var(&depts, "dept", "department code an uploader may write to (repeatable; default all of the region)")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if *name == "" || *role == "" {
		return usageError{errors.New("--name 和 --role 必须填写")}
	}
	r, err := models.ParseRole(*role)
	if err != nil {
		return usageError{err}
	}
	secret, hash, err := models.NewTokenSecret()
	if err != nil {
		return err
	}
	s, err := openMigrated(ctx, *db, newLogger(e))
	if err != nil {
		return err
	}
	defer s.Close()
	t, err := s.CreateToken(ctx, models.Token{Name: *name, Role: r, RegionCode: *region, Depts: depts, Hash: hash}, "cli")
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已创建令牌“%s”（%s%s）。令牌只显示这一次，请妥善保存：\n", t.Name, t.Role, scopeText(t))
	fmt.Fprintln(e.stdout, secret)
	return nil
}

func scopeText(t models.Token) string {
	if t.Role == models.RoleAdmin {
		return ""
	}
	s := "，区划 " + t.RegionCode
	if len(t.Depts) > 0 {
		s += "，部门 " + strings.Join(t.Depts, ",")
	} else {
		s += "，全部部门"
	}
	return s
}

func tokenRevoke(ctx context.Context, e env) error {
	fs := newFlags("token revoke", e)
	db := dbFlag(fs, e)
	name := fs.String("name", "", "the token's name")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if *name == "" && fs.NArg() == 1 {
		*name = fs.Arg(0)
	}
	if *name == "" {
		return usageError{errors.New("请用 --name 指定要吊销的令牌")}
	}
	s, err := openMigrated(ctx, *db, newLogger(e))
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.RevokeToken(ctx, *name, "cli"); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "令牌“%s”已吊销\n", *name)
	return nil
}

func tokenList(ctx context.Context, e env) error {
	fs := newFlags("token list", e)
	db := dbFlag(fs, e)
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	s, err := openMigrated(ctx, *db, newLogger(e))
	if err != nil {
		return err
	}
	defer s.Close()
	return printTokens(ctx, s, e)
}

func printTokens(ctx context.Context, s *store.Store, e env) error {
	ts, err := s.Tokens(ctx)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(w, "名称\t角色\t区划\t部门\t创建时间\t状态")
	for _, t := range ts {
		status := "有效"
		if t.RevokedAt != nil {
			status = "已吊销 " + t.RevokedAt.Format("2006-01-02 15:04")
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", t.Name, t.Role, t.RegionCode, strings.Join(t.Depts, ","),
			t.CreatedAt.Format("2006-01-02 15:04"), status)
	}
	return w.Flush()
}
