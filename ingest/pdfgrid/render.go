package pdfgrid

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"sunshine/models"
)

// MaxImageBytes bounds the PNG of one rendered page (a page of a disclosure at
// 96 dpi is 30–300 KB).
const MaxImageBytes = 16 << 20

// RenderPage renders one page (1-based) of the PDF read from r as a PNG at
// dpi dots per inch (a point is dpi/72 pixels, so a box of the grid in points
// scales by dpi/72), with poppler's pdftoppm run as pdftotext is: the PDF on
// its standard input, under prlimit's memory limit and the time limit. A page
// the PDF does not have is EINVALID.
func RenderPage(ctx context.Context, r io.Reader, pageNo, dpi int, lim Limits) ([]byte, error) {
	lim = lim.withDefaults()
	if pageNo < 1 {
		return nil, models.Errorf(models.EINVALID, "页码 %d 无效", pageNo)
	}
	dpi = min(max(dpi, 36), 300)
	parent := ctx
	ctx, cancel := context.WithTimeout(parent, lim.Timeout)
	defer cancel()
	n := strconv.Itoa(pageNo)
	cmd := exec.CommandContext(ctx, "prlimit", "--as="+strconv.FormatInt(lim.MemoryBytes, 10), "--",
		"pdftoppm", "-f", n, "-l", n, "-r", strconv.Itoa(dpi), "-png", "-singlefile", "-")
	cmd.Stdin = r
	stderr := &headBuffer{max: 16 << 10}
	cmd.Stderr = stderr
	cmd.WaitDelay = 2 * time.Second
	var out limitedBuffer
	out.max = MaxImageBytes
	cmd.Stdout = &out
	err := cmd.Run()
	switch {
	case errors.Is(err, exec.ErrNotFound):
		return nil, models.Errorf(models.EUNAVAILABLE, "服务器未安装 PDF 渲染引擎（poppler-utils 的 prlimit/pdftoppm），暂时无法显示页面")
	case parent.Err() != nil:
		return nil, parent.Err()
	case ctx.Err() != nil:
		return nil, models.Errorf(models.EINVALID, "渲染 PDF 第 %d 页超过 %g 秒仍未完成，已停止", pageNo, lim.Timeout.Seconds())
	case out.over:
		return nil, models.Errorf(models.EINVALID, "PDF 第 %d 页的图像过大，无法显示", pageNo)
	case err != nil && strings.Contains(stderr.String(), "Wrong page range"):
		return nil, models.Errorf(models.EINVALID, "PDF 没有第 %d 页", pageNo)
	case err != nil:
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return nil, popplerError(exit.ExitCode(), stderr.String())
		}
		return nil, fmt.Errorf("pdfgrid: pdftoppm: %w", err)
	case out.Len() == 0:
		// pdftoppm prints nothing and exits 0 for a page past the end.
		return nil, models.Errorf(models.EINVALID, "PDF 没有第 %d 页", pageNo)
	}
	return out.Bytes(), nil
}

// limitedBuffer keeps at most max bytes and notes that more came.
type limitedBuffer struct {
	bytes.Buffer
	max  int
	over bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if b.Len()+len(p) > b.max {
		b.over = true
		return 0, errors.New("pdfgrid: page image over the limit")
	}
	return b.Buffer.Write(p)
}

// PageSize is the size of one page (1-based) of the PDF read from r, in
// points, from poppler's pdfinfo run as RenderPage runs pdftoppm.
func PageSize(ctx context.Context, r io.Reader, pageNo int, lim Limits) (w, h float64, err error) {
	lim = lim.withDefaults()
	parent := ctx
	ctx, cancel := context.WithTimeout(parent, lim.Timeout)
	defer cancel()
	n := strconv.Itoa(pageNo)
	cmd := exec.CommandContext(ctx, "prlimit", "--as="+strconv.FormatInt(lim.MemoryBytes, 10), "--",
		"pdfinfo", "-f", n, "-l", n, "-")
	cmd.Stdin = r
	cmd.WaitDelay = 2 * time.Second
	var out limitedBuffer
	out.max = 1 << 20
	cmd.Stdout = &out
	stderr := &headBuffer{max: 16 << 10}
	cmd.Stderr = stderr
	err = cmd.Run()
	switch {
	case errors.Is(err, exec.ErrNotFound):
		return 0, 0, models.Errorf(models.EUNAVAILABLE, "服务器未安装 PDF 引擎（poppler-utils 的 prlimit/pdfinfo），暂时无法显示页面")
	case parent.Err() != nil:
		return 0, 0, parent.Err()
	case err != nil && strings.Contains(stderr.String(), "Wrong page range"):
		return 0, 0, models.Errorf(models.EINVALID, "PDF 没有第 %d 页", pageNo)
	case err != nil:
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return 0, 0, popplerError(exit.ExitCode(), stderr.String())
		}
		return 0, 0, fmt.Errorf("pdfgrid: pdfinfo: %w", err)
	}
	// Page    9 size:  841.9 x 595.3 pts (A4)
	prefix := "Page " + fmt.Sprintf("%4d", pageNo) + " size:"
	for _, line := range bytes.Split(out.Bytes(), []byte("\n")) {
		if rest, ok := bytes.CutPrefix(line, []byte(prefix)); ok {
			if _, err := fmt.Sscanf(string(rest), "%g x %g", &w, &h); err == nil && w > 0 && h > 0 {
				return w, h, nil
			}
		}
	}
	return 0, 0, models.Errorf(models.EINVALID, "PDF 没有第 %d 页", pageNo)
}
