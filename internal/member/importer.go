package member

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"liangxin/internal/apperr"
	"liangxin/internal/civil"
	"liangxin/internal/coverspan"
	"liangxin/internal/pdata"
	"liangxin/internal/sheetimport"
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

// importSheet declares the roster sheet for the import driver. The
// synonyms cover the headers of the roster export and of the usual
// hand-kept rosters.
var importSheet = sheetimport.Sheet{
	Name: "党员花名册",
	Columns: []sheetimport.Column{
		{Header: ColName, Synonyms: []string{"党员姓名"}, Required: true, Width: 10},
		{Header: ColGender, Width: 6},
		{Header: ColEthnicity, Synonyms: []string{"民族（族别）"}, Width: 8},
		{Header: ColBirthDate, Synonyms: []string{"出生年月", "出生年月日"}, Width: 12},
		{Header: ColIDNumber, Synonyms: []string{"公民身份号码", "身份证号码", "身份证"}, Required: true, Width: 22},
		{Header: ColPhone, Synonyms: []string{"手机号码", "联系电话", "手机", "联系方式", "电话"}, Width: 14},
		{Header: ColEducation, Synonyms: []string{"文化程度", "最高学历"}, Width: 10},
		{Header: ColCategory, Synonyms: []string{"类别", "人员类别", "党员类型"}, Required: true, Width: 10},
		{Header: ColPartyOrg, Synonyms: []string{"党组织", "党组织名称", "所在党支部", "党支部", "所在支部"}, Required: true, Width: 30},
		{Header: ColUnit, Synonyms: []string{"工作单位（统一社会信用代码或名称）", "所在单位", "两新组织", "统一社会信用代码"}, Width: 34},
		{Header: ColJoinedOn, Synonyms: []string{"入党时间"}, Width: 12},
		{Header: ColConfirmedOn, Synonyms: []string{"转正时间"}, Width: 12},
		{Header: ColPosition, Synonyms: []string{"职位", "现任职务"}, Width: 12},
	},
	AuditAction: "member_import",
	AuditEntity: "member",
}

// ImportHeaders is the template's header row, in order.
func ImportHeaders() []string { return importSheet.Headers() }

// ImportColumns describes the columns for the reader.
func ImportColumns() []xlsx.Column { return importSheet.ReaderColumns() }

// ImportResult counts what an import wrote.
type ImportResult = sheetimport.Result

// importBatch is how many rows are looked up and inserted per statement.
const importBatch = 400

// ImportTemplate writes the roster template: the header row only.
func ImportTemplate(w io.Writer) error { return importSheet.Template(w) }

// Import reads a roster workbook (党员花名册) and writes it all or nothing,
// in one transaction: a file with any bad cell writes nothing and returns
// the cell errors for the error workbook. Each row obeys the rules of
// Create; 出生日期 and 性别 may be left blank and are then taken from the
// 身份证号. 所在党组织 and 工作单位 (name or 统一社会信用代码) are resolved
// within the actor's scope. A row whose 身份证号 is already on the roster
// updates that member (blank optional cells keep what is recorded), so
// re-importing a file changes nothing. Rows are streamed and written in
// batches; one audit entry sums the import up.
func (s *Service) Import(ctx context.Context, ra io.ReaderAt, size int64, limits xlsx.Limits, progress func(phase string, n int)) (res ImportResult, errs []xlsx.CellError, err error) {
	prot, err := s.Protector()
	if err != nil {
		return ImportResult{}, nil, err
	}
	im := &importer{s: s, ctx: ctx, prot: prot, seen: map[[16]byte]int32{}, now: store.FormatTime(s.Now()),
		today: civil.Today(s.Now())}
	report, stop := asyncProgress(progress)
	defer stop()
	// cacheRaised is true from the moment the import's connection has the
	// larger page cache until it is back to the default.
	cacheRaised := false
	defer func() {
		if cacheRaised {
			err = errors.Join(err, s.restorePageCache())
		}
	}()
	res, errs, err = sheetimport.Run(ctx, sheetimport.Env{DB: s.DB, Audit: s.Audit}, sheetimport.Import[pending]{
		Sheet:   importSheet,
		Prepare: func(context.Context) error { return im.loadScope() },
		Map:     im.row,
		Batch: func(ctx context.Context, tx *sql.Tx, rows []sheetimport.Mapped[pending], bad func(row int, column, message string)) (sheetimport.Result, error) {
			var did sheetimport.Result
			im.res = &did
			err := im.flush(rows, bad)
			return did, err
		},
		BatchSize: importBatch,
		// Rows are still checked against the roster once a cell is bad.
		EveryGroup: true,
		Around: func(ctx context.Context, tx *sql.Tx, rows func() error) error {
			im.tx = tx
			if s.DB.Dialect == store.SQLite {
				// The hash index takes inserts in random order: a page cache of
				// 12 MB (instead of 2 MB) for this connection while importing
				// keeps it from re-reading most index pages. Not
				// transactional, so restored whatever the outcome.
				// Set before the statement: a failure may come after SQLite
				// has taken the new size.
				cacheRaised = true
				if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA cache_size = -%d", importCacheKiB)); err != nil {
					return err
				}
				// Restored in this transaction when it is still open (the
				// file was taken or rejected); when the import ends with
				// its context (the transaction is then rolled back by
				// database/sql and this statement fails), Import restores
				// it on the writers' connection afterwards.
				defer func() {
					if _, err := tx.ExecContext(context.WithoutCancel(ctx), restorePageCache); err == nil {
						cacheRaised = false
					}
				}()
			}
			if err := rows(); err != nil {
				return err
			}
			return coverspan.RefreshRoster(ctx, s.DB, tx, im.touched...)
		},
	}, ra, size, limits, report)
	im.closeStmts()
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Row < errs[j].Row })
	return res, errs, err
}

// restorePageCache gives a connection back SQLite's default page cache
// (2,000 KiB).
const restorePageCache = "PRAGMA cache_size = -2000"

// restorePageCache restores the page cache on the writers' connection (on
// SQLite the transaction pool's one connection, the one the import ran on)
// after an import whose transaction ended before it could. It runs on a
// context of its own: the import's may be the reason it ended. Quiet: it
// changes no data, so the read caches stay valid; no pre-commit checks (a
// job's claim is about the import's writes, not this).
func (s *Service) restorePageCache() error {
	ctx, cancel := context.WithTimeout(store.Quiet(context.Background()), restoreTimeout)
	defer cancel()
	if err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, restorePageCache)
		return err
	}); err != nil {
		return fmt.Errorf("member: restore the page cache after the import: %w", err)
	}
	return nil
}

// restoreTimeout bounds the wait for the writers' connection (another
// writer may hold it) when the page cache is restored after an import.
const restoreTimeout = time.Minute

// importCacheKiB is the SQLite page cache of the import's connection. Each
// cached page costs 8 KiB of resident memory, not 4: SQLite allocates a page
// with its header (4 KiB and a little) and modernc.org/memory serves it from
// a power-of-two slot. 24 MB took 49 MB and the 200,000-row roster's peak to
// 100–102 MB; 12 MB takes 22 MB, the peak 79 MB, at about 4% more CPU
// (docs/benchmarks.md, h-roster).
const importCacheKiB = 12288

// asyncProgress hands progress to fn on its own goroutine, latest value
// first, so the import never waits for it: on SQLite the session update
// cannot be written while the import's transaction holds the write lock.
// stop waits for the last report to be delivered.
func asyncProgress(fn func(phase string, n int)) (report func(phase string, n int), stop func()) {
	if fn == nil {
		return func(string, int) {}, func() {}
	}
	type update struct {
		phase string
		n     int
	}
	ch := make(chan update, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for u := range ch {
			fn(u.phase, u.n)
		}
	}()
	report = func(phase string, n int) {
		select {
		case ch <- update{phase, n}:
		default: // the previous report is still pending: skip this one
		}
	}
	return report, func() { close(ch); <-done }
}

// importer is the state of one import.
type importer struct {
	s     *Service
	ctx   context.Context
	tx    *sql.Tx
	prot  *pdata.Protector
	res   *ImportResult
	now   string
	today string // in China

	partyOrgs map[string][]int64 // name key → ids in scope
	inScope   map[int64]bool     // party organizations in scope
	orgByName map[string][]int64 // 两新组织 in scope by name key
	orgByCode map[string]int64   // … by 统一社会信用代码

	// seen maps the first 128 bits of a 身份证号's keyed hash (HMAC-SM3)
	// to its first row: 20 bytes a member where the hash's 64 hex
	// characters as the key took about 100 (issue 12 item 2). Two
	// numbers share them with a probability of about n²/2¹²⁹ (10⁻²⁸ at
	// 200,000 rows), so the check is taken as exact.
	seen map[[16]byte]int32
	// touched are the party organizations whose rosters the import changed
	// (their coverage validity is refreshed at the end, internal/coverspan).
	touched []int64
	// bad tells whether any cell of the file was bad so far: nothing more
	// is written then (the transaction will be rolled back).
	bad bool

	insertStmt, lookupStmt, updateStmt *sql.Stmt
}

// pending is a valid row waiting for its batch to be written.
type pending struct {
	row   int
	in    Input
	id    string // normalized 身份证号
	hash  string
	blank map[string]bool // optional columns left blank (or absent)
}

// loadScope reads the party organizations and 两新组织 the actor may name.
func (im *importer) loadScope() error {
	ctx, db := im.ctx, im.s.DB
	cond, args, err := store.PartyOrgFilter(ctx, "p.id")
	if err != nil {
		return err
	}
	im.partyOrgs, im.inScope = map[string][]int64{}, map[int64]bool{}
	rows, err := db.Query(ctx, db, `SELECT p.id, p.name FROM party_orgs p WHERE `+cond, args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			rows.Close()
			return err
		}
		im.partyOrgs[nameKey(name)] = append(im.partyOrgs[nameKey(name)], id)
		im.inScope[id] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	cond, args, err = store.ScopeFilter(ctx, "region_code")
	if err != nil {
		return err
	}
	im.orgByName, im.orgByCode = map[string][]int64{}, map[string]int64{}
	rows, err = db.Query(ctx, db, `SELECT id, name, uscc FROM organizations WHERE `+cond, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		var code sql.NullString
		if err := rows.Scan(&id, &name, &code); err != nil {
			return err
		}
		im.orgByName[nameKey(name)] = append(im.orgByName[nameKey(name)], id)
		if code.Valid && code.String != "" {
			im.orgByCode[strings.ToUpper(code.String)] = id
		}
	}
	return rows.Err()
}

// fieldColumn maps a field of validate's errors to its column.
var fieldColumn = map[string]string{"name": ColName, "gender": ColGender, "birth_date": ColBirthDate, "id_number": ColIDNumber,
	"phone": ColPhone, "category": ColCategory, "party_org_id": ColPartyOrg, "joined_on": ColJoinedOn, "confirmed_on": ColConfirmedOn}

const dateHint = "日期无法识别（可写作 2024-03-15、2024/3/15、2024.3.15 或 2024年3月15日）"

// row reads and validates one data row; a valid one goes to a batch.
func (im *importer) row(x xlsx.Row, c *sheetimport.Cells) pending {
	bad := map[string]bool{}
	fail := func(col, msg string) {
		if !bad[col] {
			bad[col] = true
			im.bad = true
			c.Bad(col, msg)
		}
	}
	p := pending{row: x.Number, blank: map[string]bool{}}
	text := func(col string) string {
		t := x.Get(col).Text()
		if t == "" {
			p.blank[col] = true
		}
		return t
	}
	in := Input{Name: text(ColName), Ethnicity: text(ColEthnicity), Education: text(ColEducation), Position: text(ColPosition)}
	idn, err := xlsx.ParseCode(x.Get(ColIDNumber).Raw, x.Get(ColIDNumber).Numeric)
	switch {
	case err != nil:
		fail(ColIDNumber, err.Error())
	case idn == "":
		fail(ColIDNumber, "请填写身份证号")
	}
	in.IDNumber = idn
	info, idErr := pdata.ParseID(idn, im.s.Now())
	if ph, err := xlsx.ParseCode(x.Get(ColPhone).Raw, x.Get(ColPhone).Numeric); err != nil {
		fail(ColPhone, err.Error())
	} else {
		in.Phone = ph
		p.blank[ColPhone] = ph == ""
	}
	switch g := text(ColGender); g {
	case "男", "男性", "male":
		in.Gender = "male"
	case "女", "女性", "female":
		in.Gender = "female"
	case "":
		if idErr == nil {
			in.Gender = info.Gender
		}
	default:
		fail(ColGender, "性别应为“男”或“女”")
	}
	if c := x.Get(ColBirthDate); c.Blank() {
		if idErr == nil {
			in.BirthDate = info.BirthDate.Format(store.DateFormat)
		}
	} else if d, monthOnly, err := xlsx.ParseDate(c.Raw, c.Numeric); err != nil {
		fail(ColBirthDate, dateHint)
	} else if monthOnly && idErr == nil && d.Year() == info.BirthDate.Year() && d.Month() == info.BirthDate.Month() {
		in.BirthDate = info.BirthDate.Format(store.DateFormat) // 出生年月 agreeing with the ID number
	} else {
		in.BirthDate = d.Format(store.DateFormat)
	}
	switch c := text(ColCategory); c {
	case "正式", "正式党员", "full":
		in.Category = "full"
	case "预备", "预备党员", "probationary":
		in.Category = "probationary"
	case "":
		fail(ColCategory, "请填写党员类别（正式或预备）")
	default:
		fail(ColCategory, "党员类别应为“正式”或“预备”")
	}
	switch ids := im.partyOrgs[nameKey(x.Get(ColPartyOrg).Text())]; {
	case x.Get(ColPartyOrg).Blank():
		fail(ColPartyOrg, "请填写所在党组织")
	case len(ids) == 0:
		fail(ColPartyOrg, "党组织不存在或不在您的管辖范围内")
	case len(ids) > 1:
		fail(ColPartyOrg, "您的管辖范围内有多个同名党组织，请在系统中登记此党员")
	default:
		in.PartyOrgID = ids[0]
	}
	if u := text(ColUnit); u != "" {
		code := strings.ToUpper(strings.ReplaceAll(u, " ", ""))
		if id, ok := im.orgByCode[code]; ok {
			in.OrganizationID = &id
		} else if ids := im.orgByName[nameKey(u)]; len(ids) == 1 {
			in.OrganizationID = &ids[0]
		} else if len(ids) > 1 {
			fail(ColUnit, "您的管辖范围内有多个同名两新组织，请填写统一社会信用代码")
		} else {
			fail(ColUnit, "两新组织不存在或不在您的管辖范围内（可填写名称或统一社会信用代码）")
		}
	}
	for _, d := range []struct {
		col string
		dst *string
	}{{ColJoinedOn, &in.JoinedOn}, {ColConfirmedOn, &in.ConfirmedOn}} {
		c := x.Get(d.col)
		if c.Blank() {
			p.blank[d.col] = true
			continue
		}
		t, monthOnly, err := xlsx.ParseDate(c.Raw, c.Numeric)
		switch {
		case err != nil:
			fail(d.col, dateHint)
		case monthOnly:
			fail(d.col, "请填写到日（例如 2024-03-15）")
		default:
			*d.dst = t.Format(store.DateFormat)
		}
	}
	// Every rule of Create; a column already reported keeps its first reason.
	if bad[ColPartyOrg] {
		in.PartyOrgID = -1
	}
	if _, verr := im.s.validate(&in); verr != nil {
		for f, m := range verr.Fields {
			col := fieldColumn[f]
			if (f == "gender" && p.blank[ColGender]) || (f == "birth_date" && x.Get(ColBirthDate).Blank()) {
				col = ColIDNumber
			}
			if col == "" {
				col = ColName
			}
			if f == "id_number" && bad[ColIDNumber] {
				continue
			}
			fail(col, m)
		}
	}
	if len(bad) > 0 {
		return p
	}
	p.in, p.id = in, info.Number
	p.hash = im.prot.Hash(info.Number)
	k := seenKey(p.hash)
	if first, dup := im.seen[k]; dup {
		fail(ColIDNumber, fmt.Sprintf("与第 %d 行的身份证号重复", first))
		return p
	}
	im.seen[k] = int32(x.Number)
	return p
}

// seenKey is the first 128 bits of a keyed hash in hex (pdata.Hash); a
// hash that is not hex (never, from pdata) keeps its first 16 bytes.
func seenKey(hash string) (k [16]byte) {
	if len(hash) < 32 {
		copy(k[:], hash)
		return k
	}
	if _, err := hex.Decode(k[:], []byte(hash[:32])); err != nil {
		copy(k[:], hash)
	}
	return k
}

// existing is what the roster holds for a 身份证号 of the file.
type existing struct {
	id                                             int64
	name, ethnicity, education, category, position string
	phoneEnc, phoneHash, phoneMask                 string
	partyOrg                                       int64
	org                                            sql.NullInt64
	joined, confirmed                              sql.NullString
}

const lookupCols = `id, id_number_hash, name, ethnicity, education, category, position, phone_enc, phone_hash, phone_mask,
	party_org_id, organization_id, joined_on, confirmed_on`

const insertCols = `(name, gender, birth_date, id_number_enc, id_number_hash, id_number_mask, phone_enc, phone_hash, phone_mask,
	joined_on, confirmed_on, category, party_org_id, organization_id, status, created_at, updated_at, ethnicity, education, position)`

const insertRow = `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?)`

// stmt returns a prepared statement for a full batch, or prepares a one-off
// one for the last, shorter batch.
func (im *importer) stmt(cached **sql.Stmt, n int, build func(n int) string) (*sql.Stmt, bool, error) {
	if n == importBatch && *cached != nil {
		return *cached, false, nil
	}
	st, err := im.tx.PrepareContext(im.ctx, im.s.DB.Rebind(build(n)))
	if err != nil {
		return nil, false, err
	}
	if n == importBatch {
		*cached = st
		return st, false, nil
	}
	return st, true, nil
}

func (im *importer) closeStmts() {
	for _, st := range []*sql.Stmt{im.insertStmt, im.lookupStmt, im.updateStmt} {
		if st != nil {
			st.Close()
		}
	}
}

func placeholders(n int, one string) string {
	var b strings.Builder
	b.Grow(n * (len(one) + 2))
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(one)
	}
	return b.String()
}

// flush looks the batch up on the roster, then inserts the new members and
// updates the changed ones. Once any cell is bad nothing more is written
// (the transaction will be rolled back), but rows are still checked.
func (im *importer) flush(batch []sheetimport.Mapped[pending], bad func(row int, column, message string)) error {
	ctx := im.ctx
	st, once, err := im.stmt(&im.lookupStmt, len(batch), func(n int) string {
		return `SELECT ` + lookupCols + ` FROM members WHERE id_number_hash IN (` + placeholders(n, "?") + `)`
	})
	if err != nil {
		return err
	}
	if once {
		defer st.Close()
	}
	args := make([]any, len(batch))
	for i, m := range batch {
		args[i] = m.Cmd.hash
	}
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		return err
	}
	found := make(map[string]existing, len(batch))
	for rows.Next() {
		var e existing
		var hash string
		if err := rows.Scan(&e.id, &hash, &e.name, &e.ethnicity, &e.education, &e.category, &e.position, &e.phoneEnc, &e.phoneHash,
			&e.phoneMask, &e.partyOrg, &e.org, &e.joined, &e.confirmed); err != nil {
			rows.Close()
			return err
		}
		found[hash] = e
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	var fresh []any
	freshHashes := []any{im.today, im.now}
	nFresh := 0
	for _, m := range batch {
		p := m.Cmd
		e, ok := found[p.hash]
		if !ok {
			if im.bad {
				continue
			}
			if fresh, err = im.appendInsert(fresh, p); err != nil {
				return err
			}
			freshHashes = append(freshHashes, p.hash)
			im.touched = append(im.touched, p.in.PartyOrgID)
			nFresh++
			continue
		}
		if !im.inScope[e.partyOrg] {
			bad(p.row, ColIDNumber, "该身份证号的党员已在其他党组织的花名册中（不在您的管辖范围内），请办理组织关系转接")
			im.bad = true
			continue
		}
		if im.bad {
			continue
		}
		if err := im.update(p, e); err != nil {
			return err
		}
		im.touched = append(im.touched, e.partyOrg, p.in.PartyOrgID)
	}
	if nFresh == 0 {
		return nil
	}
	ins, once, err := im.stmt(&im.insertStmt, nFresh, func(n int) string {
		return `INSERT INTO members ` + insertCols + ` VALUES ` + placeholders(n, insertRow)
	})
	if err != nil {
		return err
	}
	if once {
		defer ins.Close()
	}
	if _, err := ins.ExecContext(ctx, fresh...); err != nil {
		if store.IsUniqueViolation(err) {
			return apperr.Conflict("导入期间有相同身份证号的党员被登记，请重新导入")
		}
		return err
	}
	// Each new member's 组织关系 history opens at once, as when a member is
	// entered by hand: from 入党日期, else today.
	if _, err := im.s.DB.Exec(ctx, im.tx, `INSERT INTO member_memberships (member_id, party_org_id, started_on, created_at)
		SELECT id, party_org_id, COALESCE(joined_on, ?), ? FROM members WHERE id_number_hash IN (`+strings.TrimSuffix(strings.Repeat("?, ", nFresh), ", ")+`)`, freshHashes...); err != nil {
		return err
	}
	im.res.Created += nFresh
	return nil
}

// appendInsert adds the values of one new member to a batched INSERT.
func (im *importer) appendInsert(args []any, p pending) ([]any, error) {
	idEnc, err := im.prot.Encrypt(p.id)
	if err != nil {
		return nil, err
	}
	phEnc, err := im.prot.Encrypt(p.in.Phone)
	if err != nil {
		return nil, err
	}
	phMask := ""
	if p.in.Phone != "" {
		phMask = pdata.MaskPhone(p.in.Phone)
	}
	var org any
	if p.in.OrganizationID != nil {
		org = *p.in.OrganizationID
	}
	return append(args, p.in.Name, p.in.Gender, p.in.BirthDate, idEnc, p.hash, pdata.MaskID(p.id), phEnc, im.prot.Hash(p.in.Phone), phMask,
		nullable(p.in.JoinedOn), nullable(p.in.ConfirmedOn), p.in.Category, p.in.PartyOrgID, org, im.now, im.now,
		p.in.Ethnicity, p.in.Education, p.in.Position), nil
}

// update writes a row over the member recorded with its 身份证号 when
// something changed; blank optional cells keep what is recorded.
func (im *importer) update(p pending, e existing) error {
	keep := func(col string, v *string, old string) {
		if p.blank[col] {
			*v = old
		}
	}
	in := p.in
	keep(ColEthnicity, &in.Ethnicity, e.ethnicity)
	keep(ColEducation, &in.Education, e.education)
	keep(ColPosition, &in.Position, e.position)
	keep(ColJoinedOn, &in.JoinedOn, e.joined.String)
	keep(ColConfirmedOn, &in.ConfirmedOn, e.confirmed.String)
	org := e.org
	if in.OrganizationID != nil {
		org = sql.NullInt64{Int64: *in.OrganizationID, Valid: true}
	}
	phEnc, phHash, phMask := e.phoneEnc, e.phoneHash, e.phoneMask
	if !p.blank[ColPhone] {
		if h := im.prot.Hash(in.Phone); h != e.phoneHash {
			var err error
			if phEnc, err = im.prot.Encrypt(in.Phone); err != nil {
				return err
			}
			phHash, phMask = h, pdata.MaskPhone(in.Phone)
		}
	}
	if in.Name == e.name && in.Ethnicity == e.ethnicity && in.Education == e.education && in.Category == e.category &&
		in.Position == e.position && phHash == e.phoneHash && in.PartyOrgID == e.partyOrg && org == e.org &&
		in.JoinedOn == e.joined.String && in.ConfirmedOn == e.confirmed.String {
		im.res.Unchanged++
		return nil
	}
	st, _, err := im.stmt(&im.updateStmt, importBatch, func(int) string {
		return `UPDATE members SET name = ?, ethnicity = ?, education = ?, category = ?, position = ?, phone_enc = ?, phone_hash = ?,
			phone_mask = ?, party_org_id = ?, organization_id = ?, joined_on = ?, confirmed_on = ?, updated_at = ? WHERE id = ?`
	})
	if err != nil {
		return err
	}
	var orgArg any
	if org.Valid {
		orgArg = org.Int64
	}
	if _, err := st.ExecContext(im.ctx, in.Name, in.Ethnicity, in.Education, in.Category, in.Position, phEnc, phHash, phMask,
		in.PartyOrgID, orgArg, nullable(in.JoinedOn), nullable(in.ConfirmedOn), im.now, e.id); err != nil {
		return err
	}
	im.res.Updated++
	return nil
}

// nameKey makes names comparable: NormalizeText, every space dropped.
func nameKey(s string) string { return strings.ReplaceAll(xlsx.NormalizeText(s), " ", "") }
