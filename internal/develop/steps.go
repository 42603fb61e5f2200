package develop

// Stages a person moves through.
const (
	StageApplicant    = "applicant"    // 入党申请人
	StageActivist     = "activist"     // 入党积极分子
	StageCandidate    = "candidate"    // 发展对象
	StageProbationary = "probationary" // 预备党员
	StageFull         = "full"         // 正式党员
)

// StageNames are the Chinese names of the stages, in order.
var StageNames = []struct{ Code, Name string }{
	{StageApplicant, "入党申请人"},
	{StageActivist, "入党积极分子"},
	{StageCandidate, "发展对象"},
	{StageProbationary, "预备党员"},
	{StageFull, "正式党员"},
}

// StageName names a stage.
func StageName(code string) string {
	for _, s := range StageNames {
		if s.Code == code {
			return s.Name
		}
	}
	return code
}

// StepDef is one of the 25 steps of 发展党员工作细则.
type StepDef struct {
	N          int    `json:"n"`
	Phase      int    `json:"phase"` // 1–5: the five parts of the procedure
	PhaseName  string `json:"phase_name"`
	Name       string `json:"name"`
	Repeatable bool   `json:"repeatable"` // recorded as often as it happens (half-yearly reviews)
	Enters     string `json:"enters,omitempty"`
	Fields     string `json:"fields,omitempty"` // what the step's details hold, for forms
}

// StepExtension is the probation extension, recorded beside the 25 steps.
const StepExtension = 100

var phaseNames = map[int]string{1: "申请入党", 2: "入党积极分子的确定和培养教育", 3: "发展对象的确定和考察", 4: "预备党员的接收", 5: "预备党员的教育考察和转正"}

// Steps is the catalogue of the 25 steps.
var Steps = func() []StepDef {
	s := []StepDef{
		{N: 1, Phase: 1, Name: "递交入党申请书", Enters: StageApplicant},
		{N: 2, Phase: 1, Name: "党组织派人谈话"},
		{N: 3, Phase: 2, Name: "推荐和确定入党积极分子", Enters: StageActivist},
		{N: 4, Phase: 2, Name: "报上级党委备案"},
		{N: 5, Phase: 2, Name: "指定培养联系人", Fields: "people"},
		{N: 6, Phase: 2, Name: "培养教育考察", Repeatable: true},
		{N: 7, Phase: 3, Name: "确定发展对象", Enters: StageCandidate},
		{N: 8, Phase: 3, Name: "报上级党委备案"},
		{N: 9, Phase: 3, Name: "确定入党介绍人", Fields: "introducers"},
		{N: 10, Phase: 3, Name: "进行政治审查"},
		{N: 11, Phase: 3, Name: "开展集中培训", Fields: "training"},
		{N: 12, Phase: 4, Name: "支部委员会审查"},
		{N: 13, Phase: 4, Name: "上级党委预审"},
		{N: 14, Phase: 4, Name: "填写入党志愿书"},
		{N: 15, Phase: 4, Name: "支部党员大会讨论", Fields: "vote"},
		{N: 16, Phase: 4, Name: "上级党委派人谈话", Fields: "publicity"},
		{N: 17, Phase: 4, Name: "上级党委审批", Enters: StageProbationary},
		{N: 18, Phase: 4, Name: "报县级党委组织部门备案"},
		{N: 19, Phase: 5, Name: "编入党支部和党小组"},
		{N: 20, Phase: 5, Name: "入党宣誓"},
		{N: 21, Phase: 5, Name: "继续教育考察", Repeatable: true},
		{N: 22, Phase: 5, Name: "提出转正申请"},
		{N: 23, Phase: 5, Name: "支部党员大会讨论转正", Fields: "vote"},
		{N: 24, Phase: 5, Name: "上级党委审批转正", Enters: StageFull, Fields: "publicity"},
		{N: 25, Phase: 5, Name: "材料归档"},
	}
	for i := range s {
		s[i].PhaseName = phaseNames[s[i].Phase]
	}
	return s
}()

// stepDef returns step n (1–25) or the extension.
func stepDef(n int) (StepDef, bool) {
	if n == StepExtension {
		return StepDef{N: StepExtension, Phase: 5, PhaseName: phaseNames[5], Name: "延长预备期", Fields: "extension"}, true
	}
	if n < 1 || n > len(Steps) {
		return StepDef{}, false
	}
	return Steps[n-1], true
}
