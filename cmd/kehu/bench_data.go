package main

import (
	"context"
	"io"
)

// benchData is `kehu bench data`.
func benchData(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return usageError{"kehu bench data is not built yet"}
}
