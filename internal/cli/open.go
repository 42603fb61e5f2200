package cli

import (
	"context"
	"flag"
	"fmt"

	"liangxin/internal/actor"
	"liangxin/internal/app"
	"liangxin/internal/config"
	"liangxin/internal/store"
)

// The set-up every command repeats, in one place: parse the command's
// arguments (its own flags already on fs) with the configuration options,
// then open what it works on — the whole application (openApp) or the bare
// database for the read-only checks (openDB).

// setup parses args into fs and resolves the configuration.
func setup(fs *flag.FlagSet, resolve func() (config.Config, error), args []string) (config.Config, error) {
	if err := fs.Parse(args); err != nil {
		return config.Config{}, err
	}
	return resolve()
}

// open opens the configured application, logging to the command's
// standard error; the caller closes it.
func open(ctx context.Context, cfg config.Config, env Env) (*app.App, error) {
	return app.Open(ctx, cfg, app.NewLogger(env.Stderr, cfg.LogLevel))
}

// onApp runs a command of one shape: parse args with the configuration
// options and the command's own flags (added to fs by own; nil for none),
// open the configured application, do the command's job on it and close
// it. job reports on the command's standard output itself.
func onApp(ctx context.Context, name string, args []string, env Env, own func(fs *flag.FlagSet), job func(a *app.App, cfg config.Config) error) error {
	fs, resolve := flags(name, env)
	if own != nil {
		own(fs)
	}
	cfg, err := setup(fs, resolve, args)
	if err != nil {
		return err
	}
	return withApp(ctx, cfg, env, func(a *app.App) error { return job(a, cfg) })
}

// withApp opens the configured application, does job on it and closes it.
func withApp(ctx context.Context, cfg config.Config, env Env, job func(a *app.App) error) error {
	a, err := open(ctx, cfg, env)
	if err != nil {
		return err
	}
	defer a.Close()
	return job(a)
}

// openExclusive is open for the commands that must be the only process on
// the bundled SQLite database (serve, gen): it first locks the data
// directory. release closes the lock (after the application).
func openExclusive(ctx context.Context, cfg config.Config, env Env) (a *app.App, release func(), err error) {
	release = func() {}
	if cfg.DB == "" {
		lock, err := app.LockDataDir(cfg.DataDir)
		if err != nil {
			return nil, release, err
		}
		release = func() { lock.Close() }
	}
	a, err = open(ctx, cfg, env)
	if err != nil {
		release()
		return nil, func() {}, err
	}
	return a, release, nil
}

// openDB opens the configured database alone and checks that its schema is
// the one this build expects (the checks that read the journals); the
// caller closes it.
func openDB(ctx context.Context, cfg config.Config) (*store.DB, error) {
	db, err := store.Open(ctx, cfg.DB, cfg.DataDir)
	if err != nil {
		return nil, err
	}
	if err := db.CheckSchema(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// ensureJurisdiction sets up the jurisdiction a loading command (demo, gen)
// fills: want (--jurisdiction), else the one already set, else fallback.
func ensureJurisdiction(ctx context.Context, a *app.App, want, fallback string) (string, error) {
	if want == "" {
		cur, err := a.Regions.Jurisdiction(actor.System(ctx, "cli"))
		if err != nil {
			return "", err
		}
		if want = cur; want == "" {
			want = fallback
		}
	}
	return a.EnsureJurisdiction(ctx, want)
}

// announce prints the jurisdiction j a loading command (demo, gen) fills,
// creates the administrators (三员) that do not exist yet and prints their
// one-time passwords.
func announce(ctx context.Context, a *app.App, env Env, j string) error {
	full, _ := a.Regions.FullName(actor.System(ctx, "bootstrap"), j)
	fmt.Fprintf(env.Stdout, "辖区：%s %s\n", j, full)
	created, err := a.Bootstrap(ctx)
	if err != nil {
		return err
	}
	printBootstrap(env, created)
	return nil
}
