package cli

import (
	"context"
	"fmt"
	"time"

	"liangxin/internal/actor"
	demodata "liangxin/internal/demo"
)

// demo loads the demonstration jurisdiction into an empty ledger.
func demo(ctx context.Context, args []string, env Env) error {
	fs, resolve := flags("demo", env)
	seed := fs.Uint64("seed", 1, "随机种子：同一种子在同一天生成相同的演示数据")
	cfg, err := setup(fs, resolve, args)
	if err != nil {
		return err
	}
	a, err := open(ctx, cfg, env)
	if err != nil {
		return err
	}
	defer a.Close()
	sys := actor.System(ctx, "demo")
	code := cfg.Jurisdiction
	if code == "" {
		// Keep the jurisdiction already set; a fresh one becomes 祁东县.
		cur, err := a.Regions.Jurisdiction(sys)
		if err != nil {
			return err
		}
		if cur == "" {
			code = demodata.DefaultJurisdiction
		}
	}
	j, err := a.EnsureJurisdiction(ctx, code)
	if err != nil {
		return err
	}
	if err := demodata.CheckEmpty(ctx, a); err != nil {
		return err
	}
	full, _ := a.Regions.FullName(sys, j)
	fmt.Fprintf(env.Stdout, "辖区：%s %s\n", j, full)
	created, err := a.Bootstrap(ctx)
	if err != nil {
		return err
	}
	printBootstrap(env, created)
	start := time.Now()
	sum, err := demodata.Load(ctx, a, demodata.Options{Seed: *seed})
	if err != nil {
		return fmt.Errorf("载入演示数据失败（已写入的部分保留在台账中，请换用新的数据目录或数据库重试）：%w", err)
	}
	sum.Print(env.Stdout)
	fmt.Fprintf(env.Stdout, "用时 %.1f 秒\n", time.Since(start).Seconds())
	return nil
}
