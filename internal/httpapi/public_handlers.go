package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/civil"
	"liangxin/internal/servicereq"
	"liangxin/internal/ticket"
	"liangxin/internal/wish"
)

// publicMaxBody bounds a public page's JSON body (8 KiB: a request's text
// of 2,000 characters fits with room to spare).
const publicMaxBody = 8 << 10

// PublicLimits bounds the public page's calls per client address and hour.
type PublicLimits struct {
	// Submissions (requests and wishes together); default 10 an hour.
	Submissions int
	// Lookups (right or wrong); default 30 an hour.
	Lookups int
}

const (
	defaultPublicSubmissions = 10
	defaultPublicLookups     = 30
	publicWindow             = time.Hour
)

// publicCtx is the context of a public call: a system actor named public
// (the store needs one to write) carrying the caller's address for the audit.
func publicCtx(r *http.Request, ip string) context.Context {
	return actor.With(r.Context(), actor.Actor{Username: "public", Role: "system", System: true, IP: ip})
}

// throttle refuses a call over the limit with 429 and Retry-After.
func (s *Server) throttle(w http.ResponseWriter, r *http.Request, kind string) error {
	if s.limiter == nil {
		s.limiter = s.newLimiter()
	}
	ip := s.clientIP(r)
	ok, first, retry, err := s.limiter.allow(r.Context(), kind, ip)
	if err != nil {
		return err
	}
	if ok {
		return nil
	}
	if first {
		_ = s.Audit.Record(publicCtx(r, ip), s.DB, audit.Entry{Action: "public_rate_limited", Entity: "public", EntityID: kind, Result: audit.Denied,
			Note: fmt.Sprintf("地址 %s 的公开表单%s超过每小时上限，本小时内其余请求均被拒绝", ip, map[string]string{"submit": "提交", "lookup": "查询", "activate": "激活党员账号"}[kind])})
	}
	w.Header().Set("Retry-After", strconv.Itoa(int(retry.Seconds())+1))
	return apperr.TooMany(fmt.Sprintf("提交或查询过于频繁，请 %d 分钟后再试", int(retry.Minutes())+1))
}

// publicRegions are the regions the public page offers: the jurisdiction
// and its direct children (streets, towns). A submission names one of them.
func (s *Server) publicRegions(ctx context.Context) ([]publicRegion, error) {
	sys := actor.System(ctx, "public")
	root, err := s.Regions.Jurisdiction(sys)
	if err != nil || root == "" {
		return nil, err
	}
	top, err := s.Regions.Get(sys, root)
	if err != nil {
		return nil, err
	}
	out := []publicRegion{{Code: top.Code, Name: top.Name + "（不清楚所属街道时选此项）"}}
	kids, err := s.Regions.Children(sys, root)
	if err != nil {
		return nil, err
	}
	for _, k := range kids {
		out = append(out, publicRegion{Code: k.Code, Name: k.Name})
	}
	return out, nil
}

func (s *Server) checkPublicRegion(ctx context.Context, code string) error {
	regions, err := s.publicRegions(ctx)
	if err != nil {
		return err
	}
	for _, g := range regions {
		if g.Code == code {
			return nil
		}
	}
	return apperr.InvalidField("region_code", "请选择所在街道（乡镇）")
}

func (s *Server) publicOptions(w http.ResponseWriter, r *http.Request) error {
	o, err := s.Services.GetOptions(actor.System(r.Context(), "public"))
	if err != nil {
		return err
	}
	out := PublicOptions{Categories: []publicOption{}, WishCategories: wish.Categories()}
	for _, c := range o.Categories {
		if c.Active {
			out.Categories = append(out.Categories, publicOption{ID: c.ID, Name: c.Name})
		}
	}
	if out.Regions, err = s.publicRegions(r.Context()); err != nil {
		return err
	}
	if out.Regions == nil {
		out.Regions = []publicRegion{}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// honeypot answers a robot that filled the hidden field as if it had
// succeeded (so it learns nothing), stores nothing and audits the attempt.
func (s *Server) honeypot(w http.ResponseWriter, r *http.Request, kind string) error {
	ip := s.clientIP(r)
	if err := s.Audit.Record(publicCtx(r, ip), s.DB, audit.Entry{Action: "public_honeypot", Entity: "public", EntityID: kind, Result: audit.Denied,
		Note: fmt.Sprintf("地址 %s 的公开表单提交填写了隐藏字段，判定为机器提交，未保存", ip)}); err != nil {
		return err
	}
	year := time.Now().In(civil.Zone).Year()
	k, msg := ticket.KindRequest, "诉求已受理。请记下受理编号，凭编号和手机号后四位查询进度。"
	if kind == "wish" {
		k, msg = ticket.KindWish, "心愿已提交，工作人员审核后将在心愿墙发布。请记下受理编号，凭编号和手机号后四位查询进度。"
	}
	writeJSON(w, http.StatusCreated, ticket.Receipt{Ticket: ticket.New(k, year), Kind: kind, Message: msg})
	return nil
}

func (s *Server) publicSubmitRequest(w http.ResponseWriter, r *http.Request) error {
	if err := s.throttle(w, r, "submit"); err != nil {
		return err
	}
	var in publicRequestBody
	if err := decode(r, &in); err != nil {
		return err
	}
	if strings.TrimSpace(in.Website) != "" {
		return s.honeypot(w, r, "request")
	}
	if err := s.checkPublicRegion(r.Context(), in.RegionCode); err != nil {
		return err
	}
	rec, err := s.Services.Submit(publicCtx(r, s.clientIP(r)), servicereq.PublicInput{CategoryID: in.CategoryID, Content: in.Content,
		RequesterName: in.RequesterName, RequesterPhone: in.RequesterPhone, RegionCode: in.RegionCode})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, rec)
	return nil
}

func (s *Server) publicSubmitWish(w http.ResponseWriter, r *http.Request) error {
	if err := s.throttle(w, r, "submit"); err != nil {
		return err
	}
	var in publicWishBody
	if err := decode(r, &in); err != nil {
		return err
	}
	if strings.TrimSpace(in.Website) != "" {
		return s.honeypot(w, r, "wish")
	}
	if err := s.checkPublicRegion(r.Context(), in.RegionCode); err != nil {
		return err
	}
	rec, err := s.Wishes.Submit(publicCtx(r, s.clientIP(r)), wish.PublicInput{Category: in.Category, Content: in.Content, WisherName: in.WisherName,
		WisherPhone: in.WisherPhone, PublishConsent: in.PublishConsent, RegionCode: in.RegionCode})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, rec)
	return nil
}

func (s *Server) publicLookup(w http.ResponseWriter, r *http.Request) error {
	if err := s.throttle(w, r, "lookup"); err != nil {
		return err
	}
	var in publicLookupBody
	if err := decode(r, &in); err != nil {
		return err
	}
	bad := apperr.Invalid()
	tk, kind, ok := ticket.Normalize(in.Ticket)
	if !ok {
		bad.Field("ticket", "受理编号格式应如 S2026-7K3M9QXT2B")
	}
	last4 := strings.TrimSpace(in.PhoneLast4)
	if len(last4) != 4 || strings.Trim(last4, "0123456789") != "" {
		bad.Field("phone_last4", "请填写手机号后四位数字")
	}
	if err := bad.OrNil(); err != nil {
		return err
	}
	ctx := publicCtx(r, s.clientIP(r))
	var st ticket.Status
	var err error
	if kind == ticket.KindWish {
		st, err = s.Wishes.Lookup(ctx, tk, last4)
	} else {
		st, err = s.Services.Lookup(ctx, tk, last4)
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}
