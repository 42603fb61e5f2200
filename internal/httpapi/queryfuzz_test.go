package httpapi_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/auth"
	"liangxin/internal/httpapi"
	"liangxin/internal/testenv"
)

// hostileValues are what a careless or hostile client puts in a query
// parameter: long strings, LIKE and GLOB wildcards, SQL, odd Unicode,
// invalid UTF-8, control characters, and numbers and dates out of any range.
var hostileValues = []string{
	strings.Repeat("a", 50_000),
	strings.Repeat("%", 1_000),
	strings.Repeat("_%[*?", 300),
	strings.Repeat("两新", 5_000),
	strings.Repeat("%_", 50),  // at the length limit
	strings.Repeat("党", 100),  // at the length limit, 3 bytes each
	strings.Repeat("\\%", 50), // escapes of the LIKE escape
	`%_\[]*?^$`,
	`' OR 1=1 --`,
	`"; DROP TABLE users; --`,
	"\x00",
	"a\x00b",
	"\xff\xfe\xfd",
	"\u202e\u200b\ufeff𝕏🀄️",
	"\r\n\t",
	" ",
	"-1",
	"0",
	"1",
	"-9223372036854775809",
	"9223372036854775808",
	strings.Repeat("9", 400),
	"1e309",
	"2147483647",
	"-2147483648",
	"99999999",
	"1.5",
	"NaN",
	"0x7fffffff",
	"0000-01-01",
	"9999-12-31",
	"2024-02-30",
	"9999-99",
	"true",
	"[]",
}

// TestQueryParametersNeverAnswer500 walks every GET route of the route table
// and sends every hostile value in each parameter the route documents; no
// answer may be a 500 (issue 11 item 4: a 50,000-character q answered 500
// "LIKE or GLOB pattern too complex"). The path of each route comes from
// its access-matrix case, called by a role that may use it.
func TestQueryParametersNeverAnswer500(t *testing.T) {
	if testing.Short() {
		t.Skip("walks every GET route with every hostile value")
	}
	e := testenv.New(t)
	cases := matrixCases()
	for _, more := range []map[string]matrixCase{ledgerExchangeMatrixCases(), memberMatrixCases(), transferMatrixCases(), duesMatrixCases(),
		developMatrixCases(), meetingMatrixCases(), assessMatrixCases(), instructorAchieveMatrixCases(), serviceMatrixCases(), venueMatrixCases(),
		notifyMatrixCases(), contractMatrixCases(), workMatrixCases(), wishMatrixCases(), dangtongMatrixCases(), fundsMatrixCases(), homeMatrixCases(), cobuildMatrixCases(), briefingMatrixCases(), memberSelfMatrixCases(), volunteerMatrixCases()} {
		for k, v := range more {
			cases[k] = v
		}
	}
	sys := actor.System(context.Background(), "fixture")
	tin := e.User("target_in", auth.RoleReadonly, testenv.Hongqiao)
	tout := e.User("target_out", auth.RoleReadonly, testenv.Yuhe)
	other, _, err := e.App.Auth.CreateTokenFor(sys, "target_out", "别人的令牌")
	if err != nil {
		t.Fatal(err)
	}
	seq := 0
	clients := map[string]*testenv.Client{}
	client := func(role string) (*testenv.Client, *fixtures, string) {
		caller := "q_" + role
		c, ok := clients[role]
		if !ok {
			if role == auth.RoleMember {
				e.MemberUser(caller, (&fixtures{e: e, seq: &seq}).member(t, true).ID)
			} else {
				e.User(caller, role, testenv.Hongqiao)
			}
			_, secret, err := e.App.Auth.CreateTokenFor(sys, caller, "参数测试")
			if err != nil {
				t.Fatal(err)
			}
			c = e.Bearer(secret)
			clients[role] = c
		}
		f := &fixtures{e: e, seq: &seq, userIn: tin.ID, userOut: tout.ID, otherTok: other.ID, password: map[string]string{caller: testenv.Password}}
		f.ownTok = func() int64 {
			tok, _, err := e.App.Auth.CreateTokenFor(sys, caller, "临时")
			if err != nil {
				t.Fatal(err)
			}
			return tok.ID
		}
		return c, f, caller
	}
	walked := 0
	for _, rt := range (&httpapi.Server{}).Routes() {
		if rt.Method != "GET" || len(rt.Query) == 0 {
			continue
		}
		mc, ok := cases[rt.Method+" "+rt.Path]
		if !ok {
			t.Errorf("GET %s has no access-matrix case to build its path from", rt.Path)
			continue
		}
		role := ""
		for _, r := range auth.Roles() {
			if rt.Allows(r.Code) {
				role = r.Code
				break
			}
		}
		if role == "" {
			t.Errorf("GET %s: no role may use it", rt.Path)
			continue
		}
		c, f, caller := client(role)
		raw, _ := mc.call(t, f, caller, true)
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		for _, param := range append(rt.Query, "undocumented") {
			for _, v := range hostileValues {
				q := u.Query()
				q.Set(param, v)
				res := c.Do("GET", u.Path+"?"+q.Encode(), nil)
				if res.Status >= 500 {
					t.Errorf("GET %s?%s=%.40q: %d %.300s", u.Path, param, v, res.Status, res.Body)
				}
				if res.Status == 422 && !strings.Contains(string(res.Body), `"fields"`) {
					t.Errorf("GET %s?%s=%.40q: 422 without fields: %.300s", u.Path, param, v, res.Body)
				}
			}
		}
		walked++
	}
	if walked < 30 {
		t.Errorf("only %d GET routes with parameters walked", walked)
	}
}

// TestLongSearchTermRefusedNamingIt: the four lists of issue 11 item 4
// answer a 50,000-character q with a 422 that names q in Chinese, and a q at
// the limit still searches.
func TestLongSearchTermRefusedNamingIt(t *testing.T) {
	e := testenv.New(t)
	e.User("searcher", auth.RoleDistrict, testenv.Jurisdiction)
	c := e.Login("searcher", testenv.Password)
	// The member list searches by name (it has no q: an unknown parameter is a 422).
	for path, param := range map[string]string{"/api/v1/organizations": "q", "/api/v1/members": "name", "/api/v1/party-orgs": "q", "/api/v1/instructors": "q"} {
		r := c.Do("GET", path+"?"+param+"="+strings.Repeat("a", 50_000), nil)
		var body struct {
			Error struct {
				Code    string            `json:"code"`
				Message string            `json:"message"`
				Fields  map[string]string `json:"fields"`
			} `json:"error"`
		}
		r.JSON(t, &body)
		if r.Status != 422 || body.Error.Code != "invalid" || !strings.Contains(body.Error.Fields[param], "不能超过 100 个字符") || body.Error.Message == "" {
			t.Errorf("GET %s?%s=<50,000 chars>: %d %.300s, want 422 naming %s", path, param, r.Status, r.Body, param)
		}
		if r := c.Do("GET", path+"?"+param+"="+url.QueryEscape(strings.Repeat("%_", 50)), nil); r.Status != 200 {
			t.Errorf("GET %s?%s=<100 wildcards>: %d %.300s, want 200", path, param, r.Status, r.Body)
		}
	}
}
