package httpapi_test

import (
	"bytes"
	"fmt"
	"testing"

	"liangxin/internal/testenv"
	"liangxin/internal/wish"
)

// wishFixture posts a wish at 洪桥 (in) or 玉合 (out); claimed, it is
// claimed by a fresh party organization of the same street.
func (f *fixtures) wishFixture(t *testing.T, in, claimed bool) wish.Wish {
	t.Helper()
	w, err := f.e.App.Wishes.Create(f.sys(), wish.Input{Category: "study", Content: fmt.Sprintf("矩阵心愿%d：一套学习用品", f.next()),
		WisherName: "李小明", WisherPhone: "13912345678", PublishConsent: true, RegionCode: pick(in, testenv.Hongqiao, testenv.Yuhe)})
	if err != nil {
		t.Fatal(err)
	}
	if claimed {
		po := f.partyOrg(t, in).ID
		if w, err = f.e.App.Wishes.Act(f.sys(), w.ID, wish.ActionInput{Action: wish.ActClaim, Version: w.Version, ClaimantPartyOrgID: &po}); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// wishMatrixCases are the access-matrix cases of wishRoutes and publicRoutes.
// The public routes are "anonymous allowed": every role and no role at all
// may call them (TestPublicRoutesReachNothingElse checks what they reach).
func wishMatrixCases() map[string]matrixCase {
	wishPath := func(suffix string, claimed bool, body func(wish.Wish) any) func(*testing.T, *fixtures, string, bool) (string, any) {
		return func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			w := f.wishFixture(t, in, claimed)
			var b any
			if body != nil {
				b = body(w)
			}
			return fmt.Sprintf("/api/v1/wishes/%d%s", w.ID, suffix), b
		}
	}
	return map[string]matrixCase{
		"GET /api/v1/wish-options":  {unscoped: true, call: static("/api/v1/wish-options")},
		"GET /api/v1/wish-settings": {unscoped: true, call: static("/api/v1/wish-settings")},
		"PUT /api/v1/wish-settings": {unscoped: true, call: func(*testing.T, *fixtures, string, bool) (string, any) {
			return "/api/v1/wish-settings", map[string]any{"claim_days": 15, "max_open_claims": 3, "reason": "矩阵测试"}
		}},
		"GET /api/v1/wishes":        {unscoped: true, call: static("/api/v1/wishes?state=open&category=study&sort=created_asc")},
		"GET /api/v1/wishes/counts": {unscoped: true, call: static("/api/v1/wishes/counts?q=学习")},
		"GET /api/v1/wishes/export": {unscoped: true, call: static("/api/v1/wishes/export?state=open")},
		"POST /api/v1/wishes": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return "/api/v1/wishes", map[string]any{"category": "goods", "content": "冬天需要一床棉被", "wisher_name": "王奶奶",
				"wisher_phone": "0734-1234567", "publish_consent": false, "value_cents": 15000, "region_code": pick(in, testenv.Hongqiao, testenv.Yuhe)}
		}},
		"GET /api/v1/wishes/{id}":          {call: wishPath("", false, nil)},
		"GET /api/v1/wishes/{id}/timeline": {call: wishPath("/timeline", false, nil)},
		"POST /api/v1/wishes/{id}/actions": {call: wishPath("/actions", false, func(w wish.Wish) any {
			return map[string]any{"action": "cancel", "version": w.Version, "reason": "心愿人已自行解决"}
		})},
		"POST /api/v1/wishes/{id}/photos": {upload: true, call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			w := f.wishFixture(t, in, true)
			return fmt.Sprintf("/api/v1/wishes/%d/photos", w.ID), pngBytes
		}},
		"GET /api/v1/wishes/{id}/photos/{photo_id}": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			w := f.wishFixture(t, in, true)
			p, err := f.e.App.Wishes.AddPhoto(f.sys(), w.ID, bytes.NewReader(pngBytes))
			if err != nil {
				t.Fatal(err)
			}
			return fmt.Sprintf("/api/v1/wishes/%d/photos/%d", w.ID, p.ID), nil
		}},
		"POST /api/v1/wishes/{id}/reveal-phone": {call: wishPath("/reveal-phone", false, nil)},

		"GET /api/v1/public/options": {public: true, unscoped: true, call: static("/api/v1/public/options")},
		"POST /api/v1/public/service-requests": {public: true, unscoped: true, call: func(*testing.T, *fixtures, string, bool) (string, any) {
			return "/api/v1/public/service-requests", map[string]any{"category_id": 1, "content": "小区路灯不亮", "requester_name": "赵先生",
				"requester_phone": "13700001111", "region_code": testenv.Hongqiao}
		}},
		"POST /api/v1/public/wishes": {public: true, unscoped: true, call: func(*testing.T, *fixtures, string, bool) (string, any) {
			return "/api/v1/public/wishes", map[string]any{"category": "study", "content": "想要一个书包", "wisher_name": "小刚",
				"wisher_phone": "13700002222", "publish_consent": true, "region_code": testenv.Hongqiao}
		}},
		"POST /api/v1/public/lookup": {public: true, unscoped: true, call: static("/api/v1/public/lookup")},
	}
}
