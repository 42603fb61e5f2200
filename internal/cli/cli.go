// Package cli implements the liangxin subcommands.
package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"golang.org/x/term"

	"liangxin/internal/actor"
	"liangxin/internal/app"
	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/auth"
	backuparchive "liangxin/internal/backup"
	"liangxin/internal/config"
	"liangxin/internal/coverspan"
	"liangxin/internal/datakey"
	"liangxin/internal/funds"
	"liangxin/internal/store"
	"liangxin/internal/volunteer"
)

// Env is what a command talks to.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	UI     fs.FS
	// Ready, if set, receives the listening address once serve is up (tests).
	Ready func(addr string)
}

const usage = `liangxin —— 两新党建综合管理平台

用法：liangxin <命令> [选项]

命令：
  serve            启动服务（首次启动自动迁移数据库、创建管理员 admin）
  init             设置本系统服务的辖区并载入区划（--jurisdiction 430426）
  migrate          只执行数据库迁移
  user create      新建用户（--username --role --scope [--password] [--name]；党建指导员须加 --instructor-id，承办单位经办人须加 --handler-unit-id，党组织账户可加 --party-org-id）
  user reset-password  重置用户密码（--username）
  user unlock      解锁用户（--username）
  token create     为用户新建 API 令牌（--user --name），令牌只输出一次
  token revoke     吊销 API 令牌（--user --name）
  backup           在线备份数据库、附件和清单到一个归档（--out 文件.tar.gz；
                   --key-passphrase-file 时连同用口令加密的密钥）
  restore          从备份恢复，核对无误才替换（--in 文件；须先停止服务）
  key rotate       轮换个人信息密钥，重新加密全部加密值（须先停止服务；中断后可重新运行）
  funds-check      核对经费账（借贷平衡、应拨−已拨=未拨、已拨−支出=余额、余额不为负），有问题时退出码为 1
  timebank-check   核对时间银行账（每笔借贷平衡、全部账户合计为零、个人账户余额不为负、冻结=待兑付），有问题时退出码为 1
  timebank-expire  按设置的有效期清零到期未用的时间银行积分（先进先出；可每日定时运行）
  coverage-rebuild 按台账重算覆盖时段和覆盖统计，并核对逐笔维护的统计是否一致（不一致时退出码为 1）
  compliance-rebuild 按会议台账重算三会一课落实情况数据（各党组织各周期应开、已开次数）
  demo             向空台账载入演示辖区（默认 430426 祁东县；--seed N），只能运行一次
  gen              向空数据库写入生成的大规模台账（--preset small|county|province|10m，或 --orgs --party-orgs
                   --members --years --seed；--jurisdiction 县、市或省级代码），用于容量和性能测试
  config           列出全部配置项及其环境变量
  version          显示版本

每个命令的通用选项（也可用 LIANGXIN_* 环境变量设置）见 liangxin config。
`

// Run executes the command line and returns the process exit code.
func Run(ctx context.Context, args []string, env Env) int {
	if len(args) == 0 {
		fmt.Fprint(env.Stderr, usage)
		return 2
	}
	cmd, rest := args[0], args[1:]
	if (cmd == "user" || cmd == "token" || cmd == "key") && len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		cmd, rest = cmd+" "+rest[0], rest[1:]
	}
	var err error
	switch cmd {
	case "serve":
		err = serve(ctx, rest, env)
	case "init":
		err = initCmd(ctx, rest, env)
	case "migrate":
		err = migrate(ctx, rest, env)
	case "user create":
		err = userCreate(ctx, rest, env)
	case "user reset-password":
		err = userResetPassword(ctx, rest, env)
	case "user unlock":
		err = userUnlock(ctx, rest, env)
	case "token create":
		err = tokenCreate(ctx, rest, env)
	case "token revoke":
		err = tokenRevoke(ctx, rest, env)
	case "backup":
		err = backup(ctx, rest, env)
	case "restore":
		err = restore(ctx, rest, env)
	case "key rotate":
		err = keyRotate(ctx, rest, env)
	case "demo":
		err = demo(ctx, rest, env)
	case "gen":
		err = genCmd(ctx, rest, env)
	case "funds-check":
		err = fundsCheck(ctx, rest, env)
	case "timebank-check":
		err = timebankCheck(ctx, rest, env)
	case "timebank-expire":
		err = timebankExpire(ctx, rest, env)
	case "coverage-rebuild":
		err = coverageRebuild(ctx, rest, env)
	case "compliance-rebuild":
		err = complianceRebuild(ctx, rest, env)
	case "config":
		config.Dump(env.Stdout)
	case "version", "--version", "-v":
		fmt.Fprintln(env.Stdout, "liangxin", app.Version())
	case "help", "-h", "--help":
		fmt.Fprint(env.Stdout, usage)
	default:
		fmt.Fprintf(env.Stderr, "未知命令 %q\n\n%s", strings.Join(args[:min(2, len(args))], " "), usage)
		return 2
	}
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(env.Stderr, "错误：", describe(err))
		return 1
	}
	return 0
}

// describe renders an error for the console in Chinese.
func describe(err error) string {
	if e, ok := apperr.As(err); ok {
		msg := e.Message
		for f, m := range e.Fields {
			if m != e.Message {
				msg += fmt.Sprintf("；%s：%s", f, m)
			}
		}
		return msg
	}
	return err.Error()
}

// flags makes a flag set with every config option plus the command's own.
func flags(name string, env Env) (*flag.FlagSet, func() (config.Config, error)) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	return fs, config.Bind(fs, env.Getenv)
}

func serve(ctx context.Context, args []string, env Env) error {
	fs, resolve := flags("serve", env)
	cfg, err := setup(fs, resolve, args)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	a, release, err := openExclusive(ctx, cfg, env)
	if err != nil {
		return err
	}
	defer release()
	defer a.Close()
	if _, err := a.EnsureJurisdiction(ctx, cfg.Jurisdiction); app.IsNotInitialised(err) {
		code, perr := promptJurisdiction(env)
		if perr != nil {
			return perr
		}
		if _, err = a.EnsureJurisdiction(ctx, code); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	created, err := a.Bootstrap(ctx)
	if err != nil {
		return err
	}
	printBootstrap(env, created)
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("无法监听 %s：%w", cfg.Addr, err)
	}
	fmt.Fprintf(env.Stdout, "两新党建综合管理平台已启动：http://%s/\n", ln.Addr())
	if env.Ready != nil {
		env.Ready(ln.Addr().String())
	}
	return a.Serve(ctx, ln, env.UI)
}

// printBootstrap prints the administrators the first start created, system
// administrator first, each with its one-time password.
func printBootstrap(env Env, created []auth.InitialAccount) {
	for _, c := range created {
		fmt.Fprintf(env.Stdout, "已创建%s %s，初始密码： %s （只显示这一次，首次登录后须修改）\n", auth.RoleName(c.Role), c.Username, c.Password)
	}
	if len(created) > 0 {
		fmt.Fprintln(env.Stdout, "三员分立：系统管理员 admin 新建账户（新账户没有业务角色），安全管理员 secadmin 授予角色和管辖范围，审计管理员 auditor 查阅审计日志；三者都不能查看台账和党员信息。")
	}
}

func promptJurisdiction(env Env) (string, error) {
	f, ok := env.Stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return "", errors.New("本数据目录尚未初始化：请用 --jurisdiction 指定辖区的行政区划代码（如 430426 祁东县），或先运行 liangxin init --jurisdiction 代码")
	}
	fmt.Fprint(env.Stdout, "本数据目录尚未初始化。请输入本系统服务的辖区行政区划代码（如 430426 祁东县）：")
	line, err := bufio.NewReader(f).ReadString('\n')
	if err != nil {
		return "", errors.New("未输入辖区代码")
	}
	return strings.TrimSpace(line), nil
}

func initCmd(ctx context.Context, args []string, env Env) error {
	fs, resolve := flags("init", env)
	cfg, err := setup(fs, resolve, args)
	if err != nil {
		return err
	}
	if cfg.Jurisdiction == "" {
		return errors.New("请用 --jurisdiction 指定辖区的行政区划代码，如 430426")
	}
	return withApp(ctx, cfg, env, func(a *app.App) error {
		code, err := a.EnsureJurisdiction(ctx, cfg.Jurisdiction)
		if err != nil {
			return err
		}
		return announce(ctx, a, env, code)
	})
}

func migrate(ctx context.Context, args []string, env Env) error {
	fs, resolve := flags("migrate", env)
	cfg, err := setup(fs, resolve, args)
	if err != nil {
		return err
	}
	db, err := store.Open(ctx, cfg.DB, cfg.DataDir)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	if err := coverspan.EnsureBuilt(ctx, db); err != nil {
		return err
	}
	// Values SQL cannot encrypt (migration 0015) are sealed here too, with the
	// key checked as at start-up (it is made only for a database with no sealed value).
	prot, err := app.OpenKey(ctx, cfg, db)
	if err != nil {
		return err
	}
	if err := app.New(cfg, db, app.NewLogger(env.Stderr, cfg.LogLevel), time.Now, prot).SealAtRest(ctx); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "已执行 %d 个迁移，数据库结构版本 %d\n", n, store.LatestVersion(db.Dialect))
	return nil
}

func userCreate(ctx context.Context, args []string, env Env) error {
	fs, resolve := flags("user create", env)
	username := fs.String("username", "", "用户名")
	name := fs.String("name", "", "姓名")
	role := fs.String("role", "", "角色代码："+roleCodes())
	scope := fs.String("scope", "", "管辖范围（区划代码）")
	password := fs.String("password", "", "初始密码（为空则随机生成并输出）")
	instructorID := fs.Int64("instructor-id", 0, "党建指导员账户绑定的指导员记录编号（角色为 instructor 时必填）")
	handlerUnitID := fs.Int64("handler-unit-id", 0, "承办单位经办人账户绑定的承办单位编号（角色为 handler 时必填）")
	partyOrgID := fs.Int64("party-org-id", 0, "党组织书记/党务工作者账户绑定的党组织编号（角色为 party_org 时可选）")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *role == auth.RoleInstructor && *instructorID <= 0 {
		return fmt.Errorf("党建指导员账户须用 --instructor-id 绑定一名指导员（指导员编号见“党建指导员”页面）")
	}
	if *role == auth.RoleHandler && *handlerUnitID <= 0 {
		return fmt.Errorf("承办单位经办人账户须用 --handler-unit-id 绑定一个承办单位（单位编号见“订单式服务”的承办单位列表）")
	}
	cfg, err := resolve()
	if err != nil {
		return err
	}
	return withApp(ctx, cfg, env, func(a *app.App) error {
		sys := actor.System(ctx, "cli")
		sc := strings.TrimSpace(*scope)
		if sc == "" {
			sc, _ = a.Regions.Jurisdiction(sys)
		}
		u, pw, err := a.Auth.CreateUser(sys, auth.NewUser{Username: *username, DisplayName: *name, Role: *role, Scope: sc, PartyOrgID: *partyOrgID, InstructorID: *instructorID, HandlerUnitID: *handlerUnitID, Password: *password})
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "已创建用户 %s（%s，%s %s）\n", u.Username, u.RoleName, u.Scope, u.ScopeName)
		if pw != "" {
			fmt.Fprintf(env.Stdout, "初始密码： %s （只显示这一次，首次登录后须修改）\n", pw)
		}
		return nil
	})
}

func roleCodes() string {
	var codes []string
	for _, r := range auth.Roles() {
		codes = append(codes, r.Code+"（"+r.Name+"）")
	}
	return strings.Join(codes, "、")
}

func withUser(ctx context.Context, name string, args []string, env Env, fn func(a *app.App, sys context.Context, u auth.User) error) error {
	fs, resolve := flags(name, env)
	username := fs.String("username", "", "用户名")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *username == "" {
		return errors.New("请用 --username 指定用户名")
	}
	cfg, err := resolve()
	if err != nil {
		return err
	}
	return withApp(ctx, cfg, env, func(a *app.App) error {
		sys := actor.System(ctx, "cli")
		u, err := a.Auth.UserByUsername(sys, *username)
		if err != nil {
			return err
		}
		return fn(a, sys, u)
	})
}

func userResetPassword(ctx context.Context, args []string, env Env) error {
	return withUser(ctx, "user reset-password", args, env, func(a *app.App, sys context.Context, u auth.User) error {
		pw, err := a.Auth.ResetPassword(sys, u.ID)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "已重置 %s 的密码，临时密码： %s （只显示这一次，登录后须修改）\n", u.Username, pw)
		return nil
	})
}

func userUnlock(ctx context.Context, args []string, env Env) error {
	return withUser(ctx, "user unlock", args, env, func(a *app.App, sys context.Context, u auth.User) error {
		if err := a.Auth.Unlock(sys, u.ID); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "已解锁用户 %s\n", u.Username)
		return nil
	})
}

func tokenFlags(name string, args []string, env Env) (config.Config, string, string, error) {
	fs, resolve := flags(name, env)
	user := fs.String("user", "", "用户名")
	tname := fs.String("name", "", "令牌名称")
	if err := fs.Parse(args); err != nil {
		return config.Config{}, "", "", err
	}
	if *user == "" || *tname == "" {
		return config.Config{}, "", "", errors.New("请用 --user 和 --name 指定用户和令牌名称")
	}
	cfg, err := resolve()
	return cfg, *user, *tname, err
}

func tokenCreate(ctx context.Context, args []string, env Env) error {
	cfg, user, name, err := tokenFlags("token create", args, env)
	if err != nil {
		return err
	}
	return withApp(ctx, cfg, env, func(a *app.App) error {
		_, secret, err := a.Auth.CreateTokenFor(actor.System(ctx, "cli"), user, name)
		if err != nil {
			return err
		}
		// The token alone on standard output, so scripts can capture it.
		fmt.Fprintln(env.Stdout, secret)
		return nil
	})
}

func tokenRevoke(ctx context.Context, args []string, env Env) error {
	cfg, user, name, err := tokenFlags("token revoke", args, env)
	if err != nil {
		return err
	}
	return withApp(ctx, cfg, env, func(a *app.App) error {
		n, err := a.Auth.RevokeTokenFor(actor.System(ctx, "cli"), user, name)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "已吊销 %d 个令牌\n", n)
		return nil
	})
}

// passphraseEnv holds the key passphrase for backup and restore when no file is given.
const passphraseEnv = "LIANGXIN_KEY_PASSPHRASE"

// passphrase reads the key passphrase from the file named by the flag, else
// from LIANGXIN_KEY_PASSPHRASE; nil when neither is given. It is never a
// command-line value, which other users would see in the process list.
func passphrase(file string, env Env) ([]byte, error) {
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("无法读取密钥口令文件：%w", err)
		}
		b = []byte(strings.TrimRight(string(b), "\r\n"))
		if len(b) == 0 {
			return nil, fmt.Errorf("密钥口令文件 %s 是空的", file)
		}
		return b, nil
	}
	if v := env.Getenv(passphraseEnv); v != "" {
		return []byte(v), nil
	}
	return nil, nil
}

func backup(ctx context.Context, args []string, env Env) error {
	fs, resolve := flags("backup", env)
	out := fs.String("out", "", "备份文件路径（.tar.gz）")
	passFile := fs.String("key-passphrase-file", "", "密钥口令文件：给出时把个人信息密钥用该口令加密后放入备份（也可用环境变量 "+passphraseEnv+"）")
	cfg, err := setup(fs, resolve, args)
	if err != nil {
		return err
	}
	pass, err := passphrase(*passFile, env)
	if err != nil {
		return err
	}
	if *out == "" {
		*out = "liangxin-backup-" + time.Now().Format("20060102-150405") + ".tar.gz"
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	m, err := backuparchive.Create(ctx, db, *out, backuparchive.Options{DataDir: cfg.DataDir, KeyPath: app.KeyPath(cfg), Cipher: cfg.DataCipher, Passphrase: pass})
	if err != nil {
		return err
	}
	var rows int64
	for _, n := range m.Tables {
		rows += n
	}
	if err := auditCLI(ctx, db, audit.Entry{Action: "backup_create", Entity: "backup", EntityID: filepath.Base(*out),
		After: map[string]any{"tables": len(m.Tables), "rows": rows, "attachments": len(m.Attachments), "key_included": m.KeyIncluded}}); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "已备份到 %s（%d 张表 %d 行，%d 个附件）\n", *out, len(m.Tables), rows, len(m.Attachments))
	if m.KeyIncluded {
		fmt.Fprintln(env.Stdout, "备份中含有用口令加密的个人信息密钥：口令请另行妥善保管")
	} else if m.KeyFingerprint != "" {
		fmt.Fprintf(env.Stdout, "备份中不含密钥：恢复时需要密钥文件 %s（指纹 %s），请另行备份\n", app.KeyPath(cfg), m.KeyFingerprint)
	}
	return nil
}

func restore(ctx context.Context, args []string, env Env) error {
	fs, resolve := flags("restore", env)
	in := fs.String("in", "", "备份文件路径")
	passFile := fs.String("key-passphrase-file", "", "密钥口令文件：从备份中恢复个人信息密钥（也可用环境变量 "+passphraseEnv+"）")
	legacy := fs.String("legacy", "false", "恢复旧版本生成的单个数据库文件（不含附件和清单，无法核对）：true 或 false")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *in == "" && fs.NArg() == 1 {
		*in = fs.Arg(0)
	}
	if *in == "" {
		return errors.New("请用 --in 指定备份文件")
	}
	cfg, err := resolve()
	if err != nil {
		return err
	}
	pass, err := passphrase(*passFile, env)
	if err != nil {
		return err
	}
	if _, err := os.Stat(*in); err != nil {
		return fmt.Errorf("找不到备份文件 %s", *in)
	}
	if backuparchive.IsLegacy(*in) {
		if *legacy != "true" {
			return fmt.Errorf("%s 是旧版本的备份（只有数据库，没有附件和清单，无法核对）：确认要恢复时加 --legacy=true", *in)
		}
		return restoreLegacy(ctx, cfg, *in, env)
	}
	opt := backuparchive.RestoreOptions{DataDir: cfg.DataDir, KeyPath: app.KeyPath(cfg), Cipher: cfg.DataCipher, Passphrase: pass}
	if strings.HasPrefix(cfg.DB, "postgres") {
		db, err := store.Open(ctx, cfg.DB, cfg.DataDir)
		if err != nil {
			return err
		}
		defer db.Close()
		opt.Postgres = db
	} else {
		lock, err := app.LockDataDir(cfg.DataDir)
		if err != nil {
			return fmt.Errorf("%w：请先停止服务再恢复", err)
		}
		defer lock.Close()
	}
	m, err := backuparchive.Restore(ctx, *in, opt)
	if err != nil {
		return fmt.Errorf("恢复失败：%w", err)
	}
	// The restored trail records the restore itself.
	rdb, err := store.Open(ctx, cfg.DB, cfg.DataDir)
	if err != nil {
		return err
	}
	err = auditCLI(ctx, rdb, audit.Entry{Action: "backup_restore", Entity: "backup", EntityID: filepath.Base(*in),
		After: map[string]any{"created_at": m.CreatedAt, "tables": len(m.Tables), "attachments": len(m.Attachments), "key_restored": pass != nil}})
	rdb.Close()
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "已从 %s 恢复（备份时间 %s；%d 张表的行数、%d 个附件的校验和与密钥均已核对）\n", *in, m.CreatedAt.Format(time.RFC3339), len(m.Tables), len(m.Attachments))
	return nil
}

// restoreLegacy restores a bare database file made by an older version.
func restoreLegacy(ctx context.Context, cfg config.Config, in string, env Env) error {
	if strings.HasPrefix(cfg.DB, "postgres") {
		db, err := store.Open(ctx, cfg.DB, cfg.DataDir)
		if err != nil {
			return err
		}
		err = store.RestorePostgres(ctx, db.URL, in)
		db.Close()
		if err != nil {
			return err
		}
	} else {
		lock, err := app.LockDataDir(cfg.DataDir)
		if err != nil {
			return fmt.Errorf("%w：请先停止服务再恢复", err)
		}
		defer lock.Close()
		if err := store.RestoreSQLite(ctx, in, cfg.DataDir); err != nil {
			return err
		}
	}
	fmt.Fprintf(env.Stdout, "已从旧格式备份 %s 恢复数据库（附件未恢复；密钥在启动时核对）\n", in)
	return nil
}

// auditCLI records an administration command as the internal actor cli.
func auditCLI(ctx context.Context, db *store.DB, e audit.Entry) error {
	return (&audit.Logger{DB: db, Now: time.Now}).Record(actor.System(ctx, "cli"), db, e)
}

func keyRotate(ctx context.Context, args []string, env Env) error {
	fs, resolve := flags("key rotate", env)
	batch := fs.Int("batch", 500, "每个事务重新加密的行数")
	cfg, err := setup(fs, resolve, args)
	if err != nil {
		return err
	}
	if cfg.DB == "" {
		lock, err := app.LockDataDir(cfg.DataDir)
		if err != nil {
			return fmt.Errorf("%w：请先停止服务再轮换密钥", err)
		}
		defer lock.Close()
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := datakey.Rotate(ctx, db, app.KeyPath(cfg), datakey.RotateOptions{Cipher: cfg.DataCipher, BatchSize: *batch})
	if err != nil {
		return fmt.Errorf("密钥轮换未完成（可重新运行 liangxin key rotate 继续）：%w", err)
	}
	if err := auditCLI(ctx, db, audit.Entry{Action: "key_rotate", Entity: "data_key", EntityID: res.NewFingerprint,
		Before: map[string]any{"fingerprint": res.OldFingerprint}, After: map[string]any{"fingerprint": res.NewFingerprint, "resealed": res.Resealed}}); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "密钥已轮换：重新加密 %d 个值（%d 个此前已完成）。旧密钥保存在 %s：轮换前的备份仍需要它，请与那些备份一同离线保管，然后从服务器上删除；并请立即做一次新的备份\n",
		res.Resealed, res.Skipped, res.OldFile)
	return nil
}

// fundsCheck verifies the funds journal (funds.Check) and prints what it
// found; any problem is an error (exit code 1). Warnings are printed only.
func fundsCheck(ctx context.Context, args []string, env Env) error {
	fs, resolve := flags("funds-check", env)
	cfg, err := setup(fs, resolve, args)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := funds.Check(ctx, db)
	if err != nil {
		return err
	}
	for _, w := range res.Warnings {
		fmt.Fprintln(env.Stdout, "提示：", w)
	}
	for _, p := range res.Problems {
		fmt.Fprintln(env.Stdout, "问题：", p)
	}
	if !res.OK() {
		return fmt.Errorf("经费账核对未通过：%d 个问题（%d 条记录，%d 条分录）", len(res.Problems), res.Entries, res.Postings)
	}
	fmt.Fprintf(env.Stdout, "经费账核对通过：%d 条记录，%d 条分录，借贷平衡，应拨−已拨=未拨，已拨−支出=余额，无负余额\n", res.Entries, res.Postings)
	return nil
}

// timebankCheck verifies the time-bank journal (volunteer.Check) and prints
// what it found; any problem is an error (exit code 1).
func timebankCheck(ctx context.Context, args []string, env Env) error {
	fs, resolve := flags("timebank-check", env)
	cfg, err := setup(fs, resolve, args)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := volunteer.Check(ctx, db)
	if err != nil {
		return err
	}
	for _, p := range res.Problems {
		fmt.Fprintln(env.Stdout, "问题：", p)
	}
	if !res.OK() {
		return fmt.Errorf("时间银行账核对未通过：%d 个问题（%d 条记录，%d 条分录）", len(res.Problems), res.Entries, res.Postings)
	}
	fmt.Fprintf(env.Stdout, "时间银行账核对通过：%d 条记录，%d 条分录，%d 个账户，全部账户合计为零，无负余额，流通积分 %d 分\n", res.Entries, res.Postings, res.Accounts, res.Issued)
	return nil
}

// timebankExpire runs the expiry sweep (volunteer.Service.ExpireSweep) as
// the system, audited.
func timebankExpire(ctx context.Context, args []string, env Env) error {
	return onApp(ctx, "timebank-expire", args, env, nil, func(a *app.App, _ config.Config) error {
		res, err := a.Volunteer.ExpireSweep(actor.System(ctx, "timebank-expire"))
		if err != nil {
			return err
		}
		if res.Cutoff == "" {
			fmt.Fprintln(env.Stdout, "积分设置为不过期，未清零任何积分")
			return nil
		}
		fmt.Fprintf(env.Stdout, "积分到期清零：%s 前获得且未使用的积分，%d 个账户共 %d 分\n", res.Cutoff, res.Accounts, res.Points)
		return nil
	})
}
