package config_test

import (
	"bytes"
	"flag"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"liangxin/internal/config"
)

// pinned is every option as deployments know it. Renaming an option, its
// variable or its default breaks scripts and unit files in the field: this
// list changes only with a release note.
var pinned = []struct{ name, env, def string }{
	{"addr", "LIANGXIN_ADDR", "127.0.0.1:8080"},
	{"data", "LIANGXIN_DATA", "./data"},
	{"db", "LIANGXIN_DB", ""},
	{"db-replica", "LIANGXIN_DB_REPLICA", ""},
	{"replica-max-lag-seconds", "LIANGXIN_REPLICA_MAX_LAG_SECONDS", "5"},
	{"import-lease-seconds", "LIANGXIN_IMPORT_LEASE_SECONDS", "30"},
	{"read-cache-ttl-seconds", "LIANGXIN_READ_CACHE_TTL_SECONDS", "300"},
	{"jurisdiction", "LIANGXIN_JURISDICTION", ""},
	{"log-level", "LIANGXIN_LOG_LEVEL", "info"},
	{"lockout-threshold", "LIANGXIN_LOCKOUT_THRESHOLD", "5"},
	{"lockout-minutes", "LIANGXIN_LOCKOUT_MINUTES", "15"},
	{"idle-timeout-minutes", "LIANGXIN_IDLE_TIMEOUT_MINUTES", "30"},
	{"session-lifetime-hours", "LIANGXIN_SESSION_LIFETIME_HOURS", "12"},
	{"password-max-age-days", "LIANGXIN_PASSWORD_MAX_AGE_DAYS", "90"},
	{"secure-cookies", "LIANGXIN_SECURE_COOKIES", "auto"},
	{"data-key-file", "LIANGXIN_DATA_KEY_FILE", ""},
	{"data-cipher", "LIANGXIN_DATA_CIPHER", "sm4"},
	{"import-report-retention-days", "LIANGXIN_IMPORT_REPORT_RETENTION_DAYS", "7"},
	{"trust-proxy", "LIANGXIN_TRUST_PROXY", "false"},
	{"contract-check-file", "LIANGXIN_CONTRACT_CHECK_FILE", ""},
}

func TestOptionNamesArePinned(t *testing.T) {
	opts := config.Options()
	byName := map[string]config.Option{}
	for _, o := range opts {
		if _, dup := byName[o.Name]; dup {
			t.Errorf("option %q declared twice", o.Name)
		}
		byName[o.Name] = o
		if strings.TrimSpace(o.Help) == "" {
			t.Errorf("option %q has no help text", o.Name)
		}
	}
	for _, p := range pinned {
		o, ok := byName[p.name]
		if !ok {
			t.Errorf("option %q is gone (renamed?)", p.name)
			continue
		}
		if got := config.EnvName(p.name); got != p.env {
			t.Errorf("option %q reads %s, want %s", p.name, got, p.env)
		}
		if o.Default != p.def {
			t.Errorf("option %q default %q, want %q", p.name, o.Default, p.def)
		}
	}
	if len(opts) != len(pinned) {
		var names []string
		for _, o := range opts {
			names = append(names, o.Name)
		}
		t.Errorf("%d options %v, %d pinned: pin the new ones here", len(opts), names, len(pinned))
	}

	// The flags carry the same names and say which variable they read.
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	config.Bind(fs, func(string) string { return "" })
	for _, p := range pinned {
		f := fs.Lookup(p.name)
		if f == nil {
			t.Errorf("no flag -%s", p.name)
			continue
		}
		if f.DefValue != p.def || !strings.Contains(f.Usage, p.env) {
			t.Errorf("flag -%s: default %q, usage %q", p.name, f.DefValue, f.Usage)
		}
	}
	// And so does the reference dump.
	var b bytes.Buffer
	config.Dump(&b)
	for _, p := range pinned {
		if !strings.Contains(b.String(), "--"+p.name+" ") || !strings.Contains(b.String(), p.env) {
			t.Errorf("Dump lacks --%s / %s", p.name, p.env)
		}
	}
}

func TestOptionEnvField(t *testing.T) {
	for _, o := range config.Options() {
		if o.Env != config.EnvName(o.Name) {
			t.Errorf("Options() %q: Env = %q, want %q", o.Name, o.Env, config.EnvName(o.Name))
		}
	}
}

func TestDefaults(t *testing.T) {
	c := config.Default()
	want := config.Config{
		Addr:             "127.0.0.1:8080",
		DataDir:          "./data",
		LogLevel:         "info",
		LockoutThreshold: 5,
		LockoutDuration:  15 * time.Minute,
		IdleTimeout:      30 * time.Minute,
		SessionLifetime:  12 * time.Hour,
		PasswordMaxAge:   90 * 24 * time.Hour,
		SecureCookies:    "auto",
		DataCipher:       "sm4",

		ImportReportRetention: 7 * 24 * time.Hour,
		ReplicaMaxLag:         5 * time.Second,
		ImportLease:           30 * time.Second,
		ReadCacheTTL:          5 * time.Minute,
	}
	if c != want {
		t.Errorf("Default() = %+v\nwant %+v", c, want)
	}
	// Resolving with nothing set gives the defaults, the data folder made absolute.
	got, err := resolve(t, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs("./data")
	want.DataDir = abs
	if got != want {
		t.Errorf("Bind with nothing set = %+v\nwant %+v", got, want)
	}
}

// resolve binds a fresh flag set, parses args and resolves with env.
func resolve(t *testing.T, args []string, env map[string]string) (config.Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("liangxin", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	r := config.Bind(fs, func(k string) string { return env[k] })
	if err := fs.Parse(args); err != nil {
		t.Fatalf("parse %v: %v", args, err)
	}
	return r()
}

func TestPrecedence(t *testing.T) {
	cases := []struct {
		name string
		args []string
		env  map[string]string
		get  func(config.Config) any
		want any
	}{
		{"default", nil, nil,
			func(c config.Config) any { return c.LockoutThreshold }, 5},
		{"env over default", nil, map[string]string{"LIANGXIN_LOCKOUT_THRESHOLD": "7"},
			func(c config.Config) any { return c.LockoutThreshold }, 7},
		{"flag over default", []string{"-lockout-threshold=9"}, nil,
			func(c config.Config) any { return c.LockoutThreshold }, 9},
		{"flag over env", []string{"-lockout-threshold", "9"}, map[string]string{"LIANGXIN_LOCKOUT_THRESHOLD": "7"},
			func(c config.Config) any { return c.LockoutThreshold }, 9},
		{"flag set to the default still beats env", []string{"-lockout-threshold=5"}, map[string]string{"LIANGXIN_LOCKOUT_THRESHOLD": "7"},
			func(c config.Config) any { return c.LockoutThreshold }, 5},
		{"empty env is unset", nil, map[string]string{"LIANGXIN_ADDR": ""},
			func(c config.Config) any { return c.Addr }, "127.0.0.1:8080"},
		{"env string", nil, map[string]string{"LIANGXIN_ADDR": ":9000"},
			func(c config.Config) any { return c.Addr }, ":9000"},
		{"env minutes", nil, map[string]string{"LIANGXIN_IDLE_TIMEOUT_MINUTES": "10"},
			func(c config.Config) any { return c.IdleTimeout }, 10 * time.Minute},
		{"flag hours over env", []string{"-session-lifetime-hours=8"}, map[string]string{"LIANGXIN_SESSION_LIFETIME_HOURS": "24"},
			func(c config.Config) any { return c.SessionLifetime }, 8 * time.Hour},
		{"rotation off", nil, map[string]string{"LIANGXIN_PASSWORD_MAX_AGE_DAYS": "0"},
			func(c config.Config) any { return c.PasswordMaxAge }, time.Duration(0)},
		{"lockout minutes", []string{"-lockout-minutes=30"}, nil,
			func(c config.Config) any { return c.LockoutDuration }, 30 * time.Minute},
		{"bool env", nil, map[string]string{"LIANGXIN_TRUST_PROXY": "true"},
			func(c config.Config) any { return c.TrustProxy }, true},
		{"bool flag over env", []string{"-trust-proxy=false"}, map[string]string{"LIANGXIN_TRUST_PROXY": "true"},
			func(c config.Config) any { return c.TrustProxy }, false},
		{"enum", nil, map[string]string{"LIANGXIN_SECURE_COOKIES": "always"},
			func(c config.Config) any { return c.SecureCookies }, "always"},
		{"log level", []string{"-log-level", "debug"}, map[string]string{"LIANGXIN_LOG_LEVEL": "error"},
			func(c config.Config) any { return c.LogLevel }, "debug"},
		{"db url from env", nil, map[string]string{"LIANGXIN_DB": "postgres://u@h/db"},
			func(c config.Config) any { return c.DB }, "postgres://u@h/db"},
		{"flag can empty a string env", []string{"-jurisdiction="}, map[string]string{"LIANGXIN_JURISDICTION": "430426"},
			func(c config.Config) any { return c.Jurisdiction }, ""},
		{"whitespace around numbers", nil, map[string]string{"LIANGXIN_LOCKOUT_THRESHOLD": " 6 "},
			func(c config.Config) any { return c.LockoutThreshold }, 6},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := resolve(t, c.args, c.env)
			if err != nil {
				t.Fatal(err)
			}
			if v := c.get(got); v != c.want {
				t.Errorf("got %v, want %v", v, c.want)
			}
		})
	}
}

func TestDataDirMadeAbsolute(t *testing.T) {
	got, err := resolve(t, []string{"-data", "rel/dir"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := filepath.Abs("rel/dir")
	if got.DataDir != want || !filepath.IsAbs(got.DataDir) {
		t.Errorf("DataDir = %q, want %q", got.DataDir, want)
	}
}

func TestBadValuesNameTheOption(t *testing.T) {
	cases := []struct {
		args []string
		env  map[string]string
		name string // option the error must name
	}{
		{nil, map[string]string{"LIANGXIN_LOCKOUT_THRESHOLD": "abc"}, "lockout-threshold"},
		{nil, map[string]string{"LIANGXIN_LOCKOUT_THRESHOLD": "0"}, "lockout-threshold"},
		{[]string{"-lockout-threshold=-1"}, nil, "lockout-threshold"},
		{[]string{"-password-max-age-days=x"}, nil, "password-max-age-days"},
		{nil, map[string]string{"LIANGXIN_PASSWORD_MAX_AGE_DAYS": "-1"}, "password-max-age-days"},
		{nil, map[string]string{"LIANGXIN_IDLE_TIMEOUT_MINUTES": "0"}, "idle-timeout-minutes"},
		{[]string{"-session-lifetime-hours=1.5"}, nil, "session-lifetime-hours"},
		{nil, map[string]string{"LIANGXIN_LOCKOUT_MINUTES": "15m"}, "lockout-minutes"},
		{nil, map[string]string{"LIANGXIN_IMPORT_REPORT_RETENTION_DAYS": "0"}, "import-report-retention-days"},
		{nil, map[string]string{"LIANGXIN_LOG_LEVEL": "verbose"}, "log-level"},
		{nil, map[string]string{"LIANGXIN_SECURE_COOKIES": "sometimes"}, "secure-cookies"},
		{nil, map[string]string{"LIANGXIN_TRUST_PROXY": "yes please"}, "trust-proxy"},
		{nil, map[string]string{"LIANGXIN_DATA_CIPHER": "des"}, "data-cipher"},
		{nil, map[string]string{"LIANGXIN_REPLICA_MAX_LAG_SECONDS": "0"}, "replica-max-lag-seconds"},
		// A replica needs PostgreSQL on both sides.
		{[]string{"-db-replica=postgres://r/db"}, nil, "db-replica"},
		{[]string{"-db=postgres://p/db", "-db-replica=mysql://r/db"}, nil, "db-replica"},
		// A bad env value is an error even if a flag for another option is fine.
		{[]string{"-addr=:1"}, map[string]string{"LIANGXIN_LOCKOUT_THRESHOLD": "abc"}, "lockout-threshold"},
	}
	for _, c := range cases {
		_, err := resolve(t, c.args, c.env)
		if err == nil {
			t.Errorf("args %v env %v: no error", c.args, c.env)
			continue
		}
		if !strings.Contains(err.Error(), c.name) || !strings.Contains(err.Error(), config.EnvName(c.name)) {
			t.Errorf("args %v env %v: error %q does not name %s (%s)", c.args, c.env, err, c.name, config.EnvName(c.name))
		}
	}
	// A bad env value is overridden by a good flag.
	if _, err := resolve(t, []string{"-lockout-threshold=3"}, map[string]string{"LIANGXIN_LOCKOUT_THRESHOLD": "abc"}); err != nil {
		t.Errorf("flag did not override a bad env value: %v", err)
	}
}

func TestFromEnv(t *testing.T) {
	t.Setenv("LIANGXIN_IDLE_TIMEOUT_MINUTES", "12")
	t.Setenv("LIANGXIN_SECURE_COOKIES", "never")
	c, err := config.FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	if c.IdleTimeout != 12*time.Minute || c.SecureCookies != "never" {
		t.Errorf("FromEnv = %+v", c)
	}
	t.Setenv("LIANGXIN_LOCKOUT_THRESHOLD", "abc")
	if _, err := config.FromEnv(); err == nil || !strings.Contains(err.Error(), "lockout-threshold") {
		t.Errorf("FromEnv with a bad threshold: %v", err)
	}
}

// A replica beside the embedded SQLite file is refused in Chinese, naming
// the option; beside PostgreSQL it is taken with its lag limit.
func TestReplicaSettings(t *testing.T) {
	_, err := resolve(t, []string{"-db-replica=postgres://u@127.0.0.1:5434/liangxin"}, nil)
	if err == nil || !strings.Contains(err.Error(), "内置 SQLite") {
		t.Fatalf("replica with SQLite: %v", err)
	}
	c, err := resolve(t, []string{"-db=postgres://u@127.0.0.1:5433,127.0.0.1:5434/liangxin?target_session_attrs=read-write",
		"-db-replica=postgres://u@127.0.0.1:5434/liangxin"}, map[string]string{"LIANGXIN_REPLICA_MAX_LAG_SECONDS": "12"})
	if err != nil {
		t.Fatal(err)
	}
	if c.DBReplica != "postgres://u@127.0.0.1:5434/liangxin" || c.ReplicaMaxLag != 12*time.Second {
		t.Fatalf("replica %q max lag %v", c.DBReplica, c.ReplicaMaxLag)
	}
	if d := config.Default(); d.DBReplica != "" || d.ReplicaMaxLag != 5*time.Second {
		t.Fatalf("defaults: replica %q max lag %v", d.DBReplica, d.ReplicaMaxLag)
	}
}
