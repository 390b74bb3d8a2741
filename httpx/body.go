package httpx

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"sunshine/models"
)

// UploadLimits are the request-level limits; row and cell limits live in ingest.Options.
type UploadLimits struct {
	MaxBytes int64  // per request (64 MiB)
	TempDir  string // where the body is spooled; "" = system default
	// BodyTimeout is how long a client has to send a whole request body; a
	// slow or trickling upload is cut off then (408). 0 is DefaultBodyTimeout.
	BodyTimeout time.Duration
}

// DefaultBodyTimeout gives a 64 MiB upload about 550 KB/s: any office line,
// but not a connection held open by a client that sends a byte a second.
const DefaultBodyTimeout = 2 * time.Minute

// Timeout is the body timeout in effect.
func (l UploadLimits) Timeout() time.Duration {
	if l.BodyTimeout > 0 {
		return l.BodyTimeout
	}
	return DefaultBodyTimeout
}

// BodyDeadline gives every request with a body until the body timeout to send
// it: the connection's read deadline is set when the request starts and lifted
// once the body is read to its end (or by LiftBodyDeadline), so that the work
// done afterwards — an upload's transaction, a long export — is never cut
// short by it. Nothing is set for requests that carry no body.
func BodyDeadline(lim UploadLimits) gin.HandlerFunc {
	d := lim.Timeout()
	return func(c *gin.Context) {
		if c.Request.Body == nil || c.Request.Body == http.NoBody || c.Request.ContentLength == 0 {
			c.Next()
			return
		}
		rc := http.NewResponseController(c.Writer)
		if err := rc.SetReadDeadline(time.Now().Add(d)); err != nil {
			c.Next() // not a network connection (a test's recorder)
			return
		}
		c.Set(deadlineKey, rc)
		c.Request.Body = &deadlineBody{ReadCloser: c.Request.Body, lift: func() { LiftBodyDeadline(c) }}
		c.Next()
	}
}

const deadlineKey = "sunshine.body_deadline"

// LiftBodyDeadline removes the body deadline once the body has been read. It
// is left in place when reading failed: the server then gives up on the rest
// of a trickling body at once instead of waiting for it.
func LiftBodyDeadline(c *gin.Context) {
	if v, ok := c.Get(deadlineKey); ok {
		if rc, _ := v.(*http.ResponseController); rc != nil {
			_ = rc.SetReadDeadline(time.Time{})
			c.Set(deadlineKey, (*http.ResponseController)(nil))
		}
	}
}

// deadlineBody lifts the body deadline when the body has been read to its end.
type deadlineBody struct {
	io.ReadCloser
	lift func()
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if errors.Is(err, io.EOF) {
		b.lift()
	}
	return n, err
}

// UploadForm is a read upload form: the spooled file (removed by the caller), its name, the optional kind
// and the optional filing fields (region_code, dept_code, …) for a workbook whose titles do not say them.
type UploadForm struct {
	Path, Name, Kind string
	Fields           map[string]string
}

// FilingFields are the form fields that name the filing a workbook holds when
// its titles do not (the same names as the CSV columns); see ingest.Options.WithFilingFields.
var FilingFields = []string{"region_code", "region_name", "dept_code", "dept_name", "fiscal_year", "phase"}

// ErrBadCSRF is a desk form without its session's CSRF token (or not the desk's form at all).
var ErrBadCSRF = errors.New("csrf")

// ReadUploadForm streams the multipart body: the file part goes to a temporary
// file, small fields are read into memory, anything else is refused. With
// csrfOK (the desk's form) the CSRF token must come before the file —
// browsers send fields in page order — so a forged request is refused
// before a byte of its file is written to disk.
func ReadUploadForm(r *http.Request, lim UploadLimits, csrfOK func(string) bool) (UploadForm, error) {
	var form UploadForm
	mr, err := r.MultipartReader()
	if err != nil {
		if csrfOK != nil {
			return form, ErrBadCSRF // not the desk's form at all
		}
		return form, models.Errorf(models.EINVALID, "请以 multipart/form-data 上传，文件放在 file 字段")
	}
	checked := csrfOK == nil
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return form, bodyError(err, lim)
		}
		switch part.FormName() {
		case "csrf":
			b, err := io.ReadAll(io.LimitReader(part, 256))
			if err != nil {
				return form, bodyError(err, lim)
			}
			if csrfOK == nil || !csrfOK(string(b)) {
				return form, ErrBadCSRF
			}
			checked = true
		case "file":
			if !checked {
				return form, ErrBadCSRF
			}
			if form.Path != "" {
				return form, models.Errorf(models.EINVALID, "一次只能上传一个文件")
			}
			if form.Name = part.FileName(); form.Name == "" {
				// An empty file input still sends a part; nothing was chosen.
				if _, err := io.Copy(io.Discard, part); err != nil {
					return form, bodyError(err, lim)
				}
				continue
			}
			if form.Path, err = spool(part, lim.TempDir); err != nil {
				return form, bodyError(err, lim)
			}
		case "kind":
			b, err := io.ReadAll(io.LimitReader(part, 64))
			if err != nil {
				return form, bodyError(err, lim)
			}
			form.Kind = strings.TrimSpace(string(b))
		default:
			name := part.FormName()
			if !slices.Contains(FilingFields, name) {
				return form, models.Errorf(models.EINVALID, "未知的表单字段“%s”（只接受 file、kind 和 %s）", name, strings.Join(FilingFields, "、"))
			}
			b, err := io.ReadAll(io.LimitReader(part, 1024))
			if err != nil {
				return form, bodyError(err, lim)
			}
			if form.Fields == nil {
				form.Fields = map[string]string{}
			}
			form.Fields[name] = strings.TrimSpace(string(b))
		}
	}
	if !checked {
		return form, ErrBadCSRF
	}
	if form.Path == "" {
		return form, models.Errorf(models.EINVALID, "缺少 file 字段：请选择要上传的文件")
	}
	return form, nil
}

func spool(part *multipart.Part, dir string) (string, error) {
	tmp, err := os.CreateTemp(dir, "sunshine-body-*")
	if err != nil {
		return "", err
	}
	_, err = io.Copy(tmp, part)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp.Name())
		return "", err
	}
	return tmp.Name(), nil
}

func bodyError(err error, lim UploadLimits) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return models.Errorf(models.ETOOLARGE, "文件超过每次上传 %s 的上限", HumanBytes(lim.MaxBytes))
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return models.Errorf(models.ETIMEOUT, "上传超时：%s内没有收到完整的文件（网络过慢或连接中断），未保存任何数据；请检查网络后重新上传",
			humanDuration(lim.Timeout()))
	}
	return models.Wrap(err, models.EINVALID, "上传中断或格式不正确：请检查网络后重新上传")
}

func HumanBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.Itoa(int(n>>20)) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.Itoa(int(n>>10)) + " KiB"
	}
	return strconv.Itoa(int(n)) + " 字节"
}

func humanDuration(d time.Duration) string {
	if d >= time.Minute && d%time.Minute == 0 {
		return strconv.Itoa(int(d/time.Minute)) + " 分钟"
	}
	if d >= time.Second {
		return strconv.Itoa(int(d.Round(time.Second)/time.Second)) + " 秒"
	}
	return strconv.Itoa(int(d/time.Millisecond)) + " 毫秒"
}

// RejectedMessage is what a client is told of an upload refused for its findings.
func RejectedMessage(r models.Report) string {
	msg := "文件有 " + strconv.Itoa(r.Stats.Errors) + " 处问题，未保存任何数据；请按报告逐条修改后重新上传"
	if r.Partial {
		msg += "（问题过多，报告只列出前 " + strconv.Itoa(len(r.Findings)) + " 条）"
	}
	return msg
}
