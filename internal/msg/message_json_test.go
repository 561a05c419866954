package msg

import (
	"encoding/json"
	"testing"
)

// role stands for a named string type such as crm.Role.
type role string

func TestAStoredMessageRendersAsTheOriginalInEveryLanguage(t *testing.T) {
	tests := []struct {
		name string
		m    Message
	}{
		{"a key without arguments", M("crm.sign_in")},
		{"a whole number stays a number for %d", M("importer.row.max_len", 500)},
		{"a nested message is rendered in the reader's language", M("importer.row.duplicate", M("importer.key.uscc"), "C-0001 ACME")},
		{"explicit argument indexes survive", M("importer.row.duplicate_in_file", M("importer.key.name"), 7)},
		{"a named string type is kept as its string", M("crm.forbidden_action", role("gm"), "customer.create")},
		{"a localizer keeps its text in each language", M("crm.invalid_one", "uscc", problem{})},
		{"Of a localizer alone", Of(problem{})},
		{"Plain text is the same in every language", Plain("ACME 有限公司")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.m)
			if err != nil {
				t.Fatal(err)
			}
			var back Message
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatalf("%s: %v", b, err)
			}
			for _, lang := range Langs() {
				if got, want := back.In(lang), tt.m.In(lang); got != want {
					t.Errorf("%s in %s: %q, want %q", b, lang, got, want)
				}
			}
		})
	}
}

func TestAStoredMessageIsCompact(t *testing.T) {
	b, _ := json.Marshal(M("importer.row.duplicate_in_file", M("importer.key.name"), 7))
	if want := `{"k":"importer.row.duplicate_in_file","a":[{"k":"importer.key.name"},7]}`; string(b) != want {
		t.Errorf("got %s, want %s", b, want)
	}
	var m Message
	if err := json.Unmarshal([]byte(`{"k":"x","a":[2.5]}`), &m); err != nil || m.Args[0] != 2.5 {
		t.Errorf("a fraction reads back as %#v (%v), want 2.5", m.Args, err)
	}
}
