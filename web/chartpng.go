package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"time"

	"sunshine/models"
)

// The chart PNGs (for articles and slides) are the chart's SVG drawn by
// librsvg's rsvg-convert (Debian: librsvg2-bin), run as a subprocess with a
// time limit, as the PDF reader runs poppler. The SVG names the CJK fonts it
// wants; librsvg finds them through fontconfig, so the host needs one (Debian:
// fonts-noto-cjk). Without the tool or such a font the PNG is not offered:
// the pages leave the link out and the route answers 503 saying why
// (docs/architecture.md, "Chart PNGs").

// pngTimeout bounds one rendering; a chart takes some tens of milliseconds.
const pngTimeout = 10 * time.Second

// maxPNG bounds the PNG read back: a 1200 px chart is well under 1 MiB.
const maxPNG = 16 << 20

var (
	pngOnce   sync.Once
	pngReason string // why PNGs cannot be drawn here; "" when they can
	// lookPath finds the tools (a test makes them missing).
	lookPath = exec.LookPath
)

// pngAvailability says whether this host can draw the PNGs, and if not, why (in Chinese).
func pngAvailability() (ok bool, reason string) {
	pngOnce.Do(func() {
		if _, err := lookPath("rsvg-convert"); err != nil {
			pngReason = "服务器未安装 SVG 渲染工具 rsvg-convert（Debian 软件包 librsvg2-bin），暂时无法提供 PNG 图片；SVG 与数据不受影响"
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		fcList, err := lookPath("fc-list")
		if err != nil {
			pngReason = "服务器未安装 fontconfig（fc-list），无法确认有中文字体，暂不提供 PNG 图片；SVG 与数据不受影响"
			return
		}
		out, err := exec.CommandContext(ctx, fcList, ":lang=zh", "family").Output()
		if err != nil || strings.TrimSpace(string(out)) == "" {
			pngReason = "服务器没有中文字体（如 Debian 软件包 fonts-noto-cjk），PNG 图片中的中文无法显示，暂不提供 PNG；SVG 与数据不受影响"
		}
	})
	return pngReason == "", pngReason
}

// PNGAvailable reports whether the chart PNGs can be drawn on this host.
func PNGAvailable() bool {
	ok, _ := pngAvailability()
	return ok
}

// pngSlots bounds the renderings at once: each is a process of some 35 MB and
// a fraction of a second of CPU; the others wait (within their time limit).
var pngSlots = make(chan struct{}, 2)

// renderPNG draws the SVG as a PNG of the SVG's own size.
func renderPNG(ctx context.Context, svg []byte) ([]byte, error) {
	if ok, reason := pngAvailability(); !ok {
		return nil, models.Errorf(models.EUNAVAILABLE, "%s", reason)
	}
	ctx, cancel := context.WithTimeout(ctx, pngTimeout)
	defer cancel()
	select {
	case pngSlots <- struct{}{}:
		defer func() { <-pngSlots }()
	case <-ctx.Done():
		return nil, models.Errorf(models.EUNAVAILABLE, "生成 PNG 图片的请求过多，请稍后再试或改用 SVG")
	}
	cmd := exec.CommandContext(ctx, "rsvg-convert", "--format=png")
	cmd.Stdin = bytes.NewReader(svg)
	var out, stderr bytes.Buffer
	cmd.Stdout = &limitedBuffer{buf: &out, max: maxPNG}
	cmd.Stderr = &limitedBuffer{buf: &stderr, max: 4 << 10}
	cmd.WaitDelay = 2 * time.Second
	err := cmd.Run()
	switch {
	case ctx.Err() != nil:
		return nil, models.Errorf(models.EUNAVAILABLE, "生成 PNG 图片超过 %g 秒仍未完成，请稍后再试或改用 SVG", pngTimeout.Seconds())
	case err != nil:
		return nil, models.Wrap(fmt.Errorf("rsvg-convert: %w: %s", err, strings.TrimSpace(stderr.String())), models.EINTERNAL, "无法生成 PNG 图片")
	case !bytes.HasPrefix(out.Bytes(), []byte("\x89PNG\r\n\x1a\n")):
		return nil, models.Wrap(errors.New("rsvg-convert wrote no PNG"), models.EINTERNAL, "无法生成 PNG 图片")
	}
	return out.Bytes(), nil
}

// limitedBuffer keeps up to max bytes and fails the write beyond, which stops the process.
type limitedBuffer struct {
	buf *bytes.Buffer
	max int
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if l.buf.Len()+len(p) > l.max {
		return 0, errors.New("output too large")
	}
	return l.buf.Write(p)
}
