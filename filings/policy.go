package filings

import "sunshine/models"

// The permission policy: who may see, publish and withdraw a filing. The API
// (handlers), the desk (web) and Service.Publish/Withdraw all ask these
// functions, so a rule is changed in one place. A nil token is the public;
// the command line and the demo loader (an Actor without a token) are
// trusted by the Service and never ask.

// MaySee reports whether t (nil: the public) may see f. Published,
// superseded and withdrawn versions are public; a draft is seen only by an
// active token that may write its department — to anyone else it does not exist.
func MaySee(t *models.Token, f models.Filing) bool {
	if f.Status != models.StatusDraft {
		return true
	}
	return t != nil && t.MayWrite(f.RegionCode, f.DeptCode)
}

// MayPublish reports whether t may publish f's department: an active admin,
// or, when uploadersPublish (Service.AllowUploaderPublish), an uploader whose
// scope holds the department. Whether f is a draft is Publish's to check
// (ECONFLICT otherwise), so the state does not enter here.
func MayPublish(t *models.Token, f models.Filing, uploadersPublish bool) bool {
	if t == nil || !t.Active() {
		return false
	}
	return t.Role == models.RoleAdmin || (uploadersPublish && t.MayWrite(f.RegionCode, f.DeptCode))
}

// MayWithdraw reports whether t may withdraw published filings: an active admin only.
func MayWithdraw(t *models.Token) bool {
	return t != nil && t.Active() && t.Role == models.RoleAdmin
}

// CanPublish is what the desk offers: f is a draft t may see and publish.
func CanPublish(t *models.Token, f models.Filing, uploadersPublish bool) bool {
	return f.Status == models.StatusDraft && MaySee(t, f) && MayPublish(t, f, uploadersPublish)
}

// CanWithdraw is what the desk offers: f is published and t may withdraw it.
func CanWithdraw(t *models.Token, f models.Filing) bool {
	return f.Status == models.StatusPublished && MayWithdraw(t)
}

// MayPublishSets reports whether t may publish drafts as a set (a batch, one
// release per dataset), schedule such an act, cancel it or read it: an active admin only.
func MayPublishSets(t *models.Token) bool {
	return t != nil && t.Active() && t.Role == models.RoleAdmin
}
