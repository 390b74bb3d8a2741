package pdfgrid

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"sunshine/models"
)

// Limits bound one pdftotext run. A disclosure of 40 pages takes well under a second and 20 MB; the limits are
// there for a hostile file, not for a real one.
type Limits struct {
	Timeout     time.Duration // the whole run, on top of the caller's context; default 30 s
	MemoryBytes int64         // address space of the pdftotext process (prlimit --as); default 1 GiB
}

func (l Limits) withDefaults() Limits {
	if l.Timeout <= 0 {
		l.Timeout = 30 * time.Second
	}
	if l.MemoryBytes <= 0 {
		l.MemoryBytes = 1 << 30
	}
	return l
}

// page is one page of pdftotext's output: its size and its words, with poppler's block of each word (a
// paragraph, for prose).
type page struct {
	Number        int // 1-based
	Width, Height float64
	Words         []word
}

type word struct {
	Text           string
	X0, Y0, X1, Y1 float64 // points, origin top left, as pdftotext writes them
	Block          int     // poppler's block on the page
}

// extract runs pdftotext -bbox-layout on the PDF read from r. The process reads the PDF on its standard input and
// runs under prlimit, so a file that makes poppler loop or balloon is stopped by the time limit or the memory
// limit. Returns EINVALID (with a Chinese sentence) for a file poppler cannot open: encrypted, damaged, not a PDF.
func extract(ctx context.Context, r io.Reader, lim Limits) ([]page, error) {
	lim = lim.withDefaults()
	parent := ctx
	ctx, cancel := context.WithTimeout(parent, lim.Timeout)
	defer cancel()
	args := []string{"--as=" + strconv.FormatInt(lim.MemoryBytes, 10), "--",
		"pdftotext", "-enc", "UTF-8", "-bbox-layout", "-", "-"}
	cmd := exec.CommandContext(ctx, "prlimit", args...)
	cmd.Stdin = r
	// Its messages say why a file cannot be opened (Incorrect password, May not be a PDF); a damaged file can
	// print a warning per object, so only the start is kept.
	stderr := &headBuffer{max: 64 << 10}
	cmd.Stderr = stderr
	cmd.WaitDelay = 2 * time.Second
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("pdfgrid: pdftotext: %w", err)
	}
	if err := cmd.Start(); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return nil, models.Errorf(models.EUNAVAILABLE, "服务器未安装 PDF 文字引擎（poppler-utils 的 prlimit/pdftotext），暂时无法读取 PDF")
		}
		return nil, fmt.Errorf("pdfgrid: start pdftotext: %w", err)
	}
	pages, perr := parseBBox(out)
	if perr != nil {
		// Drain what is left so that the process can end, then report what went wrong first.
		_, _ = io.Copy(io.Discard, out)
	}
	werr := cmd.Wait()
	switch {
	case parent.Err() != nil:
		return nil, parent.Err() // the caller gave up (a closed request), not the file's fault
	case ctx.Err() != nil:
		return nil, models.Errorf(models.EINVALID, "读取 PDF 超过 %g 秒仍未完成，已停止：文件可能已损坏或过于复杂", lim.Timeout.Seconds())
	case werr != nil:
		var exit *exec.ExitError
		if errors.As(werr, &exit) {
			return nil, popplerError(exit.ExitCode(), stderr.String())
		}
		return nil, fmt.Errorf("pdfgrid: pdftotext: %w", werr)
	case perr != nil:
		return nil, fmt.Errorf("pdfgrid: reading pdftotext output: %w", perr)
	}
	if len(pages) == 0 {
		return nil, models.Errorf(models.EINVALID, "PDF 文件没有页面，无法读取")
	}
	return pages, nil
}

// popplerError turns pdftotext's exit status and messages into the one sentence a clerk reads.
func popplerError(code int, stderr string) error {
	switch {
	case strings.Contains(stderr, "Incorrect password") || code == 3:
		return models.Errorf(models.EINVALID, "PDF 文件已加密（需要密码才能打开），无法读取；请上传未加密的 PDF")
	case strings.Contains(stderr, "May not be a PDF"):
		return models.Errorf(models.EINVALID, "文件不是 PDF，无法读取；请上传部门预算或决算公开的 PDF 文件")
	case code == 1 || code == 99:
		return models.Errorf(models.EINVALID, "PDF 文件已损坏或不完整，无法读取；请重新导出后上传")
	default:
		// Killed by the memory limit (SIGSEGV/SIGABRT on a failed allocation) or by a signal.
		return models.Errorf(models.EINVALID, "读取 PDF 时超出内存限制或异常退出，已停止：文件可能已损坏或过于复杂")
	}
}

// parseBBox reads pdftotext -bbox-layout's XHTML: <page width height><flow><block><line><word xMin yMin xMax yMax>.
func parseBBox(r io.Reader) ([]page, error) {
	dec := xml.NewDecoder(r)
	dec.Strict = false
	var pages []page
	block := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return pages, nil
		}
		if err != nil {
			return nil, err
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "page":
			p := page{Number: len(pages) + 1}
			p.Width, _ = strconv.ParseFloat(attr(se, "width"), 64)
			p.Height, _ = strconv.ParseFloat(attr(se, "height"), 64)
			pages = append(pages, p)
			block = 0
		case "block":
			block++
		case "word":
			if len(pages) == 0 {
				return nil, errors.New("word outside a page")
			}
			var text string
			if err := dec.DecodeElement(&text, &se); err != nil {
				return nil, err
			}
			w := word{Text: strings.TrimSpace(text), Block: block}
			w.X0, _ = strconv.ParseFloat(attr(se, "xMin"), 64)
			w.Y0, _ = strconv.ParseFloat(attr(se, "yMin"), 64)
			w.X1, _ = strconv.ParseFloat(attr(se, "xMax"), 64)
			w.Y1, _ = strconv.ParseFloat(attr(se, "yMax"), 64)
			if w.Text != "" {
				p := &pages[len(pages)-1]
				p.Words = append(p.Words, w)
			}
		}
	}
}

func attr(se xml.StartElement, name string) string {
	for _, a := range se.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// headBuffer keeps the first max bytes written to it and drops the rest.
type headBuffer struct {
	bytes.Buffer
	max int
}

func (b *headBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.Len(); room > 0 {
		b.Buffer.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}
