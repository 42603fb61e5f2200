package dangtong

import (
	"context"
	"fmt"

	"liangxin/internal/audit"
	"liangxin/internal/sheetexport"
)

// Export writes 党统表 code of the region as of the date to the target
// target answers for its file names, and records the export with log through
// the tables' own database (the service has no logger of its own).
func (s *Service) Export(ctx context.Context, log *audit.Logger, target func(ascii, title string) sheetexport.Target, code, regionCode, asOf string) error {
	t, err := s.Get(ctx, code, regionCode, asOf)
	if err != nil {
		return err
	}
	return sheetexport.Document(ctx, target("dangtong-"+t.Code+"-"+t.AsOf, "党统表"+t.Code+"-"+t.RegionName+"-"+t.AsOf),
		sheetexport.Audit{Logger: log, DB: s.DB, Entity: "dangtong", Filters: map[string]string{"table": code, "region_code": regionCode, "date": asOf},
			Note: func(int) string { return fmt.Sprintf("导出党统表%s（%s，%s）", t.Code, t.RegionName, t.AsOf) }}, 0, t.WriteXLSX)
}
