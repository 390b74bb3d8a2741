package ingest

import (
	"errors"
	"strings"
	"testing"

	"sunshine/models"
)

func TestOptions_WithFilingFields(t *testing.T) {
	o, err := Options{}.WithFilingFields(map[string]string{"region_code": "990102", "dept_code": "101", "fiscal_year": " 2025 ",
		"phase": "决算", "dept_name": "示例局", "region_name": ""})
	if err != nil || o.RegionCode != "990102" || o.DeptCode != "101" || o.FiscalYear != 2025 || o.Phase != models.PhaseFinal ||
		o.DeptName != "示例局" || o.RegionName != "" {
		t.Fatalf("%+v, %v", o, err)
	}
	for key, v := range map[string]string{"region_code": "4310", "fiscal_year": "二〇二五", "phase": "草稿"} {
		_, err := Options{}.WithFilingFields(map[string]string{key: v})
		var me *models.Error
		if !errors.As(err, &me) || me.Code != models.EINVALID || !strings.HasPrefix(me.Message, key+"：") {
			t.Errorf("%s=%q: %v", key, v, err)
		}
	}
}
