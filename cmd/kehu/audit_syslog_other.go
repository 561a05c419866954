//go:build windows || plan9

package main

import (
	"errors"

	"github.com/kehucrm/kehu/internal/crm/audit"
)

func sendSyslog(audit.Checkpoint) error { return errors.New("no syslog on this system") }
