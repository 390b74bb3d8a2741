package web

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"sunshine/models"
)

// withoutTool makes the named tool missing for the test, and forgets what was found before.
func withoutTool(t *testing.T, missing string) {
	t.Helper()
	pngOnce, pngReason = sync.Once{}, ""
	lookPath = func(name string) (string, error) {
		if name == missing {
			return "", errors.New("not found")
		}
		return exec.LookPath(name)
	}
	t.Cleanup(func() { pngOnce, pngReason, lookPath = sync.Once{}, "", exec.LookPath })
}

func TestEmbedSnippet_AspectRatioAndNoPNGWithoutTheTool(t *testing.T) {
	const data = chartBase + "ranking?item=total&phase=final&region=990101&year=2024"
	withoutTool(t, "rsvg-convert")
	snippet, png := EmbedSnippet("https://sunshine.example.gov.cn", data, `各部门"排名"`)
	want := `<iframe src="https://sunshine.example.gov.cn/embed/three-public/ranking?item=total&amp;phase=final&amp;region=990101&amp;year=2024" title="各部门&#34;排名&#34;" style="width:100%;aspect-ratio:4/5;border:0" loading="lazy"></iframe>`
	if snippet != want {
		t.Errorf("snippet\n%s\nwant\n%s", snippet, want)
	}
	if png != "" {
		t.Errorf("a PNG link (%s) without rsvg-convert", png)
	}
	_, err := renderPNG(context.Background(), []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`))
	if models.ErrorCode(err) != models.EUNAVAILABLE || !strings.Contains(models.ErrorMessage(err), "librsvg2-bin") {
		t.Errorf("PNG without the tool: %v", err)
	}

	withoutTool(t, "fc-list")
	if _, png := EmbedSnippet("", data, "排名"); png != "" {
		t.Errorf("a PNG link (%s) without a way to find a CJK font", png)
	}

	if _, err := exec.LookPath("rsvg-convert"); err != nil {
		t.Skip("rsvg-convert is not installed: the PNG link's presence is not checked here")
	}
	withoutTool(t, "no-such-tool")
	if !PNGAvailable() {
		t.Skipf("no CJK font on this host: %s", pngReason)
	}
	if _, png := EmbedSnippet("", data, "排名"); png != chartBase+"ranking.png?item=total&phase=final&region=990101&year=2024" {
		t.Errorf("PNG link %q", png)
	}
	if s, _ := EmbedSnippet("", chartBase+"pie?x=1", "x"); s != "" {
		t.Errorf("a snippet for an unknown chart: %s", s)
	}
}
