package main

import (
	"context"
	"io"
)

// importCmd is `kehu import customers FILE`.
func importCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return usageError{"kehu import is not built yet"}
}
