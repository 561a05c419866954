package msg

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strings"
)

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

// MarshalJSON writes m as {"k":key,"a":[args]}, the form in which stored
// texts (an import's report, a notice) keep it, so that they are rendered
// in the reader's language when read rather than the writer's when
// written. Strings, numbers and booleans are kept as they are (named
// string and number types as their underlying value), a Message argument
// nested, and a Localizer, whose translations live outside the catalogue,
// as its text in each of Langs ({"t":{"zh-CN":…,"en":…}}). Anything else
// is kept as the string fmt makes of it.
func (m Message) MarshalJSON() ([]byte, error) {
	w := wireMessage{Key: m.Key}
	for _, a := range m.Args {
		w.Args = append(w.Args, wireArg(a))
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads what MarshalJSON wrote. Numbers come back as int
// when they are whole (so %d still formats them), else as float64.
func (m *Message) UnmarshalJSON(b []byte) error {
	var w struct {
		Key  string            `json:"k"`
		Args []json.RawMessage `json:"a"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*m = Message{Key: w.Key}
	for _, raw := range w.Args {
		a, err := readArg(raw)
		if err != nil {
			return err
		}
		m.Args = append(m.Args, a)
	}
	return nil
}

// wireMessage is a Message as JSON.
type wireMessage struct {
	Key  string `json:"k,omitempty"`
	Args []any  `json:"a,omitempty"`
}

// byLang is a Localizer read back from JSON: its text in each language.
type byLang map[string]string

// Message returns the text in lang, or in the default language.
func (t byLang) Message(lang string) string { return t[Lang(lang)] }

// wireArg is the JSON form of one argument of a Message.
func wireArg(a any) any {
	switch a := a.(type) {
	case nil, string, bool, int, int64, float64:
		return a
	case Message:
		return a // its own MarshalJSON
	case Localizer:
		t := map[string]string{}
		for _, l := range Langs() {
			t[l] = a.Message(l)
		}
		return map[string]any{"t": t}
	}
	v := reflect.ValueOf(a)
	switch v.Kind() {
	case reflect.String:
		return v.String()
	case reflect.Bool:
		return v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return v.Uint()
	case reflect.Float32, reflect.Float64:
		return v.Float()
	}
	return fmt.Sprint(a)
}

// readArg reads one argument written by wireArg.
func readArg(raw json.RawMessage) (any, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	switch v := v.(type) {
	case json.Number:
		if i, err := v.Int64(); err == nil && i >= math.MinInt && i <= math.MaxInt {
			return int(i), nil
		}
		return v.Float64()
	case map[string]any:
		if t, ok := v["t"].(map[string]any); ok {
			texts := byLang{}
			for l, s := range t {
				texts[l], _ = s.(string)
			}
			return texts, nil
		}
		var m Message
		err := json.Unmarshal(raw, &m)
		return m, err
	}
	return v, nil
}

// Coded names a code (a status, a role) inside a message: the code itself
// in English, which API clients read back, and in other languages the
// catalogue's name for it under Key with the code in brackets, so the
// sentence stays in one language.
type Coded struct{ Code, Key string }

// Message renders the code in lang.
func (c Coded) Message(lang string) string {
	if Lang(lang) == En {
		return c.Code
	}
	return Text(lang, c.Key) + "（" + c.Code + "）"
}

// CodedList names several codes as Coded does, in a list of lang.
type CodedList []Coded

// Codes names codes whose catalogue names are keyPrefix+code.
func Codes[S ~string](keyPrefix string, codes ...S) CodedList {
	out := make(CodedList, len(codes))
	for i, c := range codes {
		out[i] = Coded{Code: string(c), Key: keyPrefix + string(c)}
	}
	return out
}

// Message renders the codes in lang.
func (l CodedList) Message(lang string) string {
	out := make([]string, len(l))
	for i, c := range l {
		out[i] = c.Message(lang)
	}
	if Lang(lang) == En {
		return strings.Join(out, ", ")
	}
	return strings.Join(out, "、")
}
