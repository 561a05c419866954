// Package mail sends Kehu's e-mail through an SMTP server: STARTTLS when
// the server offers it, PLAIN authentication when a user is given. The
// SLA job drains the mail outbox through a Mailer.
package mail

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/mail"
	"net/smtp"
	"net/url"
	"strings"
	"time"
)

// Message is one plain-text e-mail to one recipient.
type Message struct {
	To      string
	Subject string
	Body    string
}

// Mailer sends a message.
type Mailer interface {
	Send(ctx context.Context, m Message) error
}

// SMTP sends through an SMTP server.
type SMTP struct {
	Addr string // host:port
	Host string // the name the server's certificate carries
	User string
	Pass string
	From string
	// TLS is the configuration of STARTTLS; nil means the system roots
	// and Host as the server name.
	TLS *tls.Config
	// Timeout bounds one whole send; 30 s when zero.
	Timeout time.Duration
}

// ParseURL reads smtp://user:pass@host:port?from=kehu@example.com (port
// 587 when missing; user and password optional, percent-encoded).
func ParseURL(raw string) (*SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("smtp url: %w", err)
	}
	if u.Scheme != "smtp" {
		return nil, errors.New("smtp url: the scheme must be smtp://")
	}
	if u.Hostname() == "" {
		return nil, errors.New("smtp url: no host")
	}
	port := u.Port()
	if port == "" {
		port = "587"
	}
	s := &SMTP{Addr: net.JoinHostPort(u.Hostname(), port), Host: u.Hostname()}
	if u.User != nil {
		s.User = u.User.Username()
		s.Pass, _ = u.User.Password()
	}
	from := u.Query().Get("from")
	if from == "" {
		return nil, errors.New("smtp url: give the sender as ?from=kehu@example.com")
	}
	if _, err := mail.ParseAddress(from); err != nil {
		return nil, fmt.Errorf("smtp url: from: %w", err)
	}
	s.From = from
	return s, nil
}

// Redacted is the URL without its password, for logs.
func (s *SMTP) Redacted() string {
	u := url.URL{Scheme: "smtp", Host: s.Addr, RawQuery: url.Values{"from": {s.From}}.Encode()}
	if s.User != "" {
		u.User = url.User(s.User)
	}
	return u.String()
}

// Send delivers m: EHLO, STARTTLS if offered, AUTH PLAIN if a user is set
// (net/smtp refuses it without TLS except to localhost), MAIL, RCPT, DATA.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	if _, err := mail.ParseAddress(m.To); err != nil {
		return fmt.Errorf("mail: recipient %q: %w", m.To, err)
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.Addr)
	if err != nil {
		return fmt.Errorf("mail: dial %s: %w", s.Addr, err)
	}
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	c, err := smtp.NewClient(conn, s.Host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("mail: %w", err)
	}
	defer c.Close()
	if err := c.Hello("kehu"); err != nil {
		return fmt.Errorf("mail: hello: %w", err)
	}
	if ok, _ := c.Extension("STARTTLS"); ok {
		cfg := s.TLS
		if cfg == nil {
			cfg = &tls.Config{ServerName: s.Host, MinVersion: tls.VersionTLS12}
		}
		if err := c.StartTLS(cfg); err != nil {
			return fmt.Errorf("mail: starttls: %w", err)
		}
	}
	if s.User != "" {
		if err := c.Auth(smtp.PlainAuth("", s.User, s.Pass, s.Host)); err != nil {
			return fmt.Errorf("mail: auth: %w", err)
		}
	}
	from, _ := mail.ParseAddress(s.From)
	to, _ := mail.ParseAddress(m.To)
	if err := c.Mail(from.Address); err != nil {
		return fmt.Errorf("mail: from: %w", err)
	}
	if err := c.Rcpt(to.Address); err != nil {
		return fmt.Errorf("mail: to: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("mail: data: %w", err)
	}
	if _, err := w.Write(Compose(s.From, m, time.Now())); err != nil {
		return fmt.Errorf("mail: data: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("mail: data: %w", err)
	}
	return c.Quit()
}

// Compose writes m as an RFC 5322 message: UTF-8 subject as an encoded
// word, the body base64 in lines of 76.
func Compose(from string, m Message, now time.Time) []byte {
	id := make([]byte, 12)
	_, _ = rand.Read(id)
	domain := "kehu"
	if a, err := mail.ParseAddress(from); err == nil {
		if i := strings.LastIndexByte(a.Address, '@'); i >= 0 {
			domain = a.Address[i+1:]
		}
	}
	var b strings.Builder
	h := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	h("From", from)
	h("To", m.To)
	h("Subject", mime.BEncoding.Encode("UTF-8", m.Subject))
	h("Date", now.Format(time.RFC1123Z))
	h("Message-ID", "<"+hex.EncodeToString(id)+"@"+domain+">")
	h("MIME-Version", "1.0")
	h("Content-Type", "text/plain; charset=UTF-8")
	h("Content-Transfer-Encoding", "base64")
	b.WriteString("\r\n")
	enc := base64.StdEncoding.EncodeToString([]byte(strings.ReplaceAll(m.Body, "\n", "\r\n")))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return []byte(b.String())
}
