package org

import (
	"context"

	"liangxin/internal/actor"
	"liangxin/internal/region"

	"github.com/xuri/excelize/v2"
)

// Template writes the organization template: the header (code column as
// text, so long codes keep every digit), an example row and a sheet of notes
// with the accepted categories and the jurisdiction's streets and towns.
func Template(ctx context.Context, regions *region.Service, w interface{ Write([]byte) (int, error) }) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "两新组织"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FDE9E7"}},
		Alignment: &excelize.Alignment{Horizontal: "center"}})
	if err != nil {
		return err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return err
	}
	for i, h := range Headers() {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		if err := f.SetCellValue(sheet, cell, h); err != nil {
			return err
		}
	}
	if err := f.SetCellStyle(sheet, "A1", "L1", head); err != nil {
		return err
	}
	// Every column holds text: codes keep their digits, dates may be typed 2022-03-15.
	if err := f.SetColStyle(sheet, "A:L", text); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, "A", "A", 36); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, "B", "B", 24); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, "C", "L", 14); err != nil {
		return err
	}
	example := []any{"示例：祁东县某某商贸有限公司（导入前请删除本行）", "91430426MA4L000000", "民营企业", "洪桥街道", "", "F 批发和零售业", "25", "3", "1", "否", "2018-05-20", ""}
	for i, v := range example {
		cell, _ := excelize.CoordinatesToCellName(i+1, 2)
		if err := f.SetCellValue(sheet, cell, v); err != nil {
			return err
		}
	}
	if _, err := f.NewSheet("填写说明"); err != nil {
		return err
	}
	notes := [][]string{
		{"填写说明"},
		{"单位名称、单位类别、所属街道（乡镇）必填；统一社会信用代码除个体工商户外必填。"},
		{"统一社会信用代码列已设为文本格式，请勿改为数字格式，否则 18 位代码的后几位会丢失。"},
		{"单位类别：民营企业、个体工商户、外资及港澳台企业、其他企业、社会团体、民办非企业单位、基金会、中介服务组织。"},
		{"行业门类：GB/T 4754 门类字母（A–T）或门类名称，如“C”或“制造业”。"},
		{"是否规模以上：填“是”或“否”。日期：2022-03-15、2022/3/15、2022.3.15 或 2022年3月15日。"},
		{"同一统一社会信用代码重复导入时更新原记录；整个文件有任何错误时不会导入任何数据，并提供标出错误的表格供下载修改。"},
		{""},
		{"本辖区的街道（乡镇）："},
	}
	sys := actor.System(ctx, "template")
	if j, err := regions.Jurisdiction(sys); err == nil && j != "" {
		if kids, err := regions.Children(sys, j); err == nil {
			for _, k := range kids {
				if k.Level == "town" {
					notes = append(notes, []string{k.Name + "（" + k.Code + "）"})
				}
			}
		}
	}
	for i, n := range notes {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetCellValue("填写说明", cell, n[0]); err != nil {
			return err
		}
	}
	if err := f.SetColWidth("填写说明", "A", "A", 110); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}
