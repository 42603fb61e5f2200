package org_test

import (
	"bytes"
	"context"
	"io"
	"testing"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/org"
	"liangxin/internal/sheetimport"
	"liangxin/internal/testenv"
	"liangxin/internal/xlsx"

	"github.com/xuri/excelize/v2"
)

// gatedReader holds every read of the upload until open is closed, and
// says when the first read began.
type gatedReader struct {
	ra      io.ReaderAt
	started chan struct{}
	open    chan struct{}
	first   bool
}

func (g *gatedReader) ReadAt(p []byte, off int64) (int, error) {
	if !g.first {
		g.first = true
		close(g.started)
	}
	<-g.open
	return g.ra.ReadAt(p, off)
}

// While the import is still opening the file (the zip directory, the
// shared strings, the header search), it holds no write transaction: a
// write of another user goes through. Before, the writer's transaction
// began beside the reader, so on SQLite a file that took long to open (or
// to be refused: 7.6 M shared strings) held the write lock meanwhile, and
// sixteen hostile uploads at once made the others answer "database is
// locked" 500s. On PostgreSQL the write never waited; the test runs there
// too.
func TestImportOpensTheFileBeforeItsTransaction(t *testing.T) {
	e := testenv.New(t)
	u := e.User("importer", "district", testenv.Jurisdiction)
	ctx := actor.With(context.Background(), actor.Actor{UserID: u.ID, Username: u.Username, Role: "district", Scope: testenv.Jurisdiction})
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"单位名称", "统一社会信用代码", "单位类别", "所属街道（乡镇）"})
	f.SetSheetRow("Sheet1", "A2", &[]any{"等待打开的个体户", "", "个体工商户", "洪桥街道"})
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	g := &gatedReader{ra: bytes.NewReader(buf.Bytes()), started: make(chan struct{}), open: make(chan struct{})}
	type result struct {
		res  sheetimport.Result
		errs []xlsx.CellError
		err  error
	}
	done := make(chan result, 1)
	go func() {
		res, errs, err := org.Import(ctx, e.App.Orgs, e.App.Regions, g, int64(buf.Len()), xlsx.Limits{}, nil)
		done <- result{res, errs, err}
	}()
	<-g.started
	// Leave a writer that would begin beside the reader the time to begin
	// (this is not a measurement: the write below must go through however
	// long it takes).
	time.Sleep(100 * time.Millisecond)
	wctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := e.App.DB.Exec(wctx, e.App.DB, `UPDATE users SET display_name = ? WHERE id = ?`, "另一位用户", u.ID); err != nil {
		t.Fatalf("a write while the import opens its file: %v", err)
	}
	close(g.open)
	r := <-done
	if r.err != nil || len(r.errs) != 0 || r.res.Created != 1 {
		t.Fatalf("the import after the gate opened: %+v %v %v", r.res, r.errs, r.err)
	}
}
