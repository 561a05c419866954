package care

import "context"

// SMSProvider sends one text message and returns the provider's id of it.
type SMSProvider interface {
	SendSMS(ctx context.Context, mobile, text string) (id string, err error)
}

// The HTTP gateway that implements SMSProvider is internal/sms (an adapter:
// the domain speaks no HTTP).
