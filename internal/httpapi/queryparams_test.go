package httpapi

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"liangxin/internal/apperr"
)

func TestCheckQuery(t *testing.T) {
	cases := []struct {
		raw   string
		field string // "" = accepted
	}{
		{"", ""},
		{"q=" + strings.Repeat("a", maxQueryValue), ""},
		{"q=" + strings.Repeat("党", maxQueryValue), ""},
		{"q=" + url.QueryEscape("%_[]*?' OR 1=1 --"), ""},
		{"q=" + strings.Repeat("a", maxQueryValue+1), "q"},
		{"q=" + strings.Repeat("a", 50_000), "q"},
		{"page=1&region_code=" + strings.Repeat("4", 200), "region_code"},
		{"q=%FF%FE", "q"},
		{"q=a%00b", "q"},
		{"name=%0D%0A", "name"},
		{"q=%zz", queryField},
		{strings.Repeat("a=1&", maxQueryParams+1), queryField},
		{strings.Repeat("k", maxQueryKey+1) + "=1", queryField},
		{"=1", queryField},
	}
	for _, c := range cases {
		err := checkQuery(c.raw)
		if c.field == "" {
			if err != nil {
				t.Errorf("checkQuery(%.60q) = %v, want nil", c.raw, err)
			}
			continue
		}
		e, ok := apperr.As(err)
		if !ok || e.Kind != apperr.KindInvalid || e.Fields[c.field] == "" {
			t.Errorf("checkQuery(%.60q) = %v, want a field error on %q", c.raw, err, c.field)
		}
	}
}

// FuzzQueryParams: for any query string, checkQuery never panics; what it
// accepts parses, and every value is valid UTF-8 of at most maxQueryValue
// characters without control characters; what it refuses is a 422 naming a
// parameter of the query (or the query as a whole). pageParams, run on what
// checkQuery accepts, gives a page in range or a field error.
func FuzzQueryParams(f *testing.F) {
	for _, s := range []string{
		"", "q=两新", "q=%25%5F", "page=2&page_size=200", "page=-1", "page_size=0", "page=99999999999999999999",
		"q=%FF", "q=a%00", "a=1&a=2", "q=" + strings.Repeat("x", 101), "%zz", "q", "=", "&&&", "page=1e3", "page_size=+5",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		err := checkQuery(raw)
		if err != nil {
			e, ok := apperr.As(err)
			if !ok || e.Kind != apperr.KindInvalid || len(e.Fields) == 0 {
				t.Fatalf("checkQuery(%q) = %v, want a field error", raw, err)
			}
			values, _ := url.ParseQuery(raw)
			for field := range e.Fields {
				if _, ok := values[field]; !ok && field != queryField {
					t.Fatalf("checkQuery(%q) names %q, not a parameter of the query", raw, field)
				}
			}
			return
		}
		values, perr := url.ParseQuery(raw)
		if perr != nil {
			t.Fatalf("checkQuery accepted %q, which does not parse: %v", raw, perr)
		}
		for k, vs := range values {
			for _, v := range vs {
				if !utf8.ValidString(v) || utf8.RuneCountInString(v) > maxQueryValue || strings.ContainsFunc(v, unicode.IsControl) {
					t.Fatalf("checkQuery accepted %s=%q", k, v)
				}
			}
		}
		r := httptest.NewRequest("GET", "/api/v1/x", nil)
		r.URL.RawQuery = raw
		page, size, err := pageParams(r)
		if err != nil {
			if e, ok := apperr.As(err); !ok || e.Kind != apperr.KindInvalid {
				t.Fatalf("pageParams(%q) = %v", raw, err)
			}
			return
		}
		if page < 1 || page > 1_000_000 || size < 1 || size > 200 {
			t.Fatalf("pageParams(%q) = %d, %d", raw, page, size)
		}
	})
}
