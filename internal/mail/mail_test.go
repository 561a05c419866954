package mail_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/mail"
	"github.com/kehucrm/kehu/internal/mail/mailtest"
)

func TestParseURL(t *testing.T) {
	m, err := mail.ParseURL("smtp://kehu%40example.com:p%40ss@smtp.example.com?from=kehu@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if m.Addr != "smtp.example.com:587" || m.Host != "smtp.example.com" || m.User != "kehu@example.com" || m.Pass != "p@ss" || m.From != "kehu@example.com" {
		t.Errorf("parsed %+v", m)
	}
	if strings.Contains(m.Redacted(), "p%40ss") || strings.Contains(m.Redacted(), "p@ss") {
		t.Errorf("the redacted URL shows the password: %s", m.Redacted())
	}
	for _, bad := range []string{"http://host?from=a@b.c", "smtp://?from=a@b.c", "smtp://host:25", "smtp://host:25?from=nobody", "::"} {
		if _, err := mail.ParseURL(bad); err == nil {
			t.Errorf("%q was accepted", bad)
		}
	}
}

func TestSendUsesSTARTTLSAndPlainAuth(t *testing.T) {
	srv := mailtest.Start(t, "kehu", "s3cret")
	m, err := mail.ParseURL("smtp://kehu:s3cret@" + srv.Addr + "?from=kehu@example.com")
	if err != nil {
		t.Fatal(err)
	}
	m.TLS = srv.ClientTLS
	if err := m.Send(context.Background(), mail.Message{To: "wang@example.com", Subject: "客诉 202611-0001 已逾期", Body: "第一行\n第二行"}); err != nil {
		t.Fatal(err)
	}
	got := srv.Wait(1, 5*time.Second)
	if len(got) != 1 || !got[0].TLS || !got[0].Authed || got[0].To != "wang@example.com" || got[0].Subject != "客诉 202611-0001 已逾期" || got[0].Body != "第一行\n第二行" {
		t.Fatalf("received %+v", got)
	}
	wrong, _ := mail.ParseURL("smtp://kehu:wrong@" + srv.Addr + "?from=kehu@example.com")
	wrong.TLS = srv.ClientTLS
	if err := wrong.Send(context.Background(), mail.Message{To: "wang@example.com", Subject: "x", Body: "x"}); err == nil || !strings.Contains(err.Error(), "auth") {
		t.Errorf("a wrong password = %v", err)
	}
	if err := m.Send(context.Background(), mail.Message{To: "not an address", Subject: "x", Body: "x"}); err == nil {
		t.Errorf("a bad recipient was accepted")
	}
	m.TLS = nil // the system roots do not trust the test certificate
	if err := m.Send(context.Background(), mail.Message{To: "wang@example.com", Subject: "x", Body: "x"}); err == nil || !strings.Contains(err.Error(), "starttls") {
		t.Errorf("an untrusted certificate = %v", err)
	}
}
