package cli

import (
	"context"
	"flag"

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
