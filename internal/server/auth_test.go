package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

func TestSignInUseAndSignOutThroughTheAPI(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		token := e.user("zhang.wei", crm.RoleAccountManager)
		r := e.do("GET", "/api/v1/me", nil, as(token))
		var me struct {
			Username    string
			Role        string
			Permissions []string
		}
		if r.Status != 200 || json.Unmarshal(r.Body, &me) != nil || me.Username != "zhang.wei" || me.Role != "account_manager" {
			t.Fatalf("GET /api/v1/me = %d %s", r.Status, r.Body)
		}
		if r := e.do("POST", "/api/v1/auth/logout", nil, as(token)); r.Status != http.StatusNoContent {
			t.Fatalf("logout = %d %s", r.Status, r.Body)
		}
		if r := e.do("GET", "/api/v1/me", nil, as(token)); r.Status != http.StatusUnauthorized {
			t.Errorf("the token still works after logout: %d", r.Status)
		}
		if r := e.get("/api/v1/me"); r.Status != http.StatusUnauthorized {
			t.Errorf("GET /api/v1/me without credentials = %d, want 401", r.Status)
		}
	})
}

var requestIDField = regexp.MustCompile(`"request_id":"[^"]*"`)

func TestUnknownUserAndWrongPasswordAnswerAlike(t *testing.T) {
	e := newEnvSQLite(t)
	e.user("wang", crm.RoleService)
	login := func(u, p string) response {
		return e.do("POST", "/api/v1/auth/login", strings.NewReader(`{"username":"`+u+`","password":"`+p+`"}`), jsonHeader)
	}
	wrong, unknown := login("wang", "Wrong-pass-1"), login("nobody", "Wrong-pass-1")
	if wrong.Status != 401 || unknown.Status != 401 {
		t.Fatalf("statuses %d and %d, want 401 both", wrong.Status, unknown.Status)
	}
	a, b := requestIDField.ReplaceAllString(string(wrong.Body), ""), requestIDField.ReplaceAllString(string(unknown.Body), "")
	if a != b {
		t.Errorf("bodies differ:\n%s\n%s", a, b)
	}
}

// The limits are set low here; the windows are fixed minutes, so the test
// makes enough attempts that one window overflows even if the run
// straddles a minute boundary.
func TestSignInIsRateLimitedPerUsernameAndPerAddress(t *testing.T) {
	cfg := testAuth()
	cfg.LoginsPerUser, cfg.LoginsPerIP = 3, 10
	e := newEnvWith(t, storetest.Open(t, store.SQLite), cfg)
	limited := func(attempts int, username func(i int) string) response {
		for i := range attempts {
			r := e.do("POST", "/api/v1/auth/login", strings.NewReader(`{"username":"`+username(i)+`","password":"x"}`), jsonHeader)
			if r.Status == http.StatusTooManyRequests {
				return r
			}
		}
		return response{}
	}
	r := limited(2*cfg.LoginsPerUser+1, func(int) string { return "target" })
	if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
		t.Errorf("repeated attempts on one username were never refused with 429 and Retry-After")
	}
	r = limited(2*cfg.LoginsPerIP+1, func(i int) string { return fmt.Sprintf("spray%d", i) })
	if r.Status != http.StatusTooManyRequests {
		t.Errorf("attempts on many usernames from one address were never refused with 429")
	}
}

func TestCookieSessionsRefuseCrossOriginWrites(t *testing.T) {
	e := newEnvSQLite(t)
	cookie := e.signIn("li", crm.RoleFinance)
	r := e.do("POST", "/api/v1/auth/logout", nil, map[string]string{"Cookie": cookie, "Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
	if r.Status != http.StatusForbidden {
		t.Errorf("cross-site logout with the session cookie = %d, want 403", r.Status)
	}
	if r := e.do("GET", "/api/v1/me", nil, map[string]string{"Cookie": cookie}); r.Status != 200 {
		t.Fatalf("the refused request ended the session anyway: %d", r.Status)
	}
	r = e.do("POST", "/api/v1/auth/logout", nil, map[string]string{"Cookie": cookie, "Origin": e.http.URL, "Sec-Fetch-Site": "same-origin"})
	if r.Status != http.StatusNoContent {
		t.Errorf("same-origin logout = %d, want 204", r.Status)
	}
}

func TestMassAssignmentIsRefusedAndChangesNothing(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		token := e.user("sun", crm.RoleWarehouse)
		tests := []struct {
			name, body string
			status     int
		}{
			{"setting your own role", `{"role":"admin"}`, 403},
			{"setting your own team", `{"display_name":"孙","team":"华东"}`, 403},
			{"setting a field that does not exist", `{"is_admin":true}`, 400},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := e.do("PATCH", "/api/v1/me", strings.NewReader(tt.body), as(token))
				if r.Status != tt.status {
					t.Errorf("PATCH /api/v1/me %s = %d, want %d: %s", tt.body, r.Status, tt.status, r.Body)
				}
			})
		}
		r := e.do("GET", "/api/v1/me", nil, as(token))
		if !strings.Contains(string(r.Body), `"role":"warehouse"`) || !strings.Contains(string(r.Body), `"display_name":""`) {
			t.Errorf("the refused requests changed the account: %s", r.Body)
		}
		if r := e.do("PATCH", "/api/v1/me", strings.NewReader(`{"display_name":"孙仓管"}`), as(token)); r.Status != 200 {
			t.Errorf("changing your own display name = %d: %s", r.Status, r.Body)
		}
	})
}

func TestDisablingAUserEndsTheirAccessAtOnce(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		admin := e.user("root", crm.RoleAdmin)
		victim := e.user("zhou", crm.RoleQA)
		r := e.do("GET", "/api/v1/users/zhou", nil, as(admin))
		var u struct{ Version int }
		if r.Status != 200 || json.Unmarshal(r.Body, &u) != nil {
			t.Fatalf("GET user = %d %s", r.Status, r.Body)
		}
		stale := fmt.Sprintf(`{"version":%d,"disabled":true}`, u.Version+5)
		if r := e.do("PATCH", "/api/v1/users/zhou", strings.NewReader(stale), as(admin)); r.Status != http.StatusConflict {
			t.Errorf("a stale version = %d, want 409", r.Status)
		}
		r = e.do("PATCH", "/api/v1/users/zhou", strings.NewReader(fmt.Sprintf(`{"version":%d,"disabled":true}`, u.Version)), as(admin))
		if r.Status != 200 {
			t.Fatalf("disable = %d %s", r.Status, r.Body)
		}
		if r := e.do("GET", "/api/v1/me", nil, as(victim)); r.Status != http.StatusUnauthorized {
			t.Errorf("a disabled user's token = %d, want 401", r.Status)
		}
		if r := e.do("PATCH", "/api/v1/users/root", strings.NewReader(`{"version":1,"role":"gm"}`), as(admin)); r.Status != http.StatusForbidden {
			t.Errorf("an admin changing their own role = %d, want 403", r.Status)
		}
	})
}

func TestAuditorReadsTheAuditLogWithFilters(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		auditor := e.user("shen", crm.RoleAuditor)
		e.user("root", crm.RoleAdmin)
		e.do("POST", "/api/v1/auth/login", strings.NewReader(`{"username":"root","password":"nope"}`), jsonHeader)
		r := e.do("GET", "/api/v1/audit?action=login_failed&user=root", nil, as(auditor))
		var page struct {
			Items []struct{ Action, Username string }
		}
		if r.Status != 200 || json.Unmarshal(r.Body, &page) != nil {
			t.Fatalf("GET /api/v1/audit = %d %s", r.Status, r.Body)
		}
		if len(page.Items) != 1 || page.Items[0].Action != "login_failed" || page.Items[0].Username != "root" {
			t.Errorf("filtered audit log %+v, want the one failed sign-in of root", page.Items)
		}
		if r := e.do("GET", "/api/v1/audit?from=2026-13-01", nil, as(auditor)); r.Status != 400 {
			t.Errorf("a bad date = %d, want 400", r.Status)
		}
	})
}

// TestPermissionMatrix walks every action of the role × action matrix
// through the HTTP API for every role. The expectations are written out
// by hand, not derived from the matrix in code.
func TestPermissionMatrix(t *testing.T) {
	probes := map[crm.Action]struct{ method, path, body string }{
		crm.ActUserManage:         {"GET", "/api/v1/users", ""},
		crm.ActAuditRead:          {"GET", "/api/v1/audit", ""},
		crm.ActSystemRead:         {"GET", "/api/v1/system/migrations", ""},
		crm.ActValidate:           {"POST", "/api/v1/validate", `{"kind":"mobile","value":"13800138000"}`},
		crm.ActCalendarRead:       {"GET", "/api/v1/calendar/2026", ""},
		crm.ActCalendarManage:     {"PUT", "/api/v1/calendar/overrides/2030-01-02", `{"kind":"day_off","name":"测试"}`},
		crm.ActCustomerRead:       {"GET", "/api/v1/customers", ""},
		crm.ActCustomerCreate:     {"POST", "/api/v1/customers", `{"name":"探针客户"}`},
		crm.ActCustomerUpdate:     {"PATCH", "/api/v1/customers/999999", `{"version":1,"stage":"general"}`},
		crm.ActCustomerDelete:     {"DELETE", "/api/v1/customers/999999", ""},
		crm.ActCustomerHardDelete: {"DELETE", "/api/v1/customers/999999?hard=true", ""},
		crm.ActCustomerAssign:     {"POST", "/api/v1/customers", `{"name":"探针客户","owner_id":OWNER}`},
		crm.ActAccessRequest:      {"POST", "/api/v1/access-requests", `{"entity":"customer","record_id":999999,"reason":"探针"}`},
		crm.ActAccessApprove:      {"POST", "/api/v1/access-requests/999999/approve", ""},
		crm.ActCustomerReveal:     {"POST", "/api/v1/contacts/999999/reveal", `{"field":"mobile","reason":"探针"}`},
		crm.ActCustomerExport:     {"GET", "/api/v1/customers/export", ""},
		crm.ActSettingsManage:     {"PUT", "/api/v1/card-template", `{"version":999,"fields":[]}`},
		crm.ActComplaintRead:      {"GET", "/api/v1/complaints", ""},
		crm.ActComplaintCreate:    {"POST", "/api/v1/complaints", `{"channel":"phone","category":"service","description":"探针","customer_id":999999}`},
	}
	read := []crm.Action{crm.ActValidate, crm.ActCalendarRead, crm.ActCustomerRead, crm.ActAccessRequest}
	seller := append(append([]crm.Action{}, read...), crm.ActCustomerCreate, crm.ActCustomerUpdate)
	allowed := map[crm.Role][]crm.Action{
		crm.RoleAdmin:          {crm.ActUserManage, crm.ActSystemRead, crm.ActValidate, crm.ActCalendarRead, crm.ActCalendarManage, crm.ActCustomerHardDelete, crm.ActSettingsManage},
		crm.RoleAuditor:        {crm.ActAuditRead},
		crm.RoleGMOffice:       append(append([]crm.Action{}, read...), crm.ActComplaintRead, crm.ActComplaintCreate),
		crm.RoleGM:             append(append([]crm.Action{}, seller...), crm.ActComplaintRead, crm.ActComplaintCreate, crm.ActCustomerDelete, crm.ActCustomerAssign, crm.ActAccessApprove, crm.ActCustomerReveal, crm.ActCustomerExport),
		crm.RoleSalesManager:   append(append([]crm.Action{}, seller...), crm.ActComplaintRead, crm.ActComplaintCreate, crm.ActCustomerDelete, crm.ActCustomerAssign, crm.ActAccessApprove, crm.ActCustomerReveal, crm.ActCustomerExport),
		crm.RoleAccountManager: append(append([]crm.Action{}, seller...), crm.ActComplaintRead, crm.ActComplaintCreate, crm.ActCustomerDelete, crm.ActCustomerReveal, crm.ActCustomerExport),
		crm.RoleMarketing:      seller,
		crm.RoleService:        append(append([]crm.Action{}, read...), crm.ActCustomerReveal, crm.ActComplaintRead, crm.ActComplaintCreate),
		crm.RoleTechnician:     read,
		crm.RoleQA:             append(append([]crm.Action{}, read...), crm.ActComplaintRead),
		crm.RoleProduction:     append(append([]crm.Action{}, read...), crm.ActComplaintRead),
		crm.RoleFinance:        read,
		crm.RoleWarehouse:      read,
	}
	for a, p := range map[crm.Action]struct{ method, path, body string }{
		crm.ActServiceOrderCreate:   {"POST", "/api/v1/service-orders", `{"type":"C","customer_id":999999,"address":"探针","phone":"13800138000","product_model":"探针","problem":"探针"}`},
		crm.ActServiceOrderRead:     {"GET", "/api/v1/service-orders", ""},
		crm.ActServiceOrderDispatch: {"POST", "/api/v1/service-orders/999999/dispatch", `{"version":1,"technician":"探针"}`},
		crm.ActServiceOrderWork:     {"POST", "/api/v1/service-orders/999999/start", `{"version":1}`},
		crm.ActServiceOrderInvoice:  {"POST", "/api/v1/service-orders/999999/invoice", `{"version":1,"invoice_no":"12345678"}`},
	} {
		probes[a] = p
	}
	// After-sales service orders: the service desk registers and
	// dispatches, the gm as any department manager; technicians work;
	// finance invoices; account and sales managers read their customers'.
	for role, acts := range map[crm.Role][]crm.Action{
		crm.RoleService:        {crm.ActServiceOrderCreate, crm.ActServiceOrderRead, crm.ActServiceOrderDispatch},
		crm.RoleGM:             {crm.ActServiceOrderCreate, crm.ActServiceOrderRead, crm.ActServiceOrderDispatch},
		crm.RoleTechnician:     {crm.ActServiceOrderRead, crm.ActServiceOrderWork},
		crm.RoleFinance:        {crm.ActServiceOrderRead, crm.ActServiceOrderInvoice},
		crm.RoleAccountManager: {crm.ActServiceOrderRead},
		crm.RoleSalesManager:   {crm.ActServiceOrderRead},
	} {
		allowed[role] = append(append([]crm.Action{}, allowed[role]...), acts...)
	}
	// Separation of duties: the administrators and the gm decide
	// two-person requests; the security administrator manages users too.
	probes[crm.ActDutyDecide] = struct{ method, path, body string }{"GET", "/api/v1/duty-requests/999999", ""}
	for role, acts := range map[crm.Role][]crm.Action{
		crm.RoleAdmin:         {crm.ActDutyDecide},
		crm.RoleGM:            {crm.ActDutyDecide},
		crm.RoleSecurityAdmin: {crm.ActUserManage, crm.ActDutyDecide},
	} {
		allowed[role] = append(append([]crm.Action{}, allowed[role]...), acts...)
	}
	// Tiers: admins and the gm keep the company-wide schemes; the
	// customer-facing roles read tiers; the gm and sales managers set a
	// tier by hand or a watch flag.
	probes[crm.ActTierRead] = struct{ method, path, body string }{"GET", "/api/v1/customers/999999/tiers", ""}
	probes[crm.ActTierManage] = struct{ method, path, body string }{"PATCH", "/api/v1/tier-schemes/999999", `{"version":1}`}
	probes[crm.ActTierOverride] = struct{ method, path, body string }{"PUT", "/api/v1/customers/999999/watch-flag", `{"reason":"探针"}`}
	for role, acts := range map[crm.Role][]crm.Action{
		crm.RoleAdmin:          {crm.ActTierManage},
		crm.RoleGM:             {crm.ActTierRead, crm.ActTierManage, crm.ActTierOverride},
		crm.RoleSalesManager:   {crm.ActTierRead, crm.ActTierOverride},
		crm.RoleGMOffice:       {crm.ActTierRead},
		crm.RoleAccountManager: {crm.ActTierRead},
		crm.RoleMarketing:      {crm.ActTierRead},
		crm.RoleService:        {crm.ActTierRead},
	} {
		allowed[role] = append(append([]crm.Action{}, allowed[role]...), acts...)
	}
	// Customer care: the sellers and marketing read it; the sellers send
	// greetings and record gifts; admins, the gm and sales managers keep
	// templates, rules and budgets; the gm and sales managers approve gifts.
	probes[crm.ActCareRead] = struct{ method, path, body string }{"GET", "/api/v1/gifts/999999", ""}
	probes[crm.ActCareSend] = struct{ method, path, body string }{"PUT", "/api/v1/contacts/999999/care-opt-out", `{"opt_out":true}`}
	probes[crm.ActCareManage] = struct{ method, path, body string }{"PATCH", "/api/v1/greeting-templates/999999", `{"version":1}`}
	probes[crm.ActGiftApprove] = struct{ method, path, body string }{"POST", "/api/v1/gifts/999999/decision", `{"decision":"approve"}`}
	for role, acts := range map[crm.Role][]crm.Action{
		crm.RoleAdmin:          {crm.ActCareManage},
		crm.RoleGM:             {crm.ActCareRead, crm.ActCareSend, crm.ActCareManage, crm.ActGiftApprove},
		crm.RoleSalesManager:   {crm.ActCareRead, crm.ActCareSend, crm.ActCareManage, crm.ActGiftApprove},
		crm.RoleAccountManager: {crm.ActCareRead, crm.ActCareSend},
		crm.RoleMarketing:      {crm.ActCareRead},
	} {
		allowed[role] = append(append([]crm.Action{}, allowed[role]...), acts...)
	}
	// Products and sales: the gm and sales managers keep the products;
	// the sellers enter sales; finance reads them and imports the ERP's.
	probes[crm.ActProductManage] = struct{ method, path, body string }{"PATCH", "/api/v1/products/999999", `{"version":1}`}
	probes[crm.ActSalesRead] = struct{ method, path, body string }{"GET", "/api/v1/sales/999999", ""}
	probes[crm.ActSalesCreate] = struct{ method, path, body string }{"POST", "/api/v1/sales", `{"date":"2026-12-01","customer_id":999999,"product_id":999999,"quantity":1,"amount":"1.00"}`}
	probes[crm.ActSalesImport] = struct{ method, path, body string }{"POST", "/api/v1/sales/imports?dry_run=true", ""}
	for role, acts := range map[crm.Role][]crm.Action{
		crm.RoleGM:             {crm.ActProductManage, crm.ActSalesRead, crm.ActSalesCreate, crm.ActSalesImport},
		crm.RoleSalesManager:   {crm.ActProductManage, crm.ActSalesRead, crm.ActSalesCreate, crm.ActSalesImport},
		crm.RoleAccountManager: {crm.ActSalesRead, crm.ActSalesCreate},
		crm.RoleMarketing:      {crm.ActSalesRead},
		crm.RoleFinance:        {crm.ActSalesRead, crm.ActSalesImport},
	} {
		allowed[role] = append(append([]crm.Action{}, allowed[role]...), acts...)
	}
	// Visit plans: the sellers and the gm read theirs (scoped).
	probes[crm.ActVisitRead] = struct{ method, path, body string }{"GET", "/api/v1/visit-items/999999", ""}
	for _, role := range []crm.Role{crm.RoleGM, crm.RoleSalesManager, crm.RoleAccountManager} {
		allowed[role] = append(append([]crm.Action{}, allowed[role]...), crm.ActVisitRead)
	}
	// Customer events and the call log: those who run events add them and
	// their invitations; the customer-facing staff read them and check
	// guests in; the service desk and the sellers log calls.
	probes[crm.ActEventRead] = struct{ method, path, body string }{"GET", "/api/v1/events/999999", ""}
	probes[crm.ActEventManage] = struct{ method, path, body string }{"POST", "/api/v1/events/999999/invitations", `{"contact_ids":[1]}`}
	probes[crm.ActEventCheckIn] = struct{ method, path, body string }{"POST", "/api/v1/events/999999/check-ins", `{"token":"x"}`}
	probes[crm.ActCallRead] = struct{ method, path, body string }{"GET", "/api/v1/calls/999999", ""}
	probes[crm.ActCallCreate] = struct{ method, path, body string }{"PATCH", "/api/v1/calls/999999", `{"version":1}`}
	for role, acts := range map[crm.Role][]crm.Action{
		crm.RoleGM:             {crm.ActEventRead, crm.ActEventManage, crm.ActEventCheckIn, crm.ActCallRead, crm.ActCallCreate},
		crm.RoleSalesManager:   {crm.ActEventRead, crm.ActEventManage, crm.ActEventCheckIn, crm.ActCallRead, crm.ActCallCreate},
		crm.RoleMarketing:      {crm.ActEventRead, crm.ActEventManage, crm.ActEventCheckIn},
		crm.RoleGMOffice:       {crm.ActEventRead, crm.ActEventCheckIn},
		crm.RoleAccountManager: {crm.ActEventRead, crm.ActEventCheckIn, crm.ActCallRead, crm.ActCallCreate},
		crm.RoleService:        {crm.ActEventRead, crm.ActEventCheckIn, crm.ActCallRead, crm.ActCallCreate},
	} {
		allowed[role] = append(append([]crm.Action{}, allowed[role]...), acts...)
	}
	// Leads and the pool (公海).
	probes[crm.ActLeadRead] = struct{ method, path, body string }{"GET", "/api/v1/leads/999999", ""}
	probes[crm.ActLeadCreate] = struct{ method, path, body string }{"POST", "/api/v1/leads", `{"company_name":"探针","source":"trade_fair"}`}
	probes[crm.ActLeadAssign] = struct{ method, path, body string }{"POST", "/api/v1/leads/999999/assign", `{"assignee_id":OWNER}`}
	probes[crm.ActLeadClaim] = struct{ method, path, body string }{"POST", "/api/v1/leads/999999/claim", ""}
	probes[crm.ActLeadConvert] = struct{ method, path, body string }{"POST", "/api/v1/leads/999999/convert", "{}"}
	probes[crm.ActPoolRead] = struct{ method, path, body string }{"GET", "/api/v1/pool", ""}
	probes[crm.ActPoolClaim] = struct{ method, path, body string }{"POST", "/api/v1/pool/999999/claim", ""}
	probes[crm.ActPoolManage] = struct{ method, path, body string }{"PUT", "/api/v1/pool-rules/default", `{"days":0}`}
	for role, acts := range map[crm.Role][]crm.Action{
		crm.RoleAdmin:          {crm.ActPoolManage},
		crm.RoleGM:             {crm.ActLeadRead, crm.ActLeadCreate, crm.ActLeadAssign, crm.ActLeadConvert, crm.ActPoolRead},
		crm.RoleSalesManager:   {crm.ActLeadRead, crm.ActLeadAssign, crm.ActLeadConvert, crm.ActPoolRead, crm.ActPoolClaim, crm.ActPoolManage},
		crm.RoleAccountManager: {crm.ActLeadRead, crm.ActLeadClaim, crm.ActLeadConvert, crm.ActPoolRead, crm.ActPoolClaim},
		crm.RoleMarketing:      {crm.ActLeadRead, crm.ActLeadCreate, crm.ActLeadAssign, crm.ActLeadConvert},
	} {
		allowed[role] = append(append([]crm.Action{}, allowed[role]...), acts...)
	}
	// Workflows and orders: every staff role reads workflows and decides
	// the steps that name it; admins edit workflows; the sellers enter
	// orders, which finance and the warehouse read too.
	probes[crm.ActWorkflowRead] = struct{ method, path, body string }{"GET", "/api/v1/workflows/999999", ""}
	probes[crm.ActWorkflowManage] = struct{ method, path, body string }{"PUT", "/api/v1/workflows/999999", `{"version":1,"steps":[]}`}
	probes[crm.ActWorkflowDecide] = struct{ method, path, body string }{"GET", "/api/v1/workflow-tasks?mine=true", ""}
	probes[crm.ActOrderRead] = struct{ method, path, body string }{"GET", "/api/v1/orders/999999", ""}
	probes[crm.ActOrderCreate] = struct{ method, path, body string }{"POST", "/api/v1/orders", `{"customer_id":999999,"lines":[{"product_id":999999,"quantity":1}]}`}
	probes[crm.ActOrderAdjust] = struct{ method, path, body string }{"POST", "/api/v1/orders/999999/adjustments", `{"lines":[{"product_id":999999,"quantity":1}],"reason":"探针","agreed_by":"探针"}`}
	// Customer projects (客户工程): the sellers enter applications; the
	// departments that work the steps read them.
	probes[crm.ActProjectRead] = struct{ method, path, body string }{"GET", "/api/v1/projects/999999", ""}
	probes[crm.ActProjectCreate] = struct{ method, path, body string }{"POST", "/api/v1/projects", `{"customer_id":999999,"address":"探针","nature":"industrial","voltage":"10","capacity":100}`}
	for role, acts := range map[crm.Role][]crm.Action{
		crm.RoleGM: {crm.ActProjectRead, crm.ActProjectCreate}, crm.RoleSalesManager: {crm.ActProjectRead, crm.ActProjectCreate},
		crm.RoleAccountManager: {crm.ActProjectRead, crm.ActProjectCreate}, crm.RoleTechnician: {crm.ActProjectRead},
		crm.RoleQA: {crm.ActProjectRead}, crm.RoleProduction: {crm.ActProjectRead}, crm.RoleWarehouse: {crm.ActProjectRead},
	} {
		allowed[role] = append(append([]crm.Action{}, allowed[role]...), acts...)
	}
	allowed[crm.RoleAdmin] = append(append([]crm.Action{}, allowed[crm.RoleAdmin]...), crm.ActWorkflowRead, crm.ActWorkflowManage)
	for _, role := range []crm.Role{crm.RoleGM, crm.RoleGMOffice, crm.RoleSalesManager, crm.RoleAccountManager, crm.RoleMarketing, crm.RoleService,
		crm.RoleTechnician, crm.RoleQA, crm.RoleProduction, crm.RoleFinance, crm.RoleWarehouse} {
		allowed[role] = append(append([]crm.Action{}, allowed[role]...), crm.ActWorkflowRead, crm.ActWorkflowDecide)
	}
	for role, acts := range map[crm.Role][]crm.Action{
		crm.RoleGM:             {crm.ActOrderRead, crm.ActOrderCreate, crm.ActOrderAdjust},
		crm.RoleSalesManager:   {crm.ActOrderRead, crm.ActOrderCreate, crm.ActOrderAdjust},
		crm.RoleAccountManager: {crm.ActOrderRead, crm.ActOrderCreate},
		crm.RoleFinance:        {crm.ActOrderRead},
		crm.RoleWarehouse:      {crm.ActOrderRead, crm.ActOrderAdjust},
	} {
		allowed[role] = append(append([]crm.Action{}, allowed[role]...), acts...)
	}
	// Dealers' monthly plans and the month's sales plan; a dealer account
	// reads its own dealer, the products and its plans, and nothing else.
	probes[crm.ActDealerPlanRead] = struct{ method, path, body string }{"GET", "/api/v1/dealer-plans/999999", ""}
	probes[crm.ActDealerPlanWrite] = struct{ method, path, body string }{"PATCH", "/api/v1/dealer-plans/999999", `{"version":1}`}
	probes[crm.ActSalesPlanManage] = struct{ method, path, body string }{"POST", "/api/v1/sales-plans/2030-01/submit", `{}`}
	probes[crm.ActSalesPlanApprove] = struct{ method, path, body string }{"POST", "/api/v1/sales-plans/2030-01/decision", `{"decision":"approve"}`}
	allowed[crm.RoleDealer] = []crm.Action{crm.ActCustomerRead, crm.ActSalesRead, crm.ActDealerPlanRead, crm.ActDealerPlanWrite}
	for role, acts := range map[crm.Role][]crm.Action{
		crm.RoleGM:             {crm.ActDealerPlanRead, crm.ActSalesPlanManage, crm.ActSalesPlanApprove},
		crm.RoleSalesManager:   {crm.ActDealerPlanRead, crm.ActDealerPlanWrite, crm.ActSalesPlanManage},
		crm.RoleAccountManager: {crm.ActDealerPlanRead, crm.ActDealerPlanWrite},
	} {
		allowed[role] = append(append([]crm.Action{}, allowed[role]...), acts...)
	}
	// Shipping, stock, receipt and transit claims (issue #17).
	probes[crm.ActShipmentRead] = struct{ method, path, body string }{"GET", "/api/v1/shipments/999999", ""}
	probes[crm.ActShipmentWrite] = struct{ method, path, body string }{"POST", "/api/v1/orders/999999/shipments", `{}`}
	probes[crm.ActShipmentReceive] = struct{ method, path, body string }{"POST", "/api/v1/shipments/999999/receipt", ""}
	probes[crm.ActStockRead] = struct{ method, path, body string }{"GET", "/api/v1/stock", ""}
	probes[crm.ActStockWrite] = struct{ method, path, body string }{"POST", "/api/v1/stock/movements", `{"product_id":999999,"quantity":1}`}
	probes[crm.ActShippingManage] = struct{ method, path, body string }{"GET", "/api/v1/shipping-settings", ""}
	probes[crm.ActClaimRead] = struct{ method, path, body string }{"GET", "/api/v1/claims/999999", ""}
	probes[crm.ActClaimCreate] = struct{ method, path, body string }{"POST", "/api/v1/claims", `{"shipment_id":999999,"kind":"loss","description":"探针","lines":[{"product_id":1,"quantity":1}]}`}
	probes[crm.ActClaimResolve] = struct{ method, path, body string }{"POST", "/api/v1/claims/999999/resolution", `{"resolution":"credit"}`}
	for role, acts := range map[crm.Role][]crm.Action{
		crm.RoleGM:             {crm.ActShipmentRead, crm.ActShipmentReceive, crm.ActStockRead, crm.ActClaimRead},
		crm.RoleSalesManager:   {crm.ActShipmentRead, crm.ActShipmentReceive, crm.ActStockRead, crm.ActClaimRead, crm.ActClaimCreate, crm.ActClaimResolve},
		crm.RoleAccountManager: {crm.ActShipmentRead, crm.ActShipmentReceive, crm.ActClaimRead, crm.ActClaimCreate},
		crm.RoleFinance:        {crm.ActShipmentRead, crm.ActClaimRead},
		crm.RoleWarehouse:      {crm.ActShipmentRead, crm.ActShipmentWrite, crm.ActShipmentReceive, crm.ActStockRead, crm.ActStockWrite, crm.ActClaimRead},
		crm.RoleService:        {crm.ActShipmentRead, crm.ActClaimRead, crm.ActClaimCreate, crm.ActClaimResolve},
		crm.RoleDealer:         {crm.ActShipmentRead, crm.ActShipmentReceive, crm.ActClaimRead, crm.ActClaimCreate},
		crm.RoleAdmin:          {crm.ActShippingManage},
	} {
		allowed[role] = append(append([]crm.Action{}, allowed[role]...), acts...)
	}
	for _, a := range crm.Actions() {
		if _, ok := probes[a]; !ok {
			t.Errorf("action %s has no HTTP probe in this test", a)
		}
	}
	if len(allowed) != len(crm.Roles) {
		t.Errorf("the expectations cover %d roles, the product has %d", len(allowed), len(crm.Roles))
	}
	e := newEnvSQLite(t)
	e.userIn("owner_probe", crm.RoleAccountManager, "probe", "")
	owner := fmt.Sprint(e.userID("owner_probe"))
	for role, acts := range allowed {
		team := ""
		if role == crm.RoleSalesManager {
			team = "probe" // may give customers to its own team only
		}
		var token string
		if role == crm.RoleDealer {
			token = probeDealerAccount(t, e) // belongs to a dealer
		} else {
			token = e.userIn("u_"+string(role), role, team, "")
		}
		for a, p := range probes {
			allowed := false
			for _, ok := range acts {
				allowed = allowed || ok == a
			}
			var body *strings.Reader
			if p.body != "" {
				body = strings.NewReader(strings.ReplaceAll(p.body, "OWNER", owner))
			}
			var r response
			if body != nil {
				r = e.do(p.method, p.path, body, as(token))
			} else {
				r = e.do(p.method, p.path, nil, as(token))
			}
			// Allowed means not refused: a probe of a missing record answers
			// 404 to a role that may act on it, 403 to one that may not.
			if got := r.Status != http.StatusForbidden && r.Status < 500; got != allowed {
				t.Errorf("%s doing %s (%s %s) = %d, want allowed=%v", role, a, p.method, p.path, r.Status, allowed)
			}
		}
	}
}

func TestSignInCannotBeAbused(t *testing.T) {
	e := newEnvSQLite(t)
	auditor := e.user("shen", crm.RoleAuditor)
	long := strings.Repeat("x", 100000)
	r := e.do("POST", "/api/v1/auth/login", strings.NewReader(`{"username":"`+long+`","password":"x"}`), jsonHeader)
	if r.Status != http.StatusUnauthorized {
		t.Errorf("a 100 kB username = %d, want 401", r.Status)
	}
	if r := e.do("GET", "/api/v1/audit?action=login_failed", nil, as(auditor)); strings.Contains(string(r.Body), long[:1000]) {
		t.Error("the raw oversize username reached the append-only audit log")
	}
	var last response
	for range 6 {
		last = e.do("POST", "/api/v1/auth/login", strings.NewReader(`{"username":"ghost","password":"Wrong-pass-1"}`), jsonHeader)
	}
	if !strings.Contains(string(last.Body), "account_locked") {
		t.Errorf("an unknown username after 6 failures = %d %s, want the same account_locked answer a real account gets", last.Status, last.Body)
	}
}

func TestSignInRedirectStaysOnSite(t *testing.T) {
	e := newEnvSQLite(t)
	e.user("zhang", crm.RoleGM)
	form := url.Values{"username": {"zhang"}, "password": {testPassword}, "next": {"/\t/evil.example"}}.Encode()
	r := e.do("POST", "/login", strings.NewReader(form), map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	if loc := r.Header.Get("Location"); loc != "/" {
		t.Errorf("next=/\\t/evil.example redirected to %q, want /", loc)
	}
}
