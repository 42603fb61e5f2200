// Command dump writes the generated OpenAPI document to standard output, for
// the linter (make openapi-lint).
package main

import (
	"encoding/json"
	"os"

	"liangxin/internal/httpapi"
)

func main() {
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode((&httpapi.Server{Version: "dev"}).OpenAPI()); err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(1)
	}
}
