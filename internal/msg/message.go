package msg

// Message is a text not yet rendered: a catalogue key and its arguments.
// The domain returns Messages (in errors and field errors) and the edge
// renders them in the language of the request, so that one response
// speaks one language whoever produced its parts.
type Message struct {
	Key  string
	Args []any
}

// Localizer is a value that renders itself in a language, such as
// cn.Problem and secure.Violation; as an argument of a Message it is
// rendered in the Message's language.
type Localizer interface {
	Message(lang string) string
}

// M returns the Message for key with args. An argument that is a Message
// or a Localizer is rendered in the same language as the whole.
func M(key string, args ...any) Message { return Message{Key: key, Args: args} }

// Of returns a Message that renders l (a cn.Problem, say) in the language
// asked for, for texts whose translations live outside the catalogue's keys.
func Of(l Localizer) Message { return Message{Args: []any{l}} }

// Plain returns a Message that renders s unchanged in every language: for
// text that is the users' own (a name, a code) and needs no translation.
func Plain(s string) Message { return Message{Args: []any{s}} }

// IsZero reports whether m holds no text at all.
func (m Message) IsZero() bool { return m.Key == "" && len(m.Args) == 0 }

// In renders m in lang (normalised by Lang) from the embedded catalogue.
func (m Message) In(lang string) string {
	c, err := Load()
	if err != nil {
		return "⟦" + m.Key + "⟧"
	}
	return c.Render(lang, m)
}

// Render renders m in lang: its arguments first (Messages and Localizers in
// the same lang), then the text of its key. A Message without a key is its
// one argument, as Of and Plain make it.
func (c *Catalogue) Render(lang string, m Message) string {
	args := make([]any, len(m.Args))
	for i, a := range m.Args {
		switch a := a.(type) {
		case Message:
			args[i] = c.Render(lang, a)
		case Localizer:
			args[i] = a.Message(lang)
		default:
			args[i] = a
		}
	}
	if m.Key == "" {
		if len(args) == 1 {
			if s, ok := args[0].(string); ok {
				return s
			}
		}
		return ""
	}
	return c.Text(lang, m.Key, args...)
}
