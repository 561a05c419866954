package main

import (
	"context"
	"regexp"
	"strings"
	"testing"
)

func TestDemoLoadsASampleCompanyOnceAndSignInWorks(t *testing.T) {
	dir := t.TempDir()
	var out, errOut syncBuffer
	if err := run(context.Background(), []string{"demo", "--customers", "12", "--data-dir", dir}, strings.NewReader(""), &out, &errOut); err != nil {
		t.Fatalf("demo: %v", err)
	}
	m := regexp.MustCompile(`password (\S+) `).FindStringSubmatch(out.String())
	if m == nil || !strings.Contains(out.String(), "18 users and 12 customers") {
		t.Fatalf("demo output: %s", out.String())
	}
	err := run(context.Background(), []string{"demo", "--data-dir", dir}, strings.NewReader(""), &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "empty database") {
		t.Errorf("a second demo: %v, want a refusal", err)
	}
	var verify syncBuffer
	if err := run(context.Background(), []string{"audit", "verify", "--data-dir", dir}, strings.NewReader(""), &verify, &errOut); err != nil {
		t.Errorf("audit verify after demo: %v", err)
	}
}
