package checks

import (
	"fmt"
	"math/big"
	"strconv"

	"sunshine/models"
)

// Rules 18–20: the counts that go with the 三公 amounts (团组数、人次、车辆数、批次).

var ruleCountMissing = rule{RuleInfo{
	Key: "count.missing", Number: "18", Severity: models.SeverityWarning, Scope: ScopeTable,
	Chinese: "决算须公开三公经费对应的数量：有因公出国(境)费须有团组数和人次，有公务用车购置费须有购置数，有运行(维护)费须有保有量，有公务接待费须有批次和人次（未公开或为 0 均提示）；预算只提示有金额而数量填 0 的。反过来，数量大于 0 而金额为 0 也提示。",
	English: "A final discloses the counts behind each 三公 amount: trips need trip groups and persons, vehicle purchase the vehicles purchased, vehicle operation the vehicles held, reception the batches and persons (not disclosed or 0 is flagged); a budget is flagged only for a count given as 0 beside money. Either phase: a count above 0 beside an amount of 0.",
	Basis:   basis13 + "（决算须公开因公出国(境)团组数及人数、公务用车购置数及保有量、国内公务接待批次及人数）",
}, checkCountMissing}

var ruleCountOrder = rule{RuleInfo{
	Key: "count.order", Number: "19", Severity: models.SeverityWarning, Scope: ScopeTable,
	Chinese: "人次不应少于团组数或批次：因公出国(境)人次 ≥ 团组数，国内公务接待人次 ≥ 批次；其中外宾接待的批次、人次不应超过接待总批次、总人次，外宾接待人次 ≥ 外宾接待批次。",
	English: "Persons are not fewer than groups or batches (trip persons ≥ trip groups, reception persons ≥ reception batches, foreign reception persons ≥ foreign batches); the foreign reception counts do not exceed the reception totals they are part of.",
	Basis:   basis13,
}, checkCountOrder}

var ruleCountOutlier = rule{RuleInfo{
	Key: "count.outlier", Number: "20", Severity: models.SeverityWarning, Scope: ScopeCrossFiling,
	Chinese: "每辆车购置费、每辆车运行(维护)费、人均接待费超过本地区其他部门中位数的 4 倍或不到其四分之一（至少 5 个部门可比）时提示。",
	English: "Purchase per vehicle purchased, operation per vehicle held and reception per person are flagged when above 4 times, or below a quarter of, the median of the region's other departments (with at least 5 to compare).",
}, checkCountOutlier}

// threePublicCount returns a 三公 count by column key.
func threePublicCount(t *models.ThreePublic, key string) models.NullCount {
	for _, c := range models.ThreePublicCounts {
		if c.Key == key {
			return *c.Get(t)
		}
	}
	return models.NullCount{}
}

func countName(key string) string {
	for _, c := range models.ThreePublicCounts {
		if c.Key == key {
			return c.Chinese
		}
	}
	return key
}

func countText(n models.NullCount) string {
	if !n.Valid {
		return "未公开"
	}
	return strconv.FormatInt(n.Count, 10)
}

func countAt(key string, row int) where {
	return where{Text: "三公经费“" + countName(key) + "”", Table: models.TableThreePublic, Column: key, Row: row}
}

// countsFor pairs each count with the amount it counts.
var countsFor = []struct{ amount, count string }{
	{"outbound_trips", "trip_groups"},
	{"outbound_trips", "trip_persons"},
	{"vehicle_purchase", "vehicles_purchased"},
	{"vehicle_operation", "vehicles_held"},
	{"reception", "reception_batches"},
	{"reception", "reception_persons"},
}

func checkCountMissing(in *input, out *output) {
	tp := in.ThreePublic
	if tp == nil {
		return
	}
	unit := unitOf(tp.Unit)
	for _, pair := range countsFor {
		amount, count := threePublicAmount(tp, pair.amount), threePublicCount(tp, pair.count)
		if !amount.Valid {
			continue
		}
		at := countAt(pair.count, tp.SourceRow)
		at.Value = countText(count)
		printed := money(amount.Money, unit)
		switch {
		case amount.Money > 0 && in.Phase == models.PhaseFinal && (!count.Valid || count.Count == 0):
			given := "未公开"
			if count.Valid {
				given = "为 0"
			}
			out.reportf(at, "> 0", countText(count), "%s，但“%s”%s；决算须公开该数量",
				countContext(pair.amount, printed), countName(pair.count), given)
		case amount.Money > 0 && count.Valid && count.Count == 0:
			out.reportf(at, "> 0", "0", "%s，但“%s”填为 0", countContext(pair.amount, printed), countName(pair.count))
		case amount.Money == 0 && count.Valid && count.Count > 0:
			out.reportf(at, "0", countText(count), "为 %d，但“%s”为 0", count.Count, threePublicNames[pair.amount])
		}
	}
}

func countContext(amountKey, printed string) string {
	return "“" + threePublicNames[amountKey] + "”为 " + printed
}

// countOrder lists pairs of counts where small may not be above large. The
// finding stands at the count that is out of line: too few persons, or too
// many foreign receptions (a part of the total).
var countOrder = []struct {
	small, large string
	atSmall      bool
}{
	{"trip_groups", "trip_persons", false},
	{"reception_batches", "reception_persons", false},
	{"foreign_reception_batches", "foreign_reception_persons", false},
	{"foreign_reception_batches", "reception_batches", true},
	{"foreign_reception_persons", "reception_persons", true},
}

func checkCountOrder(in *input, out *output) {
	tp := in.ThreePublic
	if tp == nil {
		return
	}
	for _, pair := range countOrder {
		small, large := threePublicCount(tp, pair.small), threePublicCount(tp, pair.large)
		if !small.Valid || !large.Valid || small.Count <= large.Count {
			continue
		}
		at := countAt(pair.large, tp.SourceRow)
		at.Value = countText(large)
		if pair.atSmall {
			at = countAt(pair.small, tp.SourceRow)
			at.Value = countText(small)
			out.reportf(at, "≤ "+countText(large), countText(small), "%d 多于“%s” %d；其中数不能超过总数",
				small.Count, countName(pair.large), large.Count)
			continue
		}
		out.reportf(at, "≥ "+countText(small), countText(large), "%d 少于“%s” %d",
			large.Count, countName(pair.small), small.Count)
	}
}

// minOutlierPeers is how many other departments must have a figure before it is compared with their median.
const minOutlierPeers = 5

// perUnitFigures are the amounts per counted thing that count.outlier compares.
var perUnitFigures = []struct{ amount, count, label string }{
	{"vehicle_purchase", "vehicles_purchased", "每辆车购置费"},
	{"vehicle_operation", "vehicles_held", "每辆车运行(维护)费"},
	{"reception", "reception_persons", "人均公务接待费"},
}

// perUnit divides a 三公 amount by its count, in whole fen; ok is false unless both are disclosed and above 0.
func perUnit(t *models.ThreePublic, amountKey, countKey string) (models.Money, bool) {
	if t == nil {
		return 0, false
	}
	a, c := threePublicAmount(t, amountKey), threePublicCount(t, countKey)
	if !a.Valid || !c.Valid || a.Money <= 0 || c.Count <= 0 {
		return 0, false
	}
	return a.Money / models.Money(c.Count), true
}

func checkCountOutlier(in *input, out *output) {
	tp, pub := in.ThreePublic, in.env.Published
	if tp == nil || pub == nil {
		return
	}
	peers := pub.Peers(in.RegionCode, in.FiscalYear, in.Phase)
	for _, f := range perUnitFigures {
		value, ok := perUnit(tp, f.amount, f.count)
		if !ok {
			continue
		}
		var values []models.Money
		for i := range peers {
			if peers[i].DeptCode == in.DeptCode {
				continue
			}
			if v, ok := perUnit(peers[i].ThreePublic, f.amount, f.count); ok {
				values = append(values, v)
			}
		}
		if len(values) < minOutlierPeers {
			continue
		}
		median := medianOf(values)
		var how string
		switch {
		case moreThanTimes(value, median, 4):
			how = "是其 " + tenths(value, median) + " 倍"
		case moreThanTimes(median, value, 4):
			how = "不到其四分之一"
		default:
			continue
		}
		at := threePublicAt("", f.amount, tp.SourceRow)
		at.Text = "三公经费“" + f.label + "”"
		actual := yuan(value)
		out.reportf(at, "本地区中位数 "+yuan(median), actual,
			"%s（%s %s ÷ %s %d），本地区 %d 个其他部门的中位数为 %s，%s",
			actual, threePublicNames[f.amount], yuan(threePublicAmount(tp, f.amount).Money), countName(f.count),
			threePublicCount(tp, f.count).Count, len(values), yuan(median), how)
	}
}

// moreThanTimes reports whether a > k·b, exactly.
func moreThanTimes(a, b models.Money, k int64) bool {
	kb := new(big.Int).Mul(big.NewInt(int64(b)), big.NewInt(k))
	return big.NewInt(int64(a)).Cmp(kb) > 0
}

// tenths prints a/b to one decimal, rounded down: "5.7".
func tenths(a, b models.Money) string {
	q := new(big.Int).Quo(new(big.Int).Mul(big.NewInt(int64(a)), big.NewInt(10)), big.NewInt(int64(b)))
	s := q.String()
	if len(s) < 2 {
		s = "0" + s
	}
	return fmt.Sprintf("%s.%s", s[:len(s)-1], s[len(s)-1:])
}
