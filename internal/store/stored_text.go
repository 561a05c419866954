package store

import (
	"encoding/json"
	"fmt"

	"github.com/kehucrm/kehu/internal/msg"
)

// Texts a person reads later (an import's report, a notice) are stored
// as their catalogue key and arguments, in two columns beside the text
// written at the time, and rendered when read in the reader's language.

// storedText splits a text into the columns that keep it, so that it is
// rendered in its reader's language: its catalogue key and its arguments
// as JSON (see msg.Message.MarshalJSON); "" and "" for no text.
func storedText(m msg.Message) (key, args string) {
	if m.IsZero() {
		return "", ""
	}
	b, _ := json.Marshal(m) // never fails: every argument is written as a JSON value
	var parts struct {
		Args json.RawMessage `json:"a"`
	}
	_ = json.Unmarshal(b, &parts)
	return m.Key, string(parts.Args)
}

// loadText is the text storedText split; the zero Message for a row
// stored before texts were kept so, whose own message then stands.
func loadText(key, args string) (msg.Message, error) {
	var m msg.Message
	if key == "" && args == "" {
		return m, nil
	}
	whole, err := json.Marshal(struct {
		Key  string          `json:"k"`
		Args json.RawMessage `json:"a,omitempty"`
	}{key, json.RawMessage(args)})
	if err == nil {
		err = json.Unmarshal(whole, &m)
	}
	if err != nil {
		return m, fmt.Errorf("store: stored text %s: %w", key, err)
	}
	return m, nil
}
