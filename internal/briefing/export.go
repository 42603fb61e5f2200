package briefing

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"liangxin/internal/sheetexport"
	"liangxin/internal/store"
	"liangxin/internal/xlsx"
)

// tableOrder is the order of the tables in the .xlsx and the preview.
var tableOrder = []string{"主要指标表", "街道排名表", "新建党组织表", "三会一课滞后表", "换届超期表", "发展党员表", "超期任务表"}

// Rendered is a briefing with its document.
type Rendered struct {
	Briefing Briefing `json:"briefing"`
	Document Document `json:"document"`
	// Tables are every figure table, whether or not the body places it.
	Tables []Table `json:"tables"`
}

// Render fills a briefing's words with its figures.
func (s *Service) Render(ctx context.Context, id int64) (Rendered, error) {
	b, err := s.Get(ctx, id)
	if err != nil {
		return Rendered{}, err
	}
	m := Meta{}
	if b.State == StateIssued {
		m.Serial = b.SerialName
		if t, err := time.Parse(store.TimeFormat, *b.IssuedAt); err == nil {
			m.IssuedOn = t.In(cst).Format(day)
		}
	}
	d, err := render(b.Title, b.Body, *b.Figures, m)
	if err != nil {
		return Rendered{}, err
	}
	out := Rendered{Briefing: b, Document: d, Tables: []Table{}}
	for _, name := range tableOrder {
		out.Tables = append(out.Tables, *buildTable(name, *b.Figures))
	}
	return out, nil
}

// Stamp is the time that dates a briefing's files: its issue, or its
// snapshot's computation while a draft.
func (r Rendered) Stamp() time.Time {
	at := r.Briefing.SnapshotAt
	if r.Briefing.IssuedAt != nil {
		at = *r.Briefing.IssuedAt
	}
	t, _ := time.Parse(store.TimeFormat, at)
	return t
}

// WriteXLSX writes the figure tables, one sheet each.
func (r Rendered) WriteXLSX(out io.Writer) error {
	var w *xlsx.Writer
	for i, t := range r.Tables {
		name := tableOrder[i]
		widths := make([]float64, len(t.Header))
		for j := range widths {
			widths[j] = 14
		}
		if len(widths) > 1 {
			widths[1] = 30
		}
		var err error
		if w == nil {
			w, err = xlsx.NewWriter(name, t.Header, widths)
		} else {
			err = w.Sheet(name, t.Header, widths)
		}
		if err != nil {
			return err
		}
		for _, row := range t.Rows {
			vals := make([]any, len(row))
			for j, c := range row {
				vals[j] = c
				if v, err := strconv.ParseFloat(c, 64); err == nil && c != "" {
					vals[j] = v
				}
			}
			if err := w.Row(vals...); err != nil {
				return err
			}
		}
	}
	return w.Finish(out)
}

// FileNames are the ASCII and Chinese file names (without extension) of a
// briefing's outputs.
func (r Rendered) FileNames() (string, string) {
	b := r.Briefing
	name := b.RegionName + b.Month + "通报"
	if b.SerialName != "" {
		name += "（" + b.SerialName + "）"
	} else {
		name += "（草稿）"
	}
	return fmt.Sprintf("briefing-%s-%s-%d", b.RegionCode, b.Month, b.ID), name
}

// Export records the export of a rendered briefing in format (Word, Excel)
// through the briefings' own logger and database, then write puts the file
// on t (a document, so through sheetexport.Document: same order and cut rule).
func (s *Service) Export(ctx context.Context, t sheetexport.Target, r Rendered, format string, write func(io.Writer) error) error {
	_, name := r.FileNames()
	return sheetexport.Document(ctx, t, sheetexport.Audit{Logger: s.Audit, DB: s.DB, Entity: "briefing", EntityID: fmt.Sprint(r.Briefing.ID),
		Filters: map[string]string{"format": format}, Note: func(int) string { return fmt.Sprintf("导出通报%s（%s）", name, format) }}, 0, write)
}
