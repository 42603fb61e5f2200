package member

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/pdata"
	"liangxin/internal/store"
	"liangxin/internal/xlsx"
)

// Columns of the roster template (党员花名册导入模板).
const (
	ColName        = "姓名"
	ColGender      = "性别"
	ColEthnicity   = "民族"
	ColBirthDate   = "出生日期"
	ColIDNumber    = "身份证号"
	ColPhone       = "手机号"
	ColEducation   = "学历"
	ColCategory    = "党员类别"
	ColPartyOrg    = "所在党组织"
	ColUnit        = "工作单位"
	ColJoinedOn    = "入党日期"
	ColConfirmedOn = "转正日期"
	ColPosition    = "职务"
)

// ImportHeaders is the template's header row, in order.
func ImportHeaders() []string {
	return []string{ColName, ColGender, ColEthnicity, ColBirthDate, ColIDNumber, ColPhone, ColEducation, ColCategory,
		ColPartyOrg, ColUnit, ColJoinedOn, ColConfirmedOn, ColPosition}
}

// ImportColumns describes the columns for the reader. The aliases cover the
// headers of the roster export and of the usual hand-kept rosters.
func ImportColumns() []xlsx.Column {
	return []xlsx.Column{
		{Name: ColName, Aliases: []string{"党员姓名"}},
		{Name: ColGender, Optional: true},
		{Name: ColEthnicity, Aliases: []string{"民族（族别）"}, Optional: true},
		{Name: ColBirthDate, Aliases: []string{"出生年月", "出生年月日"}, Optional: true},
		{Name: ColIDNumber, Aliases: []string{"公民身份号码", "身份证号码", "身份证"}},
		{Name: ColPhone, Aliases: []string{"手机号码", "联系电话", "手机", "联系方式", "电话"}, Optional: true},
		{Name: ColEducation, Aliases: []string{"文化程度", "最高学历"}, Optional: true},
		{Name: ColCategory, Aliases: []string{"类别", "人员类别", "党员类型"}},
		{Name: ColPartyOrg, Aliases: []string{"党组织", "党组织名称", "所在党支部", "党支部", "所在支部"}},
		{Name: ColUnit, Aliases: []string{"工作单位（统一社会信用代码或名称）", "所在单位", "两新组织", "统一社会信用代码"}, Optional: true},
		{Name: ColJoinedOn, Aliases: []string{"入党时间"}, Optional: true},
		{Name: ColConfirmedOn, Aliases: []string{"转正时间"}, Optional: true},
		{Name: ColPosition, Aliases: []string{"职位", "现任职务"}, Optional: true},
	}
}

// ImportResult counts what an import wrote.
type ImportResult struct {
	Rows      int `json:"rows"`
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
}

// errRejected rolls the import's transaction back when any cell is bad.
var errRejected = errors.New("import rejected")

// importBatch is how many rows are looked up and inserted per statement.
const importBatch = 400

// ImportTemplate writes the roster template: the header row and one
// example row, which the user replaces.
func ImportTemplate(w io.Writer) error {
	xw, err := xlsx.NewWriter("党员花名册", ImportHeaders(), []float64{10, 6, 8, 12, 22, 14, 10, 10, 30, 34, 12, 12, 12})
	if err != nil {
		return err
	}
	return xw.Finish(w)
}

// Import reads a roster workbook and writes it all or nothing; see
// importer.run.
func (s *Service) Import(ctx context.Context, ra io.ReaderAt, size int64, limits xlsx.Limits, progress func(phase string, n int)) (ImportResult, []xlsx.CellError, error) {
	return ImportResult{}, nil, errors.New("not implemented")
}

// nameKey makes names comparable: NormalizeText, every space dropped.
func nameKey(s string) string { return strings.ReplaceAll(xlsx.NormalizeText(s), " ", "") }

var _ = fmt.Sprint
var _ = sql.ErrNoRows
var _ = apperr.Invalid
var _ = audit.Entry{}
var _ = pdata.MaskID
var _ = store.DateFormat
