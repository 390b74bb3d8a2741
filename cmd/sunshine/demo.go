package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"sunshine/demo"
)

// cmdDemo loads the fictional demo city through the ordinary upload path and
// publishes its clean filings, then imports one real published disclosure PDF
// (demo.LoadPDF; skipped with a note where poppler is not installed). It
// needs no token, and a second run changes nothing.
func cmdDemo(ctx context.Context, e env) error {
	fs := newFlags("demo", e)
	db := dbFlag(fs, e)
	quiet := fs.Bool("quiet", false, "print only the summary")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	s, err := openMigrated(ctx, *db, newLogger(e))
	if err != nil {
		return err
	}
	defer s.Close()
	dir, err := os.MkdirTemp(e.getenv("SUNSHINE_TMPDIR"), "sunshine-demo-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	progress := e.stdout
	if *quiet {
		progress = nil
	}
	svc := newFilingService(s, e)
	sum, err := demo.Load(ctx, svc, time.Now(), dir, progress)
	if err != nil {
		return err
	}
	// One disclosure PDF as a government published it, imported like any upload.
	pdf, skipped, err := demo.LoadPDF(ctx, svc, dir)
	if err != nil {
		return err
	}
	if skipped != "" {
		fmt.Fprintf(e.stderr, "未导入示例 PDF（%s）：%s\n", demo.RealPDF.Name, skipped)
	} else if progress != nil && pdf.Changed() {
		fmt.Fprintf(progress, "%s：公开 %d 份\n", demo.RealPDF.Name, pdf.Published)
	}
	sum.Uploaded += pdf.Uploaded
	sum.Published += pdf.Published
	sum.LeftAsDrafts += pdf.LeftAsDrafts
	if !sum.Changed() {
		fmt.Fprintf(e.stdout, "%s已加载，无需更改\n", demo.Region.Name)
		return nil
	}
	fmt.Fprintf(e.stdout, "%s已加载：上传 %d 个文件，公开 %d 份申报，%d 份有错误的草稿留待检查\n",
		demo.Region.Name, sum.Uploaded, sum.Published, sum.LeftAsDrafts)
	return nil
}
