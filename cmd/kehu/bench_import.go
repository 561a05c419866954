package main

import (
	"context"
	"io"
)

// benchImport is `kehu bench import`.
func benchImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return usageError{"kehu bench import is not built yet"}
}
