package checks

// ruleSince is the first fiscal year each rule applies to and the document that introduced the requirement.
//
// A filing of an earlier fiscal year is not to be flagged by the rule. Where a
// requirement reached budgets and final accounts in different years (a final
// is published the year after its fiscal year, so a document issued in year N
// governs the budget of year N but already the final of year N−1), a rule that
// reads both phases takes the later year, the budget's, so that nothing is
// flagged before it was required; a rule that reads only final accounts takes
// the final's year. Rules that are pure arithmetic of a table apply from the
// year the table (or column) was first required to be published, by anyone
// (central departments often came first). "推定" marks a year that is an
// inference rather than a date stated by the document.
var ruleSince = map[string]since{
	// 1–2: the 三公 table.
	"three_public.total":              {Year: 2011, Basis: "国务院常务会议（2011年5月4日）部署：中央各部门公开2010年度“三公”经费决算和2011年预算，地方比照中央做法公开；合计恒等式为表内算术，自“三公”经费表首次公开起适用"},
	"three_public.vehicles":           {Year: 2014, Basis: "财预〔2014〕36号《财政部关于深入推进地方预决算公开工作的通知》：“公务用车购置及运行费”细化公开为“公务用车购置费”和“公务用车运行费”；财预〔2016〕143号《地方预决算公开操作规程》重申"},
	"three_public.vehicles_not_split": {Year: 2014, Basis: "财预〔2014〕36号《财政部关于深入推进地方预决算公开工作的通知》：“公务用车购置及运行费”细化公开为“公务用车购置费”和“公务用车运行费”（2014年起的预算、2013年度决算亦在其后公开，取预算年）；财预〔2016〕143号重申"},

	// 3–5: sums inside one table.
	"row.sum":         {Year: 2010, Basis: "财预〔2010〕31号《财政部关于进一步做好预算信息公开工作的指导意见》：各部门负责公开本部门预算、决算（2010年起中央部门公开部门预算）；表内算术，按表是否公开运行，各栏（基本/项目、人员/公用、四本预算）自该栏公开之年起才有数"},
	"hierarchy.sum":   {Year: 2010, Basis: "财预〔2010〕31号《财政部关于进一步做好预算信息公开工作的指导意见》（部门预决算公开）；类款项结构依财预〔2006〕13号《政府收支分类改革方案》（2007年起）；表内算术"},
	"summary.balance": {Year: 2010, Basis: "财预〔2010〕31号《财政部关于进一步做好预算信息公开工作的指导意见》（部门收支总表随部门预算公开）；财政拨款收支总表自2015年（新预算法，中央部门8张表）；表内算术"},
	"table.missing":   {Year: 2020, Basis: "财预〔2016〕143号《地方预决算公开操作规程》：部门预决算标准表（8张）须公开、没有数据的表列空表并说明（2017年起）；国有资本经营预算支出表纳入标准表推定自2020年度（2019年度决算公开样本仍为8张表、2020年度起为9张），故全套9张表推定自2020年"},

	// 6–8a.
	"amount.negative":    {Year: 2007, Basis: "推定：无专门文件，金额非负对任何年度的公开表都成立；取现行表式起点，即财预〔2006〕13号《政府收支分类改革方案》2007年1月1日起实施"},
	"row.duplicate":      {Year: 2007, Basis: "推定：无专门文件，一格只能有一个数对任何年度都成立；取现行表式起点，即财预〔2006〕13号《政府收支分类改革方案》2007年1月1日起实施"},
	"code.unknown":       {Year: 2007, Basis: "财预〔2006〕13号《财政部关于印发〈政府收支分类改革方案〉的通知》：2007年1月1日起实施支出功能分类（类款项）和支出经济分类；2018年起经济分类分为部门预算（301…399）与政府预算（501…599）两套（财预〔2017〕98号《支出经济分类科目改革试行方案》），按当年科目表核对"},
	"code.name_mismatch": {Year: 2007, Basis: "财预〔2006〕13号《财政部关于印发〈政府收支分类改革方案〉的通知》（2007年起的科目名称）；名称随年度科目表变化（如2019年起“卫生健康支出”），按当年科目表核对"},
	"procurement.total":  {Year: 2014, Basis: "《中华人民共和国预算法》第十四条（2014年修正，2015年1月1日施行）：政府采购情况及时向社会公开；2014年度中央部门决算（2015年公开）首次公开政府采购支出及货物、工程、服务金额；授予中小企业合同金额自财预〔2016〕143号《地方预决算公开操作规程》（2017年）"},
	"detail.level":       {Year: 2017, Basis: "财预〔2016〕143号《地方预决算公开操作规程》：部门预决算支出按功能分类公开到项、一般公共预算基本支出按经济分类公开到款（功能分类到项早见于财预〔2014〕36号；基本支出到款，中央部门自2016年预算起；两项并查取2017年）"},

	// 9–13: across tables of one filing.
	"cross.summary_income":        {Year: 2010, Basis: "财预〔2010〕31号《财政部关于进一步做好预算信息公开工作的指导意见》：部门收支总表、收入表、支出表随部门预算公开；表间算术"},
	"cross.fiscal":                {Year: 2015, Basis: "《中华人民共和国预算法》（2014年修正，2015年1月1日施行）确立一般公共预算、政府性基金预算、国有资本经营预算；2015年起中央部门按8张表公开（财政拨款收支总表、一般公共预算支出表等），地方由财预〔2016〕143号统一（2017年）；表间算术"},
	"cross.basic":                 {Year: 2015, Basis: "2015年起中央部门预算按8张表公开（一般公共预算支出表、一般公共预算基本支出表），依《中华人民共和国预算法》（2015年1月1日施行）；地方由财预〔2016〕143号统一（2017年）；表间算术"},
	"cross.three_public_economic": {Year: 2016, Basis: "基本支出按经济分类公开到款（30212、30217、30231、30913、31013 等款级科目）：中央部门自2016年预算起，地方依财预〔2016〕143号《地方预决算公开操作规程》（2017年）；取2016年，地方2016年推定"},
	"cross.operating_cost":        {Year: 2014, Basis: "《中华人民共和国预算法》第十四条（2014年修正，2015年1月1日施行）：部门预算、决算须对机关运行经费的安排、使用情况作出说明；2014年度中央部门决算（2015年公开）首次公开机关运行经费"},

	// 14–17: across filings.
	"final.budget_mismatch":     {Year: 2016, Basis: "财预〔2016〕143号《地方预决算公开操作规程》（2016年10月27日印发）：决算“三公”经费与预算对比说明增减变化，决算表列预算数；2016年度决算（2017年公开）起适用"},
	"final.over_budget":         {Year: 2016, Basis: "财预〔2016〕143号《地方预决算公开操作规程》（2016年10月27日印发）：决算“三公”经费增减变化情况（与预算对比）须说明；仅查决算，2016年度决算（2017年公开）起适用"},
	"change.reason_missing":     {Year: 2014, Basis: "财预〔2014〕36号《财政部关于深入推进地方预决算公开工作的通知》：各部门公开“三公”经费预算总额和分项数额，并对增减变化的原因进行说明；财预〔2016〕143号重申（决算与预算对比）"},
	"change.reason_contradicts": {Year: 2014, Basis: "财预〔2014〕36号《财政部关于深入推进地方预决算公开工作的通知》：“三公”经费须说明增减变化原因；原因文字自此成为公开内容，与数字矛盾即可查"},
	"change.outlier":            {Year: 2011, Basis: "推定：统计提示，无专门文件；读上年同口径“三公”经费，最早有数为2011年（国务院常务会议2011年5月4日部署公开2010年决算和2011年预算）；“只减不增”见2013年起的政府工作报告和《党政机关厉行节约反对浪费条例》"},
	"unit.suspect":              {Year: 2010, Basis: "推定：统计提示，无专门文件；读上年同一数字或同年同地区其他部门，最早有数为部门预决算公开之年（财预〔2010〕31号《财政部关于进一步做好预算信息公开工作的指导意见》）"},
	"peer.outlier":              {Year: 2010, Basis: "推定：统计提示，无专门文件；读同年同地区其他部门的同一数字，最早有数为部门预决算公开之年（财预〔2010〕31号）；所读数字自其公开之年起才有（“三公”经费自2011年）"},

	// 18–20: counts.
	"count.missing": {Year: 2013, Basis: "财预〔2014〕36号《财政部关于深入推进地方预决算公开工作的通知》（2014年3月）：“三公”经费决算公开要细化说明因公出国（境）团组数及人数、公务用车购置数及保有量、国内公务接待批次及人数；2014年公开的2013年度决算起（年度对应为推定）；中办发〔2016〕13号《关于进一步推进预算公开工作的意见》重申"},
	"count.order":   {Year: 2013, Basis: "财预〔2014〕36号《财政部关于深入推进地方预决算公开工作的通知》：决算公开团组数及人数、接待批次及人数（2013年度决算起，推定）；数量间的大小关系自数量公开起适用；中办发〔2016〕13号重申"},
	"count.outlier": {Year: 2013, Basis: "推定：统计提示，无专门文件；读公务用车购置数、保有量和接待人次，自财预〔2014〕36号要求决算公开这些数量（2013年度决算起）才有数"},

	// The empty-table note.
	"note.empty_table": {Year: 2017, Basis: "财预〔2016〕143号《地方预决算公开操作规程》：没有数据的表格应当列出空表并说明（2016年10月27日印发，2017年预算起；2016年度决算亦在其后公开，取预算年）"},
}

// since is the first fiscal year a rule applies to and the document behind it.
type since struct {
	Year  int
	Basis string
}
