package server_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestASavedLanguageIsTheLanguageOfEveryAnswer: a user who saved English
// (PATCH /api/v1/me) is answered in English with no Accept-Language, and
// even against a Chinese one; a user who saved nothing ("") is answered
// by their Accept-Language again.
func TestASavedLanguageIsTheLanguageOfEveryAnswer(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		save := func(lang string) response {
			t.Helper()
			return e.do("PATCH", "/api/v1/me", strings.NewReader(`{"lang":"`+lang+`"}`), as(o.am1))
		}
		// badStage is refused with a message and a field error, both in
		// the language of the answer.
		badStage := func(extra ...string) []string {
			t.Helper()
			r := e.do("POST", "/api/v1/customers", strings.NewReader(`{"name":"语言测试公司","stage":"someday"}`), as(o.am1, extra...))
			var body struct {
				Error struct {
					Message string
					Fields  []struct{ Message string }
				}
			}
			if err := json.Unmarshal(r.Body, &body); err != nil || r.Status != 422 || len(body.Error.Fields) == 0 {
				t.Fatalf("a bad stage: %d %s, want 422 with a field error", r.Status, r.Body)
			}
			return []string{body.Error.Message, body.Error.Fields[0].Message}
		}
		english := func(t *testing.T, texts []string) {
			t.Helper()
			for _, s := range texts {
				if hasHan(s) {
					t.Errorf("%q is not English", s)
				}
			}
		}
		chinese := func(t *testing.T, texts []string) {
			t.Helper()
			for _, s := range texts {
				if !hasHan(s) || englishPhrase.MatchString(s) {
					t.Errorf("%q is not Chinese", s)
				}
			}
		}

		t.Run("saving English answers with the user", func(t *testing.T) {
			r := save("en")
			var u struct{ Lang string }
			if r.Status != 200 || json.Unmarshal(r.Body, &u) != nil || u.Lang != "en" {
				t.Fatalf("PATCH /me lang=en: %d %s", r.Status, r.Body)
			}
			r = e.do("GET", "/api/v1/me", nil, as(o.am1))
			if err := json.Unmarshal(r.Body, &u); err != nil || u.Lang != "en" {
				t.Errorf("GET /me after saving en: %s", r.Body)
			}
		})
		t.Run("a user who saved English gets English errors without any header", func(t *testing.T) {
			english(t, badStage())
		})
		t.Run("the saved language beats a Chinese Accept-Language and cookie", func(t *testing.T) {
			english(t, badStage("Accept-Language", "zh-CN", "Cookie", "kehu_lang=zh-CN"))
		})
		t.Run("saving nothing follows Accept-Language again", func(t *testing.T) {
			if r := save(""); r.Status != 200 {
				t.Fatalf("PATCH /me lang='': %d %s", r.Status, r.Body)
			}
			chinese(t, badStage())
			english(t, badStage("Accept-Language", "en"))
		})
		t.Run("a language Kehu does not speak is refused on the lang field", func(t *testing.T) {
			r := save("fr")
			var body struct {
				Error struct {
					Fields []struct{ Field, Code string }
				}
			}
			if err := json.Unmarshal(r.Body, &body); err != nil || r.Status != 422 || len(body.Error.Fields) != 1 ||
				body.Error.Fields[0].Field != "lang" || body.Error.Fields[0].Code != "unknown" {
				t.Errorf("PATCH /me lang=fr: %d %s, want 422 on lang", r.Status, r.Body)
			}
		})
		t.Run("the change of language is audited", func(t *testing.T) {
			var n int
			if err := e.db.QueryRow(t.Context(), "SELECT count(*) FROM audit_log WHERE entity = 'user' AND action = 'update' AND detail LIKE '%\"lang\"%'").Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 2 {
				t.Errorf("%d audited changes of language, want 2 (en, then none)", n)
			}
		})
	})
}
