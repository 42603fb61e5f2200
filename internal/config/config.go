// Package config holds every setting of Liangxin in one registry: each option
// has a flag name, a LIANGXIN_* environment variable, a default and a Chinese
// help text. Flags override the environment, which overrides the default.
package config

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is the resolved configuration.
type Config struct {
	Addr         string
	DataDir      string
	DB           string
	Jurisdiction string
	LogLevel     string

	LockoutThreshold int
	LockoutDuration  time.Duration
	IdleTimeout      time.Duration
	SessionLifetime  time.Duration
	PasswordMaxAge   time.Duration // 0 = rotation off
	SecureCookies    string        // auto | always | never
	TrustProxy       bool
	// ContractCheckFile, a test aid, makes the server check every API
	// request and response against its OpenAPI document and append the
	// violations to this file (the browser tests set it).
	ContractCheckFile string

	DataKeyFile string // file holding the personal-data key; "" = <DataDir>/data.key
	DataCipher  string // sm4 | aes

	// ImportReportRetention is how long an import's error workbook (which
	// holds the uploaded rows, sealed) is kept before it is deleted.
	ImportReportRetention time.Duration

	// DBReplica is a PostgreSQL streaming replica for read-only reports
	// (lists, dashboards, statistics, exports); "" = every read on DB.
	DBReplica string
	// ReplicaMaxLag: a replica further behind serves no reads.
	ReplicaMaxLag time.Duration
	// ImportLease: a running import job whose node has not beaten for this
	// long is failed by another node (sheetimport.Jobs.Lease).
	ImportLease time.Duration
	// ReadCacheTTL is the safety limit of a read-cache entry's age
	// (internal/readcache); 0 turns the cache off.
	ReadCacheTTL time.Duration
}

// Option describes one setting.
type Option struct {
	Name    string // flag name, e.g. "addr"
	Env     string // environment variable, e.g. LIANGXIN_ADDR
	Default string
	Help    string
	set     func(c *Config, v string) error
}

func str(p func(*Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error { *p(c) = v; return nil }
}

func integer(p func(*Config) *int, min int) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < min {
			return fmt.Errorf("必须是不小于 %d 的整数", min)
		}
		*p(c) = n
		return nil
	}
}

func duration(p func(*Config) *time.Duration, unit time.Duration, min int) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < min {
			return fmt.Errorf("必须是不小于 %d 的整数", min)
		}
		*p(c) = time.Duration(n) * unit
		return nil
	}
}

func boolean(p func(*Config) *bool) func(*Config, string) error {
	return func(c *Config, v string) error {
		b, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil {
			return fmt.Errorf("必须是 true 或 false")
		}
		*p(c) = b
		return nil
	}
}

// Options lists every setting. A test pins these names: renaming one breaks deployments.
func Options() []Option {
	opts := []Option{
		{Name: "addr", Default: "127.0.0.1:8080", Help: "HTTP 监听地址", set: str(func(c *Config) *string { return &c.Addr })},
		{Name: "data", Default: "./data", Help: "数据目录（内置 SQLite 数据库及其锁文件）", set: str(func(c *Config) *string { return &c.DataDir })},
		{Name: "db", Default: "", Help: "数据库地址；为空时使用数据目录中的内置 SQLite，postgres://… 使用 PostgreSQL", set: str(func(c *Config) *string { return &c.DB })},
		{Name: "db-replica", Default: "", Help: "只读副本地址（PostgreSQL 流复制备库，postgres://…）；设置后列表、首页、统计和导出等只读查询走副本，用户自己刚写入的内容仍从主库读取；为空时全部走主库；内置 SQLite 不支持", set: str(func(c *Config) *string { return &c.DBReplica })},
		{Name: "replica-max-lag-seconds", Default: "5", Help: "只读副本允许的最大复制延迟（秒）；超过或副本不可达时只读查询改走主库", set: duration(func(c *Config) *time.Duration { return &c.ReplicaMaxLag }, time.Second, 1)},
		{Name: "import-lease-seconds", Default: "30", Help: "导入任务租约（秒，不小于 10）：集群中某节点停止心跳超过该时长，其进行中的导入由其他节点判定中止；心跳间隔为租约的六分之一", set: duration(func(c *Config) *time.Duration { return &c.ImportLease }, time.Second, 10)},
		{Name: "read-cache-ttl-seconds", Default: "300", Help: "统计结果缓存（组织生活落实情况、两个覆盖统计与趋势、区和街道首页）的最长保留时间（秒）；任何节点写入数据后缓存即失效，此项只是兜底上限；0 表示关闭缓存", set: duration(func(c *Config) *time.Duration { return &c.ReadCacheTTL }, time.Second, 0)},
		{Name: "jurisdiction", Default: "", Help: "本系统服务的行政区划代码（县级，如 430426；也可为地级或省级）", set: str(func(c *Config) *string { return &c.Jurisdiction })},
		{Name: "log-level", Default: "info", Help: "日志级别：debug、info、warn、error", set: func(c *Config, v string) error {
			switch v {
			case "debug", "info", "warn", "error":
				c.LogLevel = v
				return nil
			}
			return fmt.Errorf("必须是 debug、info、warn 或 error")
		}},
		{Name: "lockout-threshold", Default: "5", Help: "连续登录失败多少次后锁定账户", set: integer(func(c *Config) *int { return &c.LockoutThreshold }, 1)},
		{Name: "lockout-minutes", Default: "15", Help: "账户锁定时长（分钟）", set: duration(func(c *Config) *time.Duration { return &c.LockoutDuration }, time.Minute, 1)},
		{Name: "idle-timeout-minutes", Default: "30", Help: "会话空闲超时（分钟）", set: duration(func(c *Config) *time.Duration { return &c.IdleTimeout }, time.Minute, 1)},
		{Name: "session-lifetime-hours", Default: "12", Help: "会话最长有效期（小时）", set: duration(func(c *Config) *time.Duration { return &c.SessionLifetime }, time.Hour, 1)},
		{Name: "password-max-age-days", Default: "90", Help: "密码有效期（天），0 表示不强制定期更换", set: duration(func(c *Config) *time.Duration { return &c.PasswordMaxAge }, 24*time.Hour, 0)},
		{Name: "secure-cookies", Default: "auto", Help: "会话 Cookie 的 Secure 属性：auto（按 TLS 判断）、always、never", set: func(c *Config, v string) error {
			switch v {
			case "auto", "always", "never":
				c.SecureCookies = v
				return nil
			}
			return fmt.Errorf("必须是 auto、always 或 never")
		}},
		{Name: "data-key-file", Default: "", Help: "个人信息（身份证号、手机号）加密密钥文件；为空时使用数据目录中的 data.key（只在数据库还没有任何加密值时自动生成，权限 0600；密钥打不开库中加密值时拒绝启动；须与数据库分开保管，或用 backup --key-passphrase-file 加密后放入备份）", set: str(func(c *Config) *string { return &c.DataKeyFile })},
		{Name: "data-cipher", Default: "sm4", Help: "个人信息加密算法：sm4（SM4-GCM，国密）或 aes（AES-256-GCM）", set: func(c *Config, v string) error {
			switch v {
			case "sm4", "aes":
				c.DataCipher = v
				return nil
			}
			return fmt.Errorf("必须是 sm4 或 aes")
		}},
		{Name: "import-report-retention-days", Default: "7", Help: "导入错误报告（标出错误的表格，含上传的原始数据，加密保存）保留天数，到期自动删除", set: duration(func(c *Config) *time.Duration { return &c.ImportReportRetention }, 24*time.Hour, 1)},
		{Name: "trust-proxy", Default: "false", Help: "是否信任反向代理的 X-Forwarded-For / X-Forwarded-Proto 头", set: boolean(func(c *Config) *bool { return &c.TrustProxy })},
		{Name: "contract-check-file", Default: "", Help: "测试辅助（生产环境不要设置）：设置后按 OpenAPI 文档校验每个 /api/ 请求和响应，把不符之处逐行追加到该文件（浏览器测试使用；会降低性能）", set: str(func(c *Config) *string { return &c.ContractCheckFile })},
	}
	for i := range opts {
		opts[i].Env = envName(opts[i].Name)
	}
	return opts
}

func envName(name string) string {
	return "LIANGXIN_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// Default returns the configuration with every default applied.
func Default() Config {
	var c Config
	for _, o := range Options() {
		if err := o.set(&c, o.Default); err != nil {
			panic("config: bad default for " + o.Name + ": " + err.Error())
		}
	}
	return c
}

// Bind registers every option as a flag on fs and returns a function that
// resolves the final Config (flags over environment over defaults) once fs
// has been parsed.
func Bind(fs *flag.FlagSet, getenv func(string) string) func() (Config, error) {
	opts := Options()
	vals := make(map[string]*string, len(opts))
	for _, o := range opts {
		o.Env = envName(o.Name)
		vals[o.Name] = fs.String(o.Name, o.Default, fmt.Sprintf("%s（环境变量 %s）", o.Help, o.Env))
	}
	return func() (Config, error) {
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		var c Config
		for _, o := range opts {
			v := o.Default
			env := envName(o.Name)
			if e := getenv(env); e != "" {
				v = e
			}
			if set[o.Name] {
				v = *vals[o.Name]
			}
			if err := o.set(&c, v); err != nil {
				return c, fmt.Errorf("配置项 %s（%s）取值 %q 无效：%w", o.Name, env, v, err)
			}
		}
		if err := c.check(); err != nil {
			return c, err
		}
		if c.DataDir != "" {
			abs, err := filepath.Abs(c.DataDir)
			if err == nil {
				c.DataDir = abs
			}
		}
		return c, nil
	}
}

// FromEnv resolves the configuration from the process environment only.
func FromEnv() (Config, error) {
	fs := flag.NewFlagSet("env", flag.ContinueOnError)
	resolve := Bind(fs, os.Getenv)
	return resolve()
}

// Dump writes a reference of every option, its variable and default.
func Dump(w io.Writer) {
	opts := Options()
	for _, o := range opts {
		def := o.Default
		if def == "" {
			def = "（空）"
		}
		fmt.Fprintf(w, "--%-24s %-36s 默认 %s\n    %s\n", o.Name, envName(o.Name), def, o.Help)
	}
}

// EnvName exposes the environment variable name of an option (for docs and tests).
func EnvName(name string) string { return envName(name) }

// check refuses combinations of settings that cannot work together.
func (c Config) check() error {
	if c.DBReplica == "" {
		return nil
	}
	if !isPostgres(c.DB) {
		return fmt.Errorf("配置项 db-replica（%s）只能与 PostgreSQL 数据库（--db postgres://…）一起使用：内置 SQLite 只有一个数据库文件，没有只读副本，请去掉该项", envName("db-replica"))
	}
	if !isPostgres(c.DBReplica) {
		return fmt.Errorf("配置项 db-replica（%s）取值无效：请使用 postgres://… 形式的地址", envName("db-replica"))
	}
	return nil
}

func isPostgres(u string) bool {
	return strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://")
}
