package cn

import (
	"encoding/json"
	"testing"
)

func TestProblemMessage(t *testing.T) {
	p := problem(CodeChecksum, Warning, textIDChecksum, 18, "X", "3")
	tests := []struct {
		name, lang, want string
	}{
		{"Chinese is the default for an empty tag", "", "第18位校验码应为 X，实际为 3"},
		{"zh-CN gives Chinese", "zh-CN", "第18位校验码应为 X，实际为 3"},
		{"en gives English", "en", "check character (position 18) should be X, not 3"},
		{"en-US gives English", "en-US", "check character (position 18) should be X, not 3"},
		{"EN_gb gives English regardless of case", "EN_gb", "check character (position 18) should be X, not 3"},
		{"a tag merely starting with en (enx) stays Chinese", "enx", "第18位校验码应为 X，实际为 3"},
		{"an unsupported language falls back to Chinese", "fr", "第18位校验码应为 X，实际为 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := p.Message(tt.lang); got != tt.want {
				t.Errorf("Message(%q) = %q, want %q", tt.lang, got, tt.want)
			}
		})
	}
}

func TestProblemWithoutText(t *testing.T) {
	t.Run("a nil problem has an empty message and prints as <nil>", func(t *testing.T) {
		var p *Problem
		if p.Message("en") != "" || p.String() != "<nil>" {
			t.Errorf("nil problem: %q, %q", p.Message("en"), p.String())
		}
	})
	t.Run("a problem built by hand falls back to its code", func(t *testing.T) {
		p := &Problem{Code: CodeFormat, Severity: Error}
		if p.Message("zh") != "format" || p.String() != "format: format" {
			t.Errorf("got %q, %q", p.Message("zh"), p.String())
		}
	})
}

func TestSeverity(t *testing.T) {
	tests := []struct {
		name string
		s    Severity
		want string
	}{
		{"Error reads as error", Error, "error"},
		{"Warning reads as warning", Warning, "warning"},
		{"an undefined severity shows its number", Severity(9), "severity(9)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.s.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("severity marshals to JSON as its name", func(t *testing.T) {
		b, err := json.Marshal(struct{ S Severity }{Warning})
		if err != nil || string(b) != `{"S":"warning"}` {
			t.Errorf("json = %s, %v", b, err)
		}
	})
}

// checkProblem compares the stable parts of a problem with an expectation;
// want nil means no problem is expected.
func checkProblem(t *testing.T, got *Problem, want *Problem) {
	t.Helper()
	switch {
	case want == nil && got != nil:
		t.Fatalf("unexpected problem %v", got)
	case want != nil && got == nil:
		t.Fatalf("no problem, want code %q", want.Code)
	case want == nil:
		return
	}
	if got.Code != want.Code || got.Severity != want.Severity {
		t.Fatalf("problem %s/%s (%v), want %s/%s", got.Code, got.Severity, got, want.Code, want.Severity)
	}
	if want.Pos != 0 && got.Pos != want.Pos {
		t.Errorf("Pos = %d, want %d", got.Pos, want.Pos)
	}
	if want.Want != "" && got.Want != want.Want {
		t.Errorf("Want = %q, want %q", got.Want, want.Want)
	}
	if want.Got != "" && got.Got != want.Got {
		t.Errorf("Got = %q, want %q", got.Got, want.Got)
	}
	if got.Message("zh") == "" || got.Message("en") == "" || got.Message("en") == got.Message("zh") {
		t.Errorf("messages missing or untranslated: %q / %q", got.Message("zh"), got.Message("en"))
	}
}

// errorCode builds an expectation for checkProblem from a code alone.
func errorCode(code string) *Problem { return &Problem{Code: code, Severity: Error} }
