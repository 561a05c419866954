// Package mailtest is a small real SMTP server on a loopback listener for
// tests: EHLO, STARTTLS (with a throwaway certificate), AUTH PLAIN, MAIL,
// RCPT, DATA, RSET, NOOP, QUIT. It keeps what it receives, decoded.
package mailtest

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"io"
	"math/big"
	"mime"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"
)

// Message is a received e-mail.
type Message struct {
	From, To      string
	Subject, Body string
	TLS, Authed   bool
}

// Server is the test SMTP server.
type Server struct {
	Addr string
	User string
	Pass string
	// ClientTLS trusts the server's certificate, for mail.SMTP.TLS.
	ClientTLS *tls.Config

	ln      net.Listener
	tls     *tls.Config
	mu      sync.Mutex
	msgs    []Message
	reject  bool
	arrived chan struct{}
}

// Start starts a server that offers STARTTLS and wants AUTH PLAIN with
// user and pass; it stops when the test ends.
func Start(t testing.TB, user, pass string) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srvTLS, pool := certificate(t)
	s := &Server{Addr: ln.Addr().String(), User: user, Pass: pass, ln: ln, tls: srvTLS, arrived: make(chan struct{}, 1000),
		ClientTLS: &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}}
	go s.serve()
	t.Cleanup(func() { ln.Close() })
	return s
}

// Reject makes the server refuse (or, false, accept again) every message.
func (s *Server) Reject(on bool) {
	s.mu.Lock()
	s.reject = on
	s.mu.Unlock()
}

// Messages returns what arrived so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Wait waits until n messages arrived in all, or the timeout passes, and
// returns what arrived.
func (s *Server) Wait(n int, timeout time.Duration) []Message {
	end := time.After(timeout)
	for {
		if m := s.Messages(); len(m) >= n {
			return m
		}
		select {
		case <-s.arrived:
		case <-end:
			return s.Messages()
		}
	}
}

func (s *Server) serve() {
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		go s.session(conn)
	}
}

func (s *Server) session(conn net.Conn) {
	defer func() { conn.Close() }()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	r, w := bufio.NewReader(conn), bufio.NewWriter(conn)
	say := func(line string) { w.WriteString(line + "\r\n"); w.Flush() }
	say("220 127.0.0.1 mailtest ready")
	var secure, authed bool
	var from string
	var to []string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb := strings.ToUpper(strings.SplitN(line, " ", 2)[0])
		arg := strings.TrimSpace(strings.TrimPrefix(line, strings.SplitN(line, " ", 2)[0]))
		switch verb {
		case "EHLO", "HELO":
			w.WriteString("250-127.0.0.1 hello\r\n")
			if !secure {
				w.WriteString("250-STARTTLS\r\n")
			}
			say("250 AUTH PLAIN")
		case "STARTTLS":
			say("220 go ahead")
			tc := tls.Server(conn, s.tls)
			if err := tc.Handshake(); err != nil {
				return
			}
			conn, secure = tc, true
			r, w = bufio.NewReader(tc), bufio.NewWriter(tc)
			say = func(line string) { w.WriteString(line + "\r\n"); w.Flush() }
		case "AUTH":
			parts := strings.Fields(arg)
			if len(parts) != 2 || strings.ToUpper(parts[0]) != "PLAIN" {
				say("504 only AUTH PLAIN with an initial response")
				continue
			}
			b, _ := base64.StdEncoding.DecodeString(parts[1])
			f := strings.Split(string(b), "\x00")
			if len(f) == 3 && f[1] == s.User && f[2] == s.Pass {
				authed = true
				say("235 ok")
			} else {
				say("535 bad credentials")
			}
		case "MAIL":
			if s.User != "" && !authed {
				say("530 authenticate first")
				continue
			}
			from, to = addr(arg), nil
			say("250 ok")
		case "RCPT":
			to = append(to, addr(arg))
			say("250 ok")
		case "DATA":
			say("354 end with .")
			var data strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				data.WriteString(strings.TrimPrefix(l, "."))
			}
			s.mu.Lock()
			reject := s.reject
			s.mu.Unlock()
			if reject {
				say("554 rejected for the test")
				continue
			}
			m := parse(data.String())
			m.From, m.TLS, m.Authed = from, secure, authed
			s.mu.Lock()
			for _, t := range to {
				m.To = t
				s.msgs = append(s.msgs, m)
				select {
				case s.arrived <- struct{}{}:
				default:
				}
			}
			s.mu.Unlock()
			say("250 queued")
		case "RSET", "NOOP":
			say("250 ok")
		case "QUIT":
			say("221 bye")
			return
		default:
			say("502 not implemented")
		}
	}
}

func addr(arg string) string {
	if i, j := strings.IndexByte(arg, '<'), strings.IndexByte(arg, '>'); i >= 0 && j > i {
		return arg[i+1 : j]
	}
	return arg
}

func parse(raw string) Message {
	msg, err := mail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		return Message{Body: raw}
	}
	var dec mime.WordDecoder
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		subject = msg.Header.Get("Subject")
	}
	var body []byte
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "base64") {
		body, _ = io.ReadAll(base64.NewDecoder(base64.StdEncoding, msg.Body))
	} else {
		body, _ = io.ReadAll(msg.Body)
	}
	return Message{Subject: subject, Body: strings.ReplaceAll(string(body), "\r\n", "\n")}
}

// certificate makes a throwaway certificate for 127.0.0.1.
func certificate(t testing.TB) (*tls.Config, *x509.CertPool) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mailtest"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, BasicConstraintsValid: true, IsCA: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}, MinVersion: tls.VersionTLS12}, pool
}
