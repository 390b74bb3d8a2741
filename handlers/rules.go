package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"sunshine/checks"
	"sunshine/filings"
	"sunshine/models"
)

// RuleEntry is one rule of GET /api/v1/rules: the catalogue entry of package
// checks with the severity this deployment applies (after SUNSHINE_SEVERITY).
type RuleEntry struct {
	Key             string          `json:"key"`
	Number          string          `json:"number"`
	Severity        models.Severity `json:"severity"`
	DefaultSeverity models.Severity `json:"default_severity"`
	// PhaseSeverity is the severity in each phase, where an override names a phase ("…@final").
	PhaseSeverity map[models.Phase]models.Severity `json:"phase_severity"`
	Scope         string                           `json:"scope"`
	Chinese       string                           `json:"zh"`
	English       string                           `json:"en"`
	Basis         string                           `json:"basis,omitempty"`
	// Since is the first fiscal year the rule applies to, SinceBasis the document that introduced it.
	Since      int    `json:"since"`
	SinceBasis string `json:"since_basis"`
}

// getRules answers the rules catalogue. It changes only when the service
// restarts with other overrides, so caches may keep it for a while.
func getRules(svc *filings.Service) gin.HandlerFunc {
	overrides := svc.SeverityOverrides()
	entries := make([]RuleEntry, len(checks.Catalogue))
	for i, r := range checks.Catalogue {
		e := RuleEntry{Key: r.Key, Number: r.Number, Severity: r.Severity, DefaultSeverity: r.Severity,
			PhaseSeverity: map[models.Phase]models.Severity{}, Scope: r.Scope, Chinese: r.Chinese, English: r.English, Basis: r.Basis,
			Since: r.Since, SinceBasis: r.SinceBasis}
		e.Severity = checks.EffectiveSeverity(overrides, r.Key, "")
		for _, p := range models.Phases {
			e.PhaseSeverity[p] = checks.EffectiveSeverity(overrides, r.Key, p)
		}
		entries[i] = e
	}
	return func(c *gin.Context) {
		c.Header("Cache-Control", "public, max-age=300")
		c.JSON(http.StatusOK, gin.H{"data": entries})
	}
}
