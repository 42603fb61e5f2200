package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
	"strings"
	"time"

	"liangxin/internal/apperr"
	"liangxin/internal/gen"
	"liangxin/internal/store"
)

// genCmd fills an empty database with a generated ledger (internal/gen).
func genCmd(ctx context.Context, args []string, env Env) error {
	fs, resolve := flags("gen", env)
	var names []string
	for _, p := range gen.Presets() {
		names = append(names, p.Name)
	}
	preset := fs.String("preset", "small", "规模预设："+strings.Join(names, "、")+"（county 为 430426 的一百万个两新组织；province 为 43 湖南省的一百万个两新组织、二十万个党组织、三百万名党员、十年历史；10m 为一千万个两新组织）")
	orgs := fs.Int("orgs", 0, "两新组织数量（覆盖预设）")
	party := fs.Int("party-orgs", 0, "党组织数量（覆盖预设）")
	members := fs.Int("members", 0, "党员数量（覆盖预设）")
	years := fs.Int("years", 0, "历史年数（覆盖预设）")
	seed := fs.Uint64("seed", 1, "随机种子：同一种子、规模和日期生成相同的台账")
	cpuProfile := fs.String("cpuprofile", "", "将生成过程的 CPU 性能剖析写入此文件（排查性能用，可用 go tool pprof 查看）")
	cfg, err := setup(fs, resolve, args)
	if err != nil {
		return err
	}
	p, ok := gen.PresetByName(*preset)
	if !ok {
		return fmt.Errorf("未知的规模预设 %q，可选：%s", *preset, strings.Join(names, "、"))
	}
	o := p.Options
	o.Seed = *seed
	o.Log = env.Stdout
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "orgs":
			o.Orgs = *orgs
		case "party-orgs":
			o.PartyOrgs = *party
		case "members":
			o.Members = *members
		case "years":
			o.Years = *years
		}
	})
	a, release, err := openExclusive(ctx, cfg, env)
	if err != nil {
		return err
	}
	defer release()
	defer func() {
		if a != nil {
			a.Close()
		}
	}()
	j, err := ensureJurisdiction(ctx, a, cfg.Jurisdiction, p.Jurisdiction)
	if err != nil {
		return err
	}
	if err := announce(ctx, a, env, j); err != nil {
		return err
	}
	db, prot := a.DB, a.Prot
	if db.Dialect == store.SQLite {
		// A fresh handle whose transaction pool has never connected, so that
		// the load can switch the journal off (gen.Run).
		path := db.Path
		a.Close()
		a = nil
		if db, err = store.OpenSQLite(ctx, path); err != nil {
			return err
		}
		defer db.Close()
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	sum, err := gen.Run(ctx, db, prot, o)
	if err != nil {
		if _, ok := apperr.As(err); ok {
			return err
		}
		return fmt.Errorf("生成数据失败（请换用新的数据目录或数据库重试）：%w", err)
	}
	sum.Print(env.Stdout)
	fmt.Fprintf(env.Stdout, "共用时 %.1f 秒\n", time.Since(start).Seconds())
	return nil
}
