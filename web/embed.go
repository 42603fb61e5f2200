// Package web embeds the built user interface.
package web

import "embed"

// Dist holds the built UI (web/dist).
//
//go:embed all:dist
var Dist embed.FS
