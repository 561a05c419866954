package server_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/api"
	"github.com/kehucrm/kehu/internal/api/client"
	"github.com/kehucrm/kehu/internal/crm"
)

// checkedDoer sends the generated client's requests to the test server
// and checks every JSON response against the document, as env.do does.
type checkedDoer struct{ e *env }

func (d checkedDoer) Do(req *http.Request) (*http.Response, error) {
	res, err := d.e.http.Client().Do(req)
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, err
	}
	res.Body = io.NopCloser(bytes.NewReader(b))
	if res.StatusCode != http.StatusNoContent && strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		if err := d.e.contract.check(req.Method, req.URL.Path, res.StatusCode, b); err != nil {
			d.e.t.Error(err)
		}
	}
	return res, nil
}

func generatedClient(t *testing.T, e *env, token string) *client.ClientWithResponses {
	t.Helper()
	opts := []client.ClientOption{client.WithHTTPClient(checkedDoer{e})}
	if token != "" {
		opts = append(opts, client.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
			req.Header.Set("Authorization", "Bearer "+token)
			return nil
		}))
	}
	c, err := client.NewClientWithResponses(e.http.URL, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestGeneratedClientIsGeneratedFromTheServedDocument(t *testing.T) {
	b, err := os.ReadFile("../api/client/openapi.gen.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(bytes.TrimSpace(b), bytes.TrimSpace(api.OpenAPI)) {
		t.Error("internal/api/client was generated from another document than the server serves: run `go generate ./internal/api/client`")
	}
}

func TestGeneratedClientSignsInCreatesReadsAndRetriesSafely(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.user("am1", crm.RoleAccountManager)
		anon := generatedClient(t, e, "")

		login, err := anon.LoginWithResponse(ctx, client.LoginJSONRequestBody{Username: "am1", Password: testPassword})
		if err != nil || login.JSON200 == nil || login.JSON200.Token == "" {
			t.Fatalf("login: %v %d %s", err, login.StatusCode(), login.Body)
		}
		denied, err := anon.GetMeWithResponse(ctx, nil)
		if err != nil || denied.JSON401 == nil || denied.JSON401.Error.Code != client.ErrorErrorCodeUnauthorized {
			t.Fatalf("me without a token: %v %d %s, want a typed 401", err, denied.StatusCode(), denied.Body)
		}
		c := generatedClient(t, e, login.JSON200.Token)
		me, err := c.GetMeWithResponse(ctx, nil)
		if err != nil || me.JSON200 == nil {
			t.Fatalf("me: %v %d %s", err, me.StatusCode(), me.Body)
		}

		stage := client.CreateCustomerJSONBodyStage("important")
		tags := []string{"华东", "老客户"}
		key := "gen-client-1"
		body := client.CreateCustomerJSONRequestBody{Name: "苏州客户端精密机械有限公司", Stage: &stage, Tags: &tags}
		created, err := c.CreateCustomerWithResponse(ctx, &client.CreateCustomerParams{IdempotencyKey: &key}, body)
		if err != nil || created.JSON201 == nil {
			t.Fatalf("create: %v %d %s", err, created.StatusCode(), created.Body)
		}
		cust := created.JSON201
		if cust.Name != body.Name || string(cust.Stage) != "important" || !strings.HasPrefix(cust.Code, "KH") {
			t.Errorf("created %+v", cust)
		}
		retried, err := c.CreateCustomerWithResponse(ctx, &client.CreateCustomerParams{IdempotencyKey: &key}, body)
		if err != nil || retried.JSON201 == nil || retried.JSON201.Id != cust.Id || retried.HTTPResponse.Header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("retry with the same key: %v %d %s, want the same customer replayed", err, retried.StatusCode(), retried.Body)
		}
		body.Name = "另一家客户有限公司"
		reused, err := c.CreateCustomerWithResponse(ctx, &client.CreateCustomerParams{IdempotencyKey: &key}, body)
		if err != nil || reused.JSON422 == nil || reused.JSON422.Error.Code != client.ErrorErrorCodeValidationFailed {
			t.Errorf("the key with another body: %v %d %s, want a typed 422", err, reused.StatusCode(), reused.Body)
		}

		got, err := c.GetCustomerWithResponse(ctx, cust.Id, nil)
		if err != nil || got.JSON200 == nil || got.JSON200.Code != cust.Code {
			t.Fatalf("get: %v %d %s", err, got.StatusCode(), got.Body)
		}
		etag := got.HTTPResponse.Header.Get("ETag")
		same, err := c.GetCustomerWithResponse(ctx, cust.Id, &client.GetCustomerParams{IfNoneMatch: &etag})
		if err != nil || same.StatusCode() != 304 || etag == "" {
			t.Errorf("get with If-None-Match %q: %v %d, want 304", etag, err, same.StatusCode())
		}
		missing, err := c.GetCustomerWithResponse(ctx, 999999, nil)
		if err != nil || missing.JSON404 == nil || missing.JSON404.Error.Code != client.ErrorErrorCodeNotFound {
			t.Errorf("an unknown customer: %v %d %s, want a typed 404", err, missing.StatusCode(), missing.Body)
		}
		q := "客户端精密"
		list, err := c.ListCustomersWithResponse(ctx, &client.ListCustomersParams{Q: &q})
		if err != nil || list.JSON200 == nil || len(list.JSON200.Items) != 1 || list.JSON200.Items[0].Id != cust.Id {
			t.Errorf("search: %v %d %s", err, list.StatusCode(), list.Body)
		}

		contact, err := c.CreateContactWithResponse(ctx, cust.Id, &client.CreateContactParams{},
			client.CreateContactJSONRequestBody{Name: "张伟", Mobile: ptr("13800138000")})
		if err != nil || contact.JSON201 == nil {
			t.Fatalf("contact: %v %d %s", err, contact.StatusCode(), contact.Body)
		}
		contacts, err := c.ListContactsWithResponse(ctx, cust.Id, &client.ListContactsParams{})
		if err != nil || contacts.JSON200 == nil || len(contacts.JSON200.Items) != 1 || contacts.JSON200.Items[0].Mobile != "138****8000" {
			t.Errorf("contacts: %v %d %s, want the contact with its mobile masked", err, contacts.StatusCode(), contacts.Body)
		}
		note, err := c.CreateInteractionWithResponse(ctx, cust.Id, &client.CreateInteractionParams{},
			client.CreateInteractionJSONRequestBody{Channel: "visit", Content: "介绍新产品"})
		if err != nil || note.JSON201 == nil {
			t.Fatalf("interaction: %v %d %s", err, note.StatusCode(), note.Body)
		}
	})
}

func ptr[T any](v T) *T { return &v }
