package cli

import (
	"context"
	"flag"
	"fmt"
	"time"

	"liangxin/internal/app"
	"liangxin/internal/config"
	demodata "liangxin/internal/demo"
)

// demo loads the demonstration jurisdiction into an empty ledger.
func demo(ctx context.Context, args []string, env Env) error {
	var seed *uint64
	own := func(fs *flag.FlagSet) {
		seed = fs.Uint64("seed", 1, "随机种子：同一种子在同一天生成相同的演示数据")
	}
	return onApp(ctx, "demo", args, env, own, func(a *app.App, cfg config.Config) error {
		// A fresh ledger without --jurisdiction becomes 祁东县.
		j, err := ensureJurisdiction(ctx, a, cfg.Jurisdiction, demodata.DefaultJurisdiction)
		if err != nil {
			return err
		}
		if err := demodata.CheckEmpty(ctx, a); err != nil {
			return err
		}
		if err := announce(ctx, a, env, j); err != nil {
			return err
		}
		start := time.Now()
		sum, err := demodata.Load(ctx, a, demodata.Options{Seed: *seed})
		if err != nil {
			return fmt.Errorf("载入演示数据失败（已写入的部分保留在台账中，请换用新的数据目录或数据库重试）：%w", err)
		}
		sum.Print(env.Stdout)
		fmt.Fprintf(env.Stdout, "用时 %.1f 秒\n", time.Since(start).Seconds())
		return nil
	})
}
