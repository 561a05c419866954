// Package sms sends text messages through an SMS platform's HTTP API: the
// adapter behind care's SMSProvider (greetings) and event invitations.
package sms

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// HTTP is an SMS gateway reached by a JSON POST, the shape most
// Chinese SMS platforms' HTTP APIs take: {"mobile","content"} in, and
// {"code":0,"message_id":"…"} out (code other than 0: refused, with
// "message"). Token, when set, goes in Authorization as a bearer token.
type HTTP struct {
	URL    string
	Token  string
	Client *http.Client // nil: 10 s timeout
}

type smsReply struct {
	Code      int    `json:"code"`
	Message   string `json:"message"`
	MessageID string `json:"message_id"`
}

// SendSMS posts the message and reads the gateway's answer.
func (h *HTTP) SendSMS(ctx context.Context, mobile, text string) (string, error) {
	body, _ := json.Marshal(map[string]string{"mobile": mobile, "content": text})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("sms: %w", err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	if h.Token != "" {
		req.Header.Set("Authorization", "Bearer "+h.Token)
	}
	c := h.Client
	if c == nil {
		c = &http.Client{Timeout: 10 * time.Second}
	}
	res, err := c.Do(req)
	if err != nil {
		return "", fmt.Errorf("sms: %w", err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if res.StatusCode/100 != 2 {
		return "", fmt.Errorf("sms: gateway answered %d", res.StatusCode)
	}
	var r smsReply
	if err := json.Unmarshal(raw, &r); err != nil {
		return "", fmt.Errorf("sms: unreadable answer: %w", err)
	}
	if r.Code != 0 {
		if r.Message == "" {
			r.Message = "refused"
		}
		return "", fmt.Errorf("sms: gateway code %d: %s", r.Code, r.Message)
	}
	if r.MessageID == "" {
		return "", errors.New("sms: the gateway gave no message_id")
	}
	return r.MessageID, nil
}
