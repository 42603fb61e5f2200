package cli

import (
	"context"
	"fmt"
	"time"

	"liangxin/internal/app"
	"liangxin/internal/config"
	"liangxin/internal/coverspan"
	"liangxin/internal/meeting"
)

// coverageRebuild recomputes the coverage spans and the pre-aggregated
// coverage counts from the ledger and says whether the counts the writers
// kept in step were the same (exit code 1 when not).
func coverageRebuild(ctx context.Context, args []string, env Env) error {
	return onApp(ctx, "coverage-rebuild", args, env, nil, func(a *app.App, _ config.Config) error {
		start := time.Now()
		res, err := coverspan.RebuildAndCompare(ctx, a.DB)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "覆盖统计已按台账重算：%d 行（重算前 %d 行），用时 %.1f 秒\n", res.After, res.Before, time.Since(start).Seconds())
		if res.Differ > 0 {
			return fmt.Errorf("重算前逐笔维护的覆盖统计有 %d 行与重算结果不一致，现已更正", res.Differ)
		}
		fmt.Fprintln(env.Stdout, "重算前逐笔维护的覆盖统计与重算结果一致")
		return nil
	})
}

// complianceRebuild recomputes the compliance slots from the meetings,
// committee terms, 党小组 and frequencies.
func complianceRebuild(ctx context.Context, args []string, env Env) error {
	return onApp(ctx, "compliance-rebuild", args, env, nil, func(a *app.App, _ config.Config) error {
		start := time.Now()
		if err := meeting.RebuildSlots(ctx, a.DB, time.Now); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "三会一课落实情况数据已按台账重算，用时 %.1f 秒\n", time.Since(start).Seconds())
		return nil
	})
}
