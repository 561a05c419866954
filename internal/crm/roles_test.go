package crm

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// columns is the order of the marks in matrixWant, written out here (not
// taken from Roles) so that a role added to the code without a column
// here fails TestEveryRoleAndActionIsInTheExpectedMatrix.
var columns = []Role{RoleAdmin, RoleAuditor, RoleGM, RoleGMOffice, RoleSalesManager, RoleAccountManager, RoleMarketing,
	RoleService, RoleTechnician, RoleQA, RoleProduction, RoleFinance, RoleWarehouse}

// matrixWant is the role × action matrix written out by hand from
// PRODUCT.md ("Who uses it"): x may, . may not. It is deliberately not
// derived from matrix, so adding or removing a permission by mistake
// fails here and must be made on purpose in both places.
//
// Separation of duties (三员分立): admin runs the system and sees no
// customer data; auditor reads the audit log and changes nothing.
var matrixWant = []struct {
	marks  string
	action Action
}{
	// Columns: admin, auditor, gm, gm_office, sales_manager, account_manager,
	// marketing, service, technician, qa, production, finance, warehouse.
	//adm aud gm  gmo sm  am  mkt svc tec qa  prd fin wh
	{"x   .   .   .   .   .   .   .   .   .   .   .   .", ActUserManage},
	{"x   .   x   .   .   .   .   .   .   .   .   .   .", ActDutyDecide},
	{".   x   .   .   .   .   .   .   .   .   .   .   .", ActAuditRead},
	{"x   .   .   .   .   .   .   .   .   .   .   .   .", ActSystemRead},
	{"x   .   x   x   x   x   x   x   x   x   x   x   x", ActValidate},
	{"x   .   .   .   .   .   .   .   .   .   .   .   .", ActSettingsManage},
	{"x   .   x   x   x   x   x   x   x   x   x   x   x", ActCalendarRead},
	{"x   .   .   .   .   .   .   .   .   .   .   .   .", ActCalendarManage},
	// Customers: account managers own them, sales managers lead the
	// team, marketing owns leads; everyone else reads those in scope.
	{".   .   x   x   x   x   x   x   x   x   x   x   x", ActCustomerRead},
	{".   .   x   .   x   x   x   .   .   .   .   .   .", ActCustomerCreate},
	{".   .   x   .   x   x   x   .   .   .   .   .   .", ActCustomerUpdate},
	{".   .   x   .   x   x   .   .   .   .   .   .   .", ActCustomerDelete},
	{"x   .   .   .   .   .   .   .   .   .   .   .   .", ActCustomerHardDelete},
	{".   .   x   .   x   .   .   .   .   .   .   .   .", ActCustomerAssign},
	{".   .   x   .   x   x   .   x   .   .   .   .   .", ActCustomerReveal},
	{".   .   x   .   x   x   .   .   .   .   .   .   .", ActCustomerExport},
	{".   .   x   x   x   x   x   x   x   x   x   x   x", ActAccessRequest},
	{".   .   x   .   x   .   .   .   .   .   .   .   .", ActAccessApprove},
	// Complaints: the service desk takes them on every channel, the gm
	// office registers, reviews and assigns them, QA and production
	// investigate, the gm sees everything.
	{".   .   x   x   x   x   .   x   .   .   .   .   .", ActComplaintCreate},
	{".   .   x   x   x   x   .   x   .   x   x   .   .", ActComplaintRead},
	// Service orders: the service desk registers and dispatches (the gm
	// as any department manager), technicians work on site, finance
	// invoices paid services, managers read their customers'.
	{".   .   x   .   .   .   .   x   .   .   .   .   .", ActServiceOrderCreate},
	{".   .   x   .   x   x   .   x   x   .   .   x   .", ActServiceOrderRead},
	{".   .   x   .   .   .   .   x   .   .   .   .   .", ActServiceOrderDispatch},
	{".   .   .   .   .   .   .   .   x   .   .   .   .", ActServiceOrderWork},
	{".   .   .   .   .   .   .   .   .   .   .   x   .", ActServiceOrderInvoice},
	// Products and sales: sales managers keep the catalogue; account
	// managers enter their customers' sales; finance reads all and
	// imports the ERP's export; marketing reads for its analyses.
	{".   .   x   .   x   .   .   .   .   .   .   .   .", ActProductManage},
	{".   .   x   .   x   x   x   .   .   .   .   x   .", ActSalesRead},
	{".   .   x   .   x   x   .   .   .   .   .   .   .", ActSalesCreate},
	{".   .   x   .   x   .   .   .   .   .   .   x   .", ActSalesImport},
	// Tiers: admins (and the gm) keep the company-wide schemes and the
	// service standards; the admin sees no customer in a preview; sales
	// managers and the gm override a tier or flag a customer for watch.
	{"x   .   x   .   .   .   .   .   .   .   .   .   .", ActTierManage},
	{".   .   x   x   x   x   x   x   .   .   .   .   .", ActTierRead},
	{".   .   x   .   x   .   .   .   .   .   .   .   .", ActTierOverride},
	{".   .   x   .   x   x   .   .   .   .   .   .   .", ActVisitRead}, // visit plans: the sellers and the gm, scoped
	{".   .   x   x   x   x   x   x   .   .   .   .   .", ActEventRead},
	{".   .   x   .   x   .   x   .   .   .   .   .   .", ActEventManage},
	{".   .   x   x   x   x   x   x   .   .   .   .   .", ActEventCheckIn},
	{".   .   x   .   x   x   .   x   .   .   .   .   .", ActCallRead},
	{".   .   x   .   x   x   .   x   .   .   .   .   .", ActCallCreate},
	// Leads and the pool: marketing owns leads, sales managers assign,
	// account managers claim and convert; admins and sales managers keep
	// the pool rules.
	{".   .   x   .   x   x   x   .   .   .   .   .   .", ActLeadRead},
	{".   .   x   .   .   .   x   .   .   .   .   .   .", ActLeadCreate},
	{".   .   x   .   x   .   x   .   .   .   .   .   .", ActLeadAssign},
	{".   .   .   .   .   x   .   .   .   .   .   .   .", ActLeadClaim},
	{".   .   x   .   x   x   x   .   .   .   .   .   .", ActLeadConvert},
	{".   .   x   .   x   x   .   .   .   .   .   .   .", ActPoolRead},
	{".   .   .   .   x   x   .   .   .   .   .   .   .", ActPoolClaim},
	{"x   .   .   .   x   .   .   .   .   .   .   .   .", ActPoolManage},
	// Dealers' monthly plans: sales staff read and keep them (a dealer
	// account its own, see dealerMay); sales managers merge the month's
	// into the sales plan, which the gm approves.
	{".   .   x   .   x   x   .   .   .   .   .   .   .", ActDealerPlanRead},
	{".   .   .   .   x   x   .   .   .   .   .   .   .", ActDealerPlanWrite},
	{".   .   x   .   x   .   .   .   .   .   .   .   .", ActSalesPlanManage},
	{".   .   x   .   .   .   .   .   .   .   .   .   .", ActSalesPlanApprove},
	// Workflows and orders: every staff role reads the workflows and
	// decides the steps that name it; admins edit them; sellers enter
	// orders, finance and the goods department read them, and sales
	// managers, the gm and the goods department adjust them for a shortage.
	{"x   .   x   x   x   x   x   x   x   x   x   x   x", ActWorkflowRead},
	{"x   .   .   .   .   .   .   .   .   .   .   .   .", ActWorkflowManage},
	{".   .   x   x   x   x   x   x   x   x   x   x   x", ActWorkflowDecide},
	{".   .   x   .   x   x   .   .   .   .   .   x   x", ActOrderRead},
	{".   .   x   .   x   x   .   .   .   .   .   .   .", ActOrderCreate},
	{".   .   x   .   x   .   .   .   .   .   .   .   x", ActOrderAdjust},
	// Shipping: the goods department ships and keeps the stock count; the
	// dealer (or staff for it) confirms receipt; service and sales
	// managers resolve transit claims.
	{".   .   x   .   x   x   .   x   .   .   .   x   x", ActShipmentRead},
	{".   .   .   .   .   .   .   .   .   .   .   .   x", ActShipmentWrite},
	{".   .   x   .   x   x   .   .   .   .   .   .   x", ActShipmentReceive},
	{".   .   x   .   x   .   .   .   .   .   .   .   x", ActStockRead},
	{".   .   .   .   .   .   .   .   .   .   .   .   x", ActStockWrite},
	{"x   .   .   .   .   .   .   .   .   .   .   .   .", ActShippingManage},
	{".   .   x   .   x   x   .   x   .   .   .   x   x", ActClaimRead},
	{".   .   .   .   x   x   .   x   .   .   .   .   .", ActClaimCreate},
	{".   .   .   .   x   .   .   x   .   .   .   .   .", ActClaimResolve},
	// 客户工程: the departments of each step read every project; sellers
	// enter applications for their customers.
	{".   .   x   .   x   x   .   .   x   x   x   .   x", ActProjectRead},
	{".   .   x   .   x   x   .   .   .   .   .   .   .", ActProjectCreate},
	// Care: the sellers send greetings and gifts, managers approve gifts
	// over budget, admins and managers set templates and budgets.
	{".   .   x   .   x   x   x   .   .   .   .   .   .", ActCareRead},
	{".   .   x   .   x   x   .   .   .   .   .   .   .", ActCareSend},
	{"x   .   x   .   x   .   .   .   .   .   .   .   .", ActCareManage},
	{".   .   x   .   x   .   .   .   .   .   .   .   .", ActGiftApprove},
}

// dealerMay is every action of a dealer's account (role dealer), kept
// apart from the staff's columns: it reads its own dealer, the products
// and its own sales, and keeps its own monthly plans; nothing else.
var dealerMay = []Action{ActCustomerRead, ActSalesRead, ActDealerPlanRead, ActDealerPlanWrite, ActShipmentRead, ActShipmentReceive, ActClaimRead, ActClaimCreate}

func TestADealerAccountMayTakeOnlyItsOwnActions(t *testing.T) {
	for _, a := range Actions() {
		if got, want := RoleDealer.Can(a), slices.Contains(dealerMay, a); got != want {
			t.Errorf("dealer.Can(%s) = %v, want %v", a, got, want)
		}
	}
}

func TestRoleActionMatrix(t *testing.T) {
	for _, row := range matrixWant {
		marks := strings.Fields(row.marks)
		if len(marks) != len(columns) {
			t.Fatalf("the row of %s has %d marks, want one per role (%d)", row.action, len(marks), len(columns))
		}
		for i, r := range columns {
			want := marks[i] == "x"
			verb := "may not"
			if want {
				verb = "may"
			}
			t.Run(string(r)+" "+verb+" "+string(row.action), func(t *testing.T) {
				if got := r.Can(row.action); got != want {
					t.Errorf("%s.Can(%s) = %v, want %v", r, row.action, got, want)
				}
			})
		}
	}
}

func TestEveryRoleAndActionIsInTheExpectedMatrix(t *testing.T) {
	roles, actions := declared(t)
	want := make([]Action, len(matrixWant))
	for i, row := range matrixWant {
		want[i] = row.action
	}
	for _, tc := range []struct {
		name      string
		got, want []string
	}{
		{"every role declared in the package has a column", names(roles), names(append(slices.Clone(columns), RoleDealer, RoleSecurityAdmin))},
		{"every role in Roles has a column", names(Roles), names(append(slices.Clone(columns), RoleDealer, RoleSecurityAdmin))},
		{"every action declared in the package has a row", names(actions), names(want)},
		{"every action in the matrix has a row", names(Actions()), names(want)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if extra := missing(tc.got, tc.want); len(extra) > 0 {
				t.Errorf("not in the expected matrix: %v", extra)
			}
			if gone := missing(tc.want, tc.got); len(gone) > 0 {
				t.Errorf("in the expected matrix but not in the code: %v", gone)
			}
		})
	}
	t.Run("the expected matrix lists each action once", func(t *testing.T) {
		if len(slices.Compact(slices.Sorted(slices.Values(want)))) != len(want) {
			t.Errorf("an action has two rows: %v", want)
		}
	})
	t.Run("no role is listed twice for an action", func(t *testing.T) {
		for a, rs := range matrix {
			if len(slices.Compact(slices.Sorted(slices.Values(rs)))) != len(rs) {
				t.Errorf("%s lists a role twice: %v", a, rs)
			}
		}
	})
}

func TestRoleValid(t *testing.T) {
	for _, tc := range []struct {
		role Role
		want bool
	}{
		{RoleAdmin, true}, {RoleWarehouse, true}, {"", false}, {"root", false}, {"Admin", false},
	} {
		name := strconv.Quote(string(tc.role)) + " is a role"
		if !tc.want {
			name = strconv.Quote(string(tc.role)) + " is not a role"
		}
		t.Run(name, func(t *testing.T) {
			if got := tc.role.Valid(); got != tc.want {
				t.Errorf("Role(%q).Valid() = %v, want %v", tc.role, got, tc.want)
			}
		})
	}
	t.Run("an unknown role may do nothing", func(t *testing.T) {
		for _, a := range Actions() {
			if Role("root").Can(a) {
				t.Errorf("an unknown role may %s", a)
			}
		}
	})
}

// declared reads the Role and Action constants from the package's
// source, so that a constant added without a row in the matrix is noticed
// even when it is missing from Roles and matrix as well.
func declared(t *testing.T) (roles []Role, actions []Action) {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		r, a := constants(t, f)
		roles, actions = append(roles, r...), append(actions, a...)
	}
	return roles, actions
}

// constants lists the Role and Action constants declared in f.
func constants(t *testing.T, f *ast.File) (roles []Role, actions []Action) {
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			v := s.(*ast.ValueSpec)
			typ, ok := v.Type.(*ast.Ident)
			if !ok {
				continue
			}
			for _, val := range v.Values {
				lit, ok := val.(*ast.BasicLit)
				if !ok {
					t.Fatalf("a %s constant is not a string literal", typ.Name)
				}
				s, err := strconv.Unquote(lit.Value)
				if err != nil {
					t.Fatal(err)
				}
				switch typ.Name {
				case "Role":
					roles = append(roles, Role(s))
				case "Action":
					actions = append(actions, Action(s))
				}
			}
		}
	}
	return roles, actions
}

// names turns roles or actions into strings.
func names[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

// missing lists the values of a that b lacks.
func missing(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}
