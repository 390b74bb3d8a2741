package ingest

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"sunshine/models"
)

// problem is what is wrong with one cell: a rule key and a Chinese sentence
// (without the position, which the caller knows).
type problem struct {
	rule, msg string
}

func typeProblem(err error) *problem { return &problem{RuleCellType, models.ErrorMessage(err)} }
func enumProblem(err error) *problem { return &problem{RuleCellEnum, models.ErrorMessage(err)} }

// Text limits of the fields, as the models validate them.
const (
	maxRegionName   = 100
	maxDeptName     = 200
	maxItemName     = 200
	maxChangeReason = 10000
)

// A region code of the wrong shape is cell.type (a pattern, like a number that
// is not a number), not cell.enum: codes are not checked against a list.
func parseRegionCode(s string) (string, *problem) {
	if err := models.ValidateRegionCode(s); err != nil {
		return "", typeProblem(err)
	}
	return s, nil
}

func parseDeptCode(s string) (string, *problem) {
	if err := models.ValidateDeptCode(s); err != nil {
		return "", typeProblem(err)
	}
	return s, nil
}

// parseYear accepts a whole year in 2000–2100; anything else is cell.type.
func parseYear(s string) (int, *problem) {
	t := asciiDigits(s)
	y, err := strconv.Atoi(t)
	if err != nil || t == "" || t[0] == '+' || t[0] == '-' {
		return 0, &problem{RuleCellType, "“" + s + "”不是有效的年度（应为 4 位数字，如 2025）"}
	}
	if err := models.ValidateFiscalYear(y); err != nil {
		return 0, typeProblem(err)
	}
	return y, nil
}

func parsePhase(s string) (models.Phase, *problem) {
	p, err := models.ParsePhase(s)
	if err != nil {
		return "", enumProblem(err)
	}
	return p, nil
}

func parseUnit(s string) (models.Unit, *problem) {
	u, err := models.ParseUnit(s)
	if err != nil {
		return "", enumProblem(err)
	}
	return u, nil
}

// parseAmount reads an amount in the row's unit. A blank cell is "not
// disclosed" (CONTRACT.md §2), which is not the same as 0.
func parseAmount(s string, u models.Unit) (models.NullMoney, *problem) {
	if s == "" {
		return models.NotDisclosed, nil
	}
	m, err := models.ParseMoney(s, u)
	if err != nil {
		return models.NotDisclosed, typeProblem(err)
	}
	return models.Disclosed(m), nil
}

// checkNumber is parseAmount for a row whose unit is unknown: it only says
// whether the cell is a number at all, so one bad unit does not bury the row
// under whole-fen complaints.
func checkNumber(s string) *problem {
	_, p := parseAmount(s, models.YiYuan)
	return p
}

// parseCount reads a whole number ≥ 0; blank is "not disclosed".
func parseCount(s string) (models.NullCount, *problem) {
	if s == "" {
		return models.NullCount{}, nil
	}
	n, err := models.ParseCount(s)
	if err != nil {
		return models.NullCount{}, typeProblem(err)
	}
	return models.CountOf(n), nil
}

// checkText applies a field's own limit and refuses control characters, which
// no printed table has and which break the CSV and HTML the service writes.
func checkText(s string, max int) *problem {
	if n := utf8.RuneCountInString(s); n > max {
		return &problem{RuleCellLength, "内容过长（" + groupThousands(n) + " 个字符，最多 " + groupThousands(max) + " 个）"}
	}
	for _, r := range s {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f {
			return &problem{RuleCellType, fmt.Sprintf("包含控制字符（U+%04X）", r)}
		}
	}
	return nil
}

func utf8Count(s string) int { return utf8.RuneCountInString(s) }

// asciiDigits turns full-width digits (typed with a Chinese input method) into ASCII.
func asciiDigits(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r >= '０' && r <= '９' }) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r >= '０' && r <= '９' {
			return '0' + (r - '０')
		}
		return r
	}, s)
}
