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
	"strings"
	"syscall"
	"time"

	"golang.org/x/term"

	"liangxin/internal/actor"
	"liangxin/internal/app"
	"liangxin/internal/apperr"
	"liangxin/internal/auth"
	"liangxin/internal/config"
	"liangxin/internal/coverspan"
	"liangxin/internal/store"
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
  user create      新建用户（--username --role --scope [--password] [--name]）
  user reset-password  重置用户密码（--username）
  user unlock      解锁用户（--username）
  token create     为用户新建 API 令牌（--user --name），令牌只输出一次
  token revoke     吊销 API 令牌（--user --name）
  backup           在线备份数据库（--out 文件）
  restore          从备份恢复（--in 文件；须先停止服务）
  demo             向空台账载入演示辖区（默认 430426 祁东县；--seed N），只能运行一次
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
	if (cmd == "user" || cmd == "token") && len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
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
	case "demo":
		err = demo(ctx, rest, env)
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

func open(ctx context.Context, cfg config.Config, env Env) (*app.App, error) {
	return app.Open(ctx, cfg, app.NewLogger(env.Stderr, cfg.LogLevel))
}

func serve(ctx context.Context, args []string, env Env) error {
	fs, resolve := flags("serve", env)
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := resolve()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if cfg.DB == "" {
		lock, err := app.LockDataDir(cfg.DataDir)
		if err != nil {
			return err
		}
		defer lock.Close()
	}
	a, err := open(ctx, cfg, env)
	if err != nil {
		return err
	}
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
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := resolve()
	if err != nil {
		return err
	}
	if cfg.Jurisdiction == "" {
		return errors.New("请用 --jurisdiction 指定辖区的行政区划代码，如 430426")
	}
	a, err := open(ctx, cfg, env)
	if err != nil {
		return err
	}
	defer a.Close()
	code, err := a.EnsureJurisdiction(ctx, cfg.Jurisdiction)
	if err != nil {
		return err
	}
	full, _ := a.Regions.FullName(actor.System(ctx, "init"), code)
	fmt.Fprintf(env.Stdout, "辖区：%s %s\n", code, full)
	created, err := a.Bootstrap(ctx)
	if err != nil {
		return err
	}
	printBootstrap(env, created)
	return nil
}

func migrate(ctx context.Context, args []string, env Env) error {
	fs, resolve := flags("migrate", env)
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := resolve()
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
	// Values SQL cannot encrypt (migration 0015) are sealed here too.
	if err := app.New(cfg, db, app.NewLogger(env.Stderr, cfg.LogLevel), time.Now).SealAtRest(ctx); err != nil {
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
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := resolve()
	if err != nil {
		return err
	}
	a, err := open(ctx, cfg, env)
	if err != nil {
		return err
	}
	defer a.Close()
	sys := actor.System(ctx, "cli")
	sc := strings.TrimSpace(*scope)
	if sc == "" {
		sc, _ = a.Regions.Jurisdiction(sys)
	}
	u, pw, err := a.Auth.CreateUser(sys, auth.NewUser{Username: *username, DisplayName: *name, Role: *role, Scope: sc, Password: *password})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "已创建用户 %s（%s，%s %s）\n", u.Username, u.RoleName, u.Scope, u.ScopeName)
	if pw != "" {
		fmt.Fprintf(env.Stdout, "初始密码： %s （只显示这一次，首次登录后须修改）\n", pw)
	}
	return nil
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
	a, err := open(ctx, cfg, env)
	if err != nil {
		return err
	}
	defer a.Close()
	sys := actor.System(ctx, "cli")
	u, err := a.Auth.UserByUsername(sys, *username)
	if err != nil {
		return err
	}
	return fn(a, sys, u)
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
	a, err := open(ctx, cfg, env)
	if err != nil {
		return err
	}
	defer a.Close()
	_, secret, err := a.Auth.CreateTokenFor(actor.System(ctx, "cli"), user, name)
	if err != nil {
		return err
	}
	// The token alone on standard output, so scripts can capture it.
	fmt.Fprintln(env.Stdout, secret)
	return nil
}

func tokenRevoke(ctx context.Context, args []string, env Env) error {
	cfg, user, name, err := tokenFlags("token revoke", args, env)
	if err != nil {
		return err
	}
	a, err := open(ctx, cfg, env)
	if err != nil {
		return err
	}
	defer a.Close()
	n, err := a.Auth.RevokeTokenFor(actor.System(ctx, "cli"), user, name)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "已吊销 %d 个令牌\n", n)
	return nil
}

func backup(ctx context.Context, args []string, env Env) error {
	fs, resolve := flags("backup", env)
	out := fs.String("out", "", "备份文件路径")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := resolve()
	if err != nil {
		return err
	}
	if *out == "" {
		ext := ".db"
		if cfg.DB != "" {
			ext = ".dump"
		}
		*out = "liangxin-backup-" + time.Now().Format("20060102-150405") + ext
	}
	db, err := store.Open(ctx, cfg.DB, cfg.DataDir)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.CheckSchema(ctx); err != nil {
		return err
	}
	if err := db.Backup(ctx, *out); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "已备份到 %s\n", *out)
	return nil
}

func restore(ctx context.Context, args []string, env Env) error {
	fs, resolve := flags("restore", env)
	in := fs.String("in", "", "备份文件路径")
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
	if strings.HasPrefix(cfg.DB, "postgres") {
		db, err := store.Open(ctx, cfg.DB, cfg.DataDir)
		if err != nil {
			return err
		}
		err = store.RestorePostgres(ctx, db.URL, *in)
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
		if err := store.RestoreSQLite(ctx, *in, cfg.DataDir); err != nil {
			return err
		}
	}
	fmt.Fprintf(env.Stdout, "已从 %s 恢复\n", *in)
	return nil
}
