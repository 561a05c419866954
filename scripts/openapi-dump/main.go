// Command openapi-dump writes Kehu's merged OpenAPI document (openapi.json
// with the parts under openapi/) to the file named by its argument, for the
// tools that lint it and generate clients from it (`make openapi`).
package main

import (
	"fmt"
	"os"

	"github.com/kehucrm/kehu/internal/api"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: openapi-dump FILE")
		os.Exit(2)
	}
	if err := os.WriteFile(os.Args[1], append(api.OpenAPI, '\n'), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
