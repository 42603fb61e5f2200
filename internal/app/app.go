// Package app is the one place that wires configuration, the database, the
// domain services and the HTTP server together.
package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/assess"
	"liangxin/internal/audit"
	"liangxin/internal/auth"
	"liangxin/internal/briefing"
	"liangxin/internal/civil"
	"liangxin/internal/cobuild"
	"liangxin/internal/config"
	"liangxin/internal/contract"
	"liangxin/internal/coverage"
	"liangxin/internal/coverspan"
	"liangxin/internal/dangtong"
	"liangxin/internal/datakey"
	"liangxin/internal/develop"
	"liangxin/internal/dues"
	"liangxin/internal/funds"
	"liangxin/internal/home"
	"liangxin/internal/httpapi"
	"liangxin/internal/instructor"
	"liangxin/internal/leader"
	"liangxin/internal/meeting"
	"liangxin/internal/member"
	"liangxin/internal/memberself"
	"liangxin/internal/notify"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/pdata"
	"liangxin/internal/purchase"
	"liangxin/internal/readcache"
	"liangxin/internal/region"
	"liangxin/internal/servicereq"
	"liangxin/internal/sheetimport"
	"liangxin/internal/store"
	"liangxin/internal/venue"
	"liangxin/internal/volunteer"
	"liangxin/internal/wish"
	"liangxin/internal/workloop"
)

// App is a wired instance.
type App struct {
	Cfg config.Config
	DB  *store.DB
	// ReadCache is the shared read cache of the reports (nil when off).
	ReadCache *readcache.Cache
	Log       *slog.Logger
	Audit     *audit.Logger
	Auth      *auth.Service
	Regions   *region.Service
	Orgs      *org.Service
	Party     *partyorg.Service
	Instr     *instructor.Service
	Cover     *coverage.Service
	Members   *member.Service
	Dues      *dues.Service
	Develop   *develop.Service
	Meet      *meeting.Service
	Assess    *assess.Service
	// Services is 订单式服务 (service requests).
	Services *servicereq.Service
	// Venues is 阵地 (venues and room booking).
	Venues *venue.Service
	// Inbox is the in-app notifier and the users' inboxes.
	Inbox *notify.Inbox
	// Contracts is 购买服务 (purchase-of-services contracts and their evaluation).
	Contracts *purchase.Service
	// Work is the work loop: 工作提示, 学习清单, 挂牌销号 tasks, supervision.
	Work *workloop.Service
	// Wishes is 微心愿.
	Wishes *wish.Service
	// Dangtong is the 党统 tables 24, 27, 30 and 43.
	Dangtong *dangtong.Service
	// Briefing is the monthly 通报.
	Briefing *briefing.Service
	// Funds is 经费保障 (standards, entitlements, the journal).
	Funds *funds.Service
	// Home is the home page as the day's work, per role.
	Home *home.Service
	// Cobuild is 区域化共建: units, alliances, 双报到, the three lists.
	Cobuild *cobuild.Service
	Imports *sheetimport.Jobs
	Now     func() time.Time
	// MemberSelf is 党员账号: activation codes and the members' own pages.
	MemberSelf *memberself.Service
	// Volunteer is 志愿服务与时间银行 (teams, activities, the time bank).
	Volunteer *volunteer.Service
	// Prot is the personal-data protector, loaded and checked once at start-up.
	Prot *pdata.Protector
	// Node names this process in a cluster (host name, pid, random bits):
	// the owner of its import jobs and of the periodic runs it claims.
	Node string
	// Leader elects the node that runs the background work (cluster.go).
	Leader *leader.Elector
}

// Version returns the build's version (module version or VCS revision).
func Version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	v := bi.Main.Version
	rev, dirty := "", false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if v == "" || v == "(devel)" {
		v = "dev"
	}
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		v += "+" + rev
		if dirty {
			v += ".dirty"
		}
	}
	return v
}

// NewLogger returns the JSON logger at the configured level.
func NewLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}

// Open opens the database, applies migrations and builds the services.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	db, err := store.Open(ctx, cfg.DB, cfg.DataDir)
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("数据库迁移失败：%w", err)
	}
	// A staged import a killed process had committed: its audit entries
	// and count changes are added now (store.Stage.PublishRollForward),
	// before the counts are looked at.
	if n, err := db.FinishPublishes(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("完成已提交导入的后续写入失败：%w", err)
	} else if n > 0 {
		log.Info("committed imports of a stopped process finished", "count", n)
	}
	if err := coverspan.EnsureBuilt(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("重建覆盖统计数据失败：%w", err)
	}
	if err := meeting.EnsureSlots(ctx, db, time.Now); err != nil {
		db.Close()
		return nil, fmt.Errorf("重建三会一课落实情况数据失败：%w", err)
	}
	prot, err := OpenKey(ctx, cfg, db)
	if err != nil {
		db.Close()
		return nil, err
	}
	if cfg.DBReplica != "" {
		if _, err := db.AttachReplica(ctx, cfg.DBReplica, cfg.ReplicaMaxLag, log); err != nil {
			db.Close()
			return nil, err
		}
	}
	a := New(cfg, db, log, time.Now, prot)
	if err := a.resetTempDir(); err != nil {
		db.Close()
		return nil, err
	}
	// Meeting attachments of earlier versions move from the data folder
	// into the database, where every node finds them (issue 19).
	if moved, missing, err := a.Meet.AdoptFiles(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("会议附件移入数据库失败：%w", err)
	} else if moved > 0 || missing > 0 {
		log.Info("meeting attachments moved into the database", "moved", moved, "missing", missing)
	}
	if err := a.SealAtRest(ctx); err != nil {
		db.Close()
		return nil, err
	}
	// Instructor levels of earlier versions (区级 in a county) take the jurisdiction's names.
	if err := a.Instr.NormalizeLevels(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("更新党建指导员级别名称失败：%w", err)
	}
	return a, nil
}

// TempDir is the private folder for temporary files that may hold uploaded
// personal data (a large error workbook while it is built).
func (a *App) TempDir() string { return filepath.Join(a.Cfg.DataDir, "tmp") }

// tempMaxAge is the age after which a file in the temporary folder is a
// left-over: a workbook is built within one request, which the server's
// write timeout ends after 10 minutes.
const tempMaxAge = time.Hour

// resetTempDir deletes the left-overs of a killed process from the
// temporary folder (files older than tempMaxAge, so that a command started
// beside a running server leaves its work alone) and makes the folder
// readable by the service account only.
func (a *App) resetTempDir() error {
	if a.Cfg.DataDir == "" {
		return nil
	}
	dir := a.TempDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("创建临时目录 %s 失败：%w", dir, err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("设置临时目录 %s 权限失败：%w", dir, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("读取临时目录 %s 失败：%w", dir, err)
	}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || time.Since(info.ModTime()) < tempMaxAge {
			continue
		}
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return fmt.Errorf("清理临时目录 %s 失败：%w", dir, err)
		}
	}
	return nil
}

// SealAtRest finishes migration 0015: phone numbers an older version kept
// in clear are sealed, and the storage is rewritten once so that no freed
// page or dead row keeps a copy (docs/security.md §10).
func (a *App) SealAtRest(ctx context.Context) error {
	n, err := a.Instr.SealLegacyPhones(ctx)
	if err != nil {
		return fmt.Errorf("加密党建指导员联系电话失败：%w", err)
	}
	pending, err := a.DB.ScrubPending(ctx)
	if err != nil {
		return err
	}
	if n > 0 || pending {
		if err := a.DB.Scrub(ctx, "instructors", "import_sessions"); err != nil {
			return fmt.Errorf("清除旧的明文数据失败：%w", err)
		}
		a.Log.Info("personal data sealed at rest", "instructor_phones", n)
	}
	return nil
}

// OpenKey loads the personal-data key named by the configuration and checks
// it against the database: it refuses a missing key or a key that does not
// open the sealed values, and creates a key only for a database that holds
// no sealed value (datakey.Open).
func OpenKey(ctx context.Context, cfg config.Config, db *store.DB) (*pdata.Protector, error) {
	return datakey.Open(ctx, db, KeyPath(cfg), cfg.DataCipher)
}

// KeyPath is the personal-data key file of the configuration.
func KeyPath(cfg config.Config) string { return datakey.Path(cfg.DataKeyFile, cfg.DataDir) }

// New builds the services on an open, migrated database with the checked
// personal-data protector (OpenKey).
func New(cfg config.Config, db *store.DB, log *slog.Logger, now func() time.Time, prot *pdata.Protector) *App {
	a := &App{Cfg: cfg, DB: db, Log: log, Now: now, Prot: prot, Node: sheetimport.NewInstanceID()}
	a.Leader = &leader.Elector{DB: db, Name: "background", Node: a.Node, Log: log}
	a.Audit = &audit.Logger{DB: db, Now: now}
	a.Regions = &region.Service{DB: db, Audit: a.Audit, Now: now}
	a.Orgs = &org.Service{DB: db, Audit: a.Audit, Regions: a.Regions, Now: now}
	a.Party = &partyorg.Service{DB: db, Audit: a.Audit, Regions: a.Regions, Orgs: a.Orgs, Now: now}
	// The read cache of the expensive reports (compliance, coverage, the
	// district's and streets' home pages); off when its TTL is 0.
	if cfg.ReadCacheTTL > 0 {
		a.ReadCache = readcache.New(db, readcache.Config{TTL: cfg.ReadCacheTTL})
	}
	a.Cover = &coverage.Service{DB: db, Audit: a.Audit, Regions: a.Regions, Orgs: a.Orgs, Now: now, Cache: a.ReadCache}

	a.Members = &member.Service{DB: db, Audit: a.Audit, Regions: a.Regions, Orgs: a.Orgs, Party: a.Party, Now: now, Prot: prot}

	a.Instr = &instructor.Service{DB: db, Audit: a.Audit, Regions: a.Regions, Orgs: a.Orgs, Now: now, Protector: a.Members.Protector}

	a.Dues = &dues.Service{DB: db, Audit: a.Audit, Regions: a.Regions, Orgs: a.Orgs, Party: a.Party, Now: now}

	a.Develop = &develop.Service{DB: db, Audit: a.Audit, Now: now, Protector: a.Members.Protector, Admitter: admitter{a.Members}, Grouper: grouper{a.Party}}

	a.Imports = &sheetimport.Jobs{DB: db, Now: now, Protector: a.Members.Protector, Instance: a.Node, Lease: cfg.ImportLease}

	a.Meet = &meeting.Service{DB: db, Audit: a.Audit, Regions: a.Regions, Orgs: a.Orgs, Party: a.Party, Now: now, FilesDir: cfg.DataDir + "/attachments", Protector: a.Members.Protector, Cache: a.ReadCache}

	a.Assess = &assess.Service{DB: db, Audit: a.Audit, Regions: a.Regions, Orgs: a.Orgs, Party: a.Party, Now: now, Meetings: a.Meet, Committees: a.Meet, Development: a.Develop, Dues: a.Dues}

	a.Inbox = &notify.Inbox{DB: db, Now: now}
	a.Services = &servicereq.Service{DB: db, Audit: a.Audit, Now: now, Protector: a.Members.Protector, Notifier: a.Inbox, Regions: a.Regions}
	a.Contracts = &purchase.Service{DB: db, Audit: a.Audit, Now: now}
	a.Venues = &venue.Service{DB: db, Audit: a.Audit, Now: now, Protector: a.Members.Protector}
	a.Work = &workloop.Service{DB: db, Audit: a.Audit, Now: now, Rect: a.Assess}
	a.Volunteer = &volunteer.Service{DB: db, Audit: a.Audit, Now: now, Protector: a.Members.Protector}
	// A confirmed wish credits its claimant's volunteer hours (volunteer.Crediter).
	a.Wishes = &wish.Service{DB: db, Audit: a.Audit, Now: now, Protector: a.Members.Protector, Hours: volunteer.Crediter{S: a.Volunteer}}
	a.Dangtong = &dangtong.Service{DB: db, Cover: a.Cover, Now: now}
	a.Cobuild = &cobuild.Service{DB: db, Audit: a.Audit, Now: now, Protector: a.Members.Protector, Tasks: a.Work}
	// Volunteer hours in the briefing come from the time bank's confirmed hours.
	a.Briefing = &briefing.Service{DB: db, Audit: a.Audit, Regions: a.Regions, Cover: a.Cover, Dangtong: a.Dangtong, Meet: a.Meet,
		Services: a.Services, Volunteer: briefingHours{a.Volunteer}, Now: now}
	services := a.Services
	a.Venues.OpenRequest = func(ctx context.Context, categoryID int64, content, requester, regionCode string, partyOrgID int64) (int64, error) {
		r, err := services.Create(ctx, servicereq.RequestInput{Source: servicereq.SourceVenueInspection, CategoryID: categoryID, Content: content,
			RequesterName: requester, RegionCode: regionCode, ReceivingPartyOrgID: &partyOrgID})
		return r.ID, err
	}
	a.Funds = &funds.Service{DB: db, Audit: a.Audit, Now: now, Protector: a.Members.Protector}
	a.Home = &home.Service{DB: db, Cover: a.Cover, Work: a.Work, Meet: a.Meet, Services: a.Services, Venues: a.Venues, Dues: a.Dues, Develop: a.Develop, Instr: a.Instr, Now: now, Cache: a.ReadCache}

	a.Auth = &auth.Service{DB: db, Audit: a.Audit, Scopes: a.Regions, PartyOrgs: a.Party, Now: now, Policy: auth.Policy{
		LockoutThreshold: cfg.LockoutThreshold,
		LockoutDuration:  cfg.LockoutDuration,
		IdleTimeout:      cfg.IdleTimeout,
		SessionLifetime:  cfg.SessionLifetime,
		PasswordMaxAge:   cfg.PasswordMaxAge,
	}}
	// 我的社区 comes from the member's 双报到 record in co-building.
	a.MemberSelf = &memberself.Service{DB: db, Audit: a.Audit, Auth: a.Auth, Dues: a.Dues, Wishes: a.Wishes, Protector: a.Members.Protector, Now: now,
		Community: memberCommunity{a.Cobuild}}
	a.Members.Left = a.MemberSelf
	return a
}

// Close closes the database.
func (a *App) Close() error { return a.DB.Close() }

// HTTP returns the HTTP server's handler set.
func (a *App) HTTP(ui fs.FS) *httpapi.Server {
	return &httpapi.Server{
		DB: a.DB, ReadCache: a.ReadCache, Auth: a.Auth, Regions: a.Regions, Audit: a.Audit, Log: a.Log,
		Orgs: a.Orgs, Party: a.Party, Instr: a.Instr, Cover: a.Cover, Imports: a.Imports,
		Members:   a.Members,
		Dues:      a.Dues,
		Develop:   a.Develop,
		Meet:      a.Meet,
		Assess:    a.Assess,
		Services:  a.Services,
		Venues:    a.Venues,
		Inbox:     a.Inbox,
		Contracts: a.Contracts,
		Work:      a.Work,
		Wishes:    a.Wishes,
		Dangtong:  a.Dangtong,
		Briefing:  a.Briefing,
		Funds:     a.Funds,
		Home:      a.Home,
		Cobuild:   a.Cobuild,
		Volunteer: a.Volunteer,
		TempDir:   a.TempDir(),
		Version:   Version(), UI: ui, SecureCookies: a.Cfg.SecureCookies, TrustProxy: a.Cfg.TrustProxy,
		MemberSelf: a.MemberSelf,
		Metrics:    a.metrics(),
		NodeStatus: a.nodeStatus,
	}
}

// ErrNotInitialised means the data folder has no jurisdiction yet.
var errNotInitialised = errors.New("not initialised")

// EnsureJurisdiction initialises the jurisdiction from code when the database
// has none; it refuses a code that differs from the stored one.
func (a *App) EnsureJurisdiction(ctx context.Context, code string) (string, error) {
	sys := actor.System(ctx, "init")
	cur, err := a.Regions.Jurisdiction(sys)
	if err != nil {
		return "", err
	}
	if code == "" {
		if cur == "" {
			return "", errNotInitialised
		}
		return cur, nil
	}
	n, err := a.Regions.Init(sys, code)
	if err != nil {
		return "", err
	}
	if n > 0 {
		a.Log.Info("jurisdiction initialised", "code", code, "regions", n)
	}
	return a.Regions.Jurisdiction(sys)
}

// Bootstrap creates the three administrators (三员) that do not exist yet and
// returns them with their one-time passwords.
func (a *App) Bootstrap(ctx context.Context) ([]auth.InitialAccount, error) {
	j, err := a.Regions.Jurisdiction(actor.System(ctx, "bootstrap"))
	if err != nil || j == "" {
		return nil, err
	}
	return a.Auth.Bootstrap(ctx, j)
}

// IsNotInitialised reports whether err means the jurisdiction is missing.
func IsNotInitialised(err error) bool { return errors.Is(err, errNotInitialised) }

// Serve runs the HTTP server until ctx is cancelled, then shuts down
// gracefully, letting requests in flight finish.
func (a *App) Serve(ctx context.Context, ln net.Listener, ui fs.FS) error {
	// Jobs a killed process left running are failed before anyone can ask
	// (on PostgreSQL only those whose owner stopped beating: cluster.go).
	a.recoverAtStart(ctx)
	h := a.HTTP(ui)
	handler, err := a.contractCheck(h)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      10 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	go a.background(ctx)
	go a.watchImports(ctx)
	if r := a.DB.Replica(); r != nil {
		go r.Run(ctx, replicaProbeEvery)
	}
	a.Log.Info("listening", "addr", ln.Addr().String(), "db", string(a.DB.Dialect), "version", Version())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.Log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// SweepOverdue notifies the people concerned of the service requests that
// became overdue (one notification per request per overdue episode; safe to
// run on several nodes at once) and logs how many.
func (a *App) SweepOverdue(ctx context.Context) int {
	today := civil.Today(a.Now())
	n, err := a.Services.NotifyOverdue(ctx, today)
	if err != nil {
		if ctx.Err() == nil {
			a.Log.Error("overdue notification sweep failed", "err", err)
		}
		return n
	}
	if n > 0 {
		a.Log.Info("overdue service requests notified", "requests", n)
	}
	return n
}

// SweepTimebank clears the 时间银行 points past the expiry setting, when
// any are due (see volunteer.Service.ExpireDue; idempotent, so several
// nodes running it at once expire each point once), and logs how many.
func (a *App) SweepTimebank(ctx context.Context) {
	res, ran, err := a.Volunteer.ExpireDue(ctx)
	if err != nil {
		if ctx.Err() == nil {
			a.Log.Error("time-bank expiry sweep failed", "err", err)
		}
		return
	}
	if ran {
		a.Log.Info("time-bank points expired", "accounts", res.Accounts, "points", res.Points, "cutoff", res.Cutoff)
	}
}

// SweepImportReports deletes the error workbooks older than the retention
// setting (import-report-retention-days) and logs how many went.
func (a *App) SweepImportReports(ctx context.Context) int64 {
	n, err := a.Imports.SweepReports(ctx, a.Now().Add(-a.Cfg.ImportReportRetention))
	if err != nil {
		if ctx.Err() == nil {
			a.Log.Error("import report sweep failed", "err", err)
		}
		return 0
	}
	if n > 0 {
		a.Log.Info("expired import reports deleted", "reports", n)
	}
	return n
}

// Redact hides a password in a database URL for messages.
func Redact(u string) string {
	if i := strings.Index(u, "@"); i > 0 {
		if j := strings.Index(u, "://"); j > 0 && j < i {
			cred := u[j+3 : i]
			if k := strings.Index(cred, ":"); k >= 0 {
				return u[:j+3] + cred[:k] + ":xxxxx" + u[i:]
			}
		}
	}
	return u
}

// contractCheck wraps the server's handler with the OpenAPI contract checker
// when the contract-check-file option is set (a test aid for the browser
// tests): every violation is appended to that file as one line. Without the
// option the handler is returned as is.
func (a *App) contractCheck(h *httpapi.Server) (http.Handler, error) {
	handler := h.Handler()
	path := a.Cfg.ContractCheckFile
	if path == "" {
		return handler, nil
	}
	doc, err := json.Marshal(h.OpenAPI())
	if err != nil {
		return nil, fmt.Errorf("contract check: %w", err)
	}
	c, err := contract.New(doc)
	if err != nil {
		return nil, fmt.Errorf("contract check: %w", err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("contract check: %w", err)
	}
	var mu sync.Mutex
	v := &contract.Violations{OnAdd: func(s string) {
		mu.Lock()
		defer mu.Unlock()
		_, _ = f.WriteString(strings.ReplaceAll(s, "\n", " ") + "\n")
	}}
	a.Log.Warn("API contract check on (test aid): violations go to " + path)
	return c.Wrap(handler, v), nil
}

// memberCommunity adapts co-building's 双报到 lookup to the member page.
type memberCommunity struct{ c *cobuild.Service }

// MemberCommunity implements memberself.CommunityLookup.
func (m memberCommunity) MemberCommunity(ctx context.Context, memberID int64) (memberself.Community, bool, error) {
	code, name, on, ok, err := m.c.ReportedCommunity(ctx, memberID)
	if err != nil || !ok {
		return memberself.Community{}, ok, err
	}
	return memberself.Community{RegionCode: code, Name: name, ReportedOn: on}, true, nil
}

// briefingHours adapts the time bank's confirmed hours to the briefing.
type briefingHours struct{ v *volunteer.Service }

// VolunteerHours implements briefing.VolunteerHours.
func (b briefingHours) VolunteerHours(ctx context.Context, regionCode, from, to string) (float64, bool, error) {
	mins, err := b.v.MinutesIn(ctx, regionCode, from, to)
	if err != nil {
		return 0, false, err
	}
	return float64(mins) / 60, true, nil
}
