// Command liangxin is the 两新党建综合管理平台 server and its administration tool.
package main

import (
	"context"
	"io/fs"
	"os"

	"liangxin/internal/cli"
	"liangxin/web"
)

func main() {
	ui, err := fs.Sub(web.Dist, "dist")
	if err != nil {
		ui = nil
	}
	os.Exit(cli.Run(context.Background(), os.Args[1:], cli.Env{
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, UI: ui,
	}))
}
