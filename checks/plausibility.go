package checks

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"sunshine/models"
)

// Plausibility below ×10⁴ (the unit mix-ups are unit.suspect's) and the
// reasons read against the figures: rules 17a–17c.

var ruleChangeOutlier = rule{RuleInfo{
	Key: "change.outlier", Number: "17a", Severity: models.SeverityWarning, Scope: ScopeCrossFiling,
	Chinese: "三公经费某项比上年同阶段已公开的数字（决算还比其预算数）变化到 5 倍以上或 1/5 以下，而增减变化原因没有提到该项的，疑似录入错误（如多打一位）。",
	English: "A 三公 item at ≥ 5× or ≤ 1/5 of the same department's published figure of last year (or, in a final, of its own budget column), without a reason that mentions the item, is flagged: a typo such as an extra digit.",
}, checkChangeOutlier}

var rulePeerOutlier = rule{RuleInfo{
	Key: "peer.outlier", Number: "17b", Severity: models.SeverityWarning, Scope: ScopeCrossFiling,
	Chinese: "三公经费某项与本地区同年度同阶段已公开的其他部门相比是稳健离群值（取对数后按中位数绝对偏差，稳健 z 分数超过 3.5，且与中位数相差 10 倍以上、低于最小者的一半或高于最大者的两倍，至少 5 个可比部门）。",
	English: "A 三公 item far from every peer's of the same region, year and phase: a robust outlier on the log scale (median absolute deviation, robust z above 3.5, at least 10× from the median and beyond every peer — below half the smallest or above twice the largest — with at least 5 peers).",
}, checkPeerOutlier}

var ruleReasonContradicts = rule{RuleInfo{
	Key: "change.reason_contradicts", Number: "17c", Severity: models.SeverityWarning, Scope: ScopeCrossFiling,
	Chinese: "增减变化原因中的方向词和数字应与数字一致：说“增加/增长”而实际减少、说“减少/下降”而实际增加、说“持平”而有变化，或写明的增减金额、百分比与实际不符的，逐句指出。",
	English: "The 增减变化原因 agrees with the figures: a sentence saying 增加 / 减少 / 持平 against the opposite change, or a stated amount or percentage of change that does not match, is flagged, naming the sentence.",
}, checkReasonContradicts}

// itemWords are the words a reason uses for each 三公 item.
var itemWords = map[string][]string{
	"outbound_trips":    {"出国", "出境", "因公出"},
	"vehicles":          {"公务用车", "车辆", "用车"},
	"vehicle_purchase":  {"购置", "购车", "更新车"},
	"vehicle_operation": {"运行", "维护", "燃油", "保险"},
	"reception":         {"接待"},
}

// mentions reports whether a reason names a 三公 item.
func mentions(reason, item string) bool {
	for _, w := range itemWords[item] {
		if strings.Contains(reason, w) {
			return true
		}
	}
	return false
}

// changeBases returns what a 三公 record's figures are compared with: last
// year's published same phase, and in a final its own budget columns.
type changeBasis struct {
	label   string // 上年（2024 年预算） or 预算数
	that    func(item string) figure
	otherID int64
	prefix  string // the other column's prefix on this record ("budget_"), "" for another filing
}

func changeBases(in *input) []changeBasis {
	tp := in.ThreePublic
	var out []changeBasis
	if pub := in.env.Published; pub != nil {
		key := in.FilingKey
		key.FiscalYear--
		if last, ok := pub.Latest(key); ok && last.ThreePublic != nil {
			lt := last.ThreePublic
			out = append(out, changeBasis{label: fmt.Sprintf("上年（%d 年%s）", key.FiscalYear, key.Phase.Chinese()), otherID: last.ID,
				that: func(item string) figure { return disclosed(threePublicAmount(lt, item), unitOf(lt.Unit), lt.Decimals) }})
		}
	}
	if in.Phase == models.PhaseFinal {
		out = append(out, changeBasis{label: "预算数", prefix: "budget_",
			that: func(item string) figure {
				return disclosed(threePublicAmount(tp, "budget_"+item), unitOf(tp.Unit), tp.Decimals)
			}})
	}
	return out
}

func (in *input) threeFig(item string) figure {
	tp := in.ThreePublic
	return disclosed(threePublicAmount(tp, item), unitOf(tp.Unit), tp.Decimals)
}

func checkChangeOutlier(in *input, out *output) {
	tp := in.ThreePublic
	if tp == nil {
		return
	}
	label := ""
	if in.Phase == models.PhaseFinal {
		label = "决算数"
	}
	for _, b := range changeBases(in) {
		for _, item := range threePublicItemKeys[1:] {
			a, o := in.threeFig(item), b.that(item)
			if a.Missing || o.Missing || a.Amount <= 0 || o.Amount <= 0 || mentions(tp.ChangeReason, item) {
				continue
			}
			ratio := float64(a.Amount) / float64(o.Amount)
			// ×10⁴ and ×10⁸ are unit.suspect's business.
			if (ratio < 5 && ratio > 0.2) || ratio >= 3000 || ratio <= 1.0/3000 {
				continue
			}
			// Rounding cannot explain it, but small printed figures can: both beyond their tolerance.
			if evaluate(one("", a), one("", o), false).verdict != differ {
				continue
			}
			at := threePublicAt(label, item, tp.SourceRow)
			at.OtherFilingID, at.OtherTable, at.OtherColumn = b.otherID, models.TableThreePublic, b.prefix+item
			at.Value = money(a.Amount, a.Unit)
			out.reportf(at, money(o.Amount, o.Unit), money(a.Amount, a.Unit),
				"%s是%s %s的 %s 倍，增减变化原因未提及该项；请核对是否录入有误（如多打或少打一位）",
				money(a.Amount, a.Unit), b.label, money(o.Amount, o.Unit), strconv.FormatFloat(ratio, 'f', 2, 64))
		}
	}
}

func checkPeerOutlier(in *input, out *output) {
	tp, pub := in.ThreePublic, in.env.Published
	if tp == nil || pub == nil {
		return
	}
	peers := pub.Peers(in.RegionCode, in.FiscalYear, in.Phase)
	label := ""
	if in.Phase == models.PhaseFinal {
		label = "决算数"
	}
	for _, item := range threePublicItemKeys {
		a := in.threeFig(item)
		if a.Missing || a.Amount <= 0 {
			continue
		}
		var logs []float64
		for i := range peers {
			p := &peers[i]
			if p.DeptCode == in.DeptCode || p.ThreePublic == nil {
				continue
			}
			if n := threePublicAmount(p.ThreePublic, item); n.Valid && n.Money > 0 {
				logs = append(logs, math.Log10(float64(n.Money)))
			}
		}
		if len(logs) < 5 {
			continue
		}
		med := median(logs)
		dev := make([]float64, len(logs))
		for i, l := range logs {
			dev[i] = math.Abs(l - med)
		}
		mad := median(dev)
		if mad < 0.05 { // peers nearly alike: a z-score would flag ordinary differences
			continue
		}
		x := math.Log10(float64(a.Amount))
		z := 0.6745 * (x - med) / mad
		// Far from every peer's: a robust outlier, at least 10× from the median and
		// beyond every peer (below half the smallest or above twice the largest);
		// ×10⁴ is unit.suspect's.
		lo, hi := slices.Min(logs), slices.Max(logs)
		beyond := x < lo-math.Log10(2) || x > hi+math.Log10(2) // half the smallest or twice the largest peer
		if math.Abs(z) <= 3.5 || math.Abs(x-med) < 1 || !beyond || math.Abs(x-med) >= 3.5 {
			continue
		}
		at := threePublicAt(label, item, tp.SourceRow)
		at.Value = money(a.Amount, a.Unit)
		typical := models.Money(math.Round(math.Pow(10, med)))
		out.reportf(at, money(typical, models.Yuan), money(a.Amount, a.Unit),
			"%s与本地区 %d 个部门相差悬殊（各部门中位数约 %s，稳健 z 分数 %.1f）；请核对",
			money(a.Amount, a.Unit), len(logs), yuan(typical), z)
	}
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

var (
	sentenceEnd = regexp.MustCompile(`[。；;！!\n]`)
	// A direction word, then within a few characters a number with its unit: 增加 1.14 万元 / 增长 1.14%.
	changeStated = regexp.MustCompile(`(增加|增长|上升|提高|减少|下降|降低|压减|节约|持平)\s*(?:了)?\s*(?:([0-9０-９]+(?:[.．][0-9０-９]+)?)\s*(万元|元|亿元|%|％|个百分点)?)?`)
)

// checkReasonContradicts reads the reason sentence by sentence: a sentence
// that names a 三公 item (or none: the total) and a basis it compares with
// (上年 by default; 预算 in a final) states a direction and maybe an amount or
// a percentage, which are compared with the figures.
func checkReasonContradicts(in *input, out *output) {
	tp := in.ThreePublic
	if tp == nil || strings.TrimSpace(tp.ChangeReason) == "" {
		return
	}
	bases := changeBases(in)
	if len(bases) == 0 {
		return
	}
	at := where{Text: "三公经费“增减变化原因”", Table: models.TableThreePublic, Column: "change_reason", Row: tp.SourceRow}
	for _, s := range sentenceEnd.Split(tp.ChangeReason, -1) {
		s = strings.TrimSpace(s)
		m := changeStated.FindStringSubmatchIndex(s)
		if m == nil || !strings.ContainsAny(s, "比较") && !strings.Contains(s, "持平") && !strings.Contains(s, "上年") {
			continue // "压减公务接待" is an action, not a stated change: only comparisons are read
		}
		item := "total"
		for _, k := range []string{"outbound_trips", "vehicle_purchase", "vehicle_operation", "vehicles", "reception"} {
			if i := firstIndex(s, itemWords[k]); i >= 0 && i < m[0] {
				item = k
				break
			}
		}
		b := bases[0]
		if strings.Contains(s, "预算") && in.Phase == models.PhaseFinal {
			b = bases[len(bases)-1]
		} else if b.prefix != "" && !strings.Contains(s, "上年") && !strings.Contains(s, "上一年") {
			continue // a final without last year's figures: only sentences about the budget are read
		}
		a, o := in.threeFig(item), b.that(item)
		if a.Missing || o.Missing {
			continue
		}
		r := evaluate(one("", a), one("", o), false)
		var problem string
		for _, m := range changeStated.FindAllStringSubmatchIndex(s, -1) {
			word := s[m[2]:m[3]]
			up := strings.Contains("增加增长上升提高", word)
			switch {
			case r.verdict != differ:
			case word == "持平":
				problem = fmt.Sprintf("说“持平”，但%s %s比%s %s%s", threePublicNames[item], money(a.Amount, a.Unit), b.label, money(o.Amount, o.Unit), direction(a.Amount-o.Amount))
			case up != (a.Amount > o.Amount):
				problem = fmt.Sprintf("说“%s”，但%s %s比%s %s实际%s", word, threePublicNames[item], money(a.Amount, a.Unit), b.label, money(o.Amount, o.Unit), direction(a.Amount-o.Amount))
			case m[4] >= 0:
				problem = statedNumberProblem(s[m[4]:m[5]], unitAt(s, m), a, o, b.label, item)
			}
			if problem != "" {
				break
			}
		}
		if problem != "" {
			out.reportf(at, "", s, "“%s”：%s", s, problem)
		}
	}
}

func unitAt(s string, m []int) string {
	if m[6] < 0 {
		return ""
	}
	return s[m[6]:m[7]]
}

func firstIndex(s string, words []string) int {
	best := -1
	for _, w := range words {
		if i := strings.Index(s, w); i >= 0 && (best < 0 || i < best) {
			best = i
		}
	}
	return best
}

func direction(d models.Money) string {
	if d > 0 {
		return "增加 " + yuan(d)
	}
	return "减少 " + yuan(-d)
}

// statedNumberProblem compares an amount or percentage a reason states with
// the change it describes; "" when they agree to the printed precision.
func statedNumberProblem(number, unit string, a, o figure, basis, item string) string {
	number = strings.NewReplacer("．", ".", "０", "0", "１", "1", "２", "2", "３", "3", "４", "4", "５", "5", "６", "6", "７", "7", "８", "8", "９", "9").Replace(number)
	v, err := strconv.ParseFloat(number, 64)
	if err != nil {
		return ""
	}
	change := math.Abs(float64(a.Amount - o.Amount))
	switch unit {
	case "%", "％":
		actual := change / float64(o.Amount) * 100
		// Stated to its printed decimals: allow half of its last digit, and 1 % of it for rounded inputs.
		if math.Abs(actual-v) <= halfLast(number)+0.01*actual+0.05 {
			return ""
		}
		return fmt.Sprintf("写明变化 %s%%，但%s比%s实际变化 %.2f%%", number, threePublicNames[item], basis, actual)
	case "万元", "元", "亿元":
		u, _ := models.ParseUnit(unit)
		stated := v * float64(u.Fen())
		tol := halfLast(number)*float64(u.Fen()) + float64(a.rounding()+o.rounding())
		if math.Abs(change-stated) <= tol+1 {
			return ""
		}
		return fmt.Sprintf("写明变化 %s %s，但%s比%s实际变化 %s", number, unit, threePublicNames[item], basis, yuan(models.Money(change)))
	}
	return ""
}

// halfLast is half a unit of a decimal number's last digit: "1.14" → 0.005.
func halfLast(number string) float64 {
	i := strings.IndexByte(number, '.')
	if i < 0 {
		return 0.5
	}
	return 0.5 * math.Pow(10, -float64(len(number)-i-1))
}
