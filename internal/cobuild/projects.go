package cobuild

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"unicode/utf8"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/store"
	"liangxin/internal/workloop"
)

// Project is an item of the 项目清单: it links needs and resources.
type Project struct {
	ID            int64      `json:"id"`
	AgreementID   *int64     `json:"agreement_id"`
	CommunityCode string     `json:"community_code"`
	CommunityName string     `json:"community_name"`
	Title         string     `json:"title"`
	Owner         string     `json:"owner"`
	StartsOn      string     `json:"starts_on"`
	EndsOn        string     `json:"ends_on"`
	Status        string     `json:"status"`
	StatusName    string     `json:"status_name"`
	Result        string     `json:"result"`
	Needs         []Need     `json:"needs"`
	Resources     []Resource `json:"resources"`
	Files         []File     `json:"files"`
	CreatedAt     string     `json:"created_at"`
}

// ProjectInput creates or changes a project. Linking a need marks it
// matched, a resource in use; a project done marks its needs done.
type ProjectInput struct {
	AgreementID   *int64  `json:"agreement_id"`
	CommunityCode string  `json:"community_code"`
	Title         string  `json:"title"`
	Owner         string  `json:"owner"`
	StartsOn      string  `json:"starts_on"`
	EndsOn        string  `json:"ends_on"`
	Status        string  `json:"status"`
	Result        string  `json:"result"`
	NeedIDs       []int64 `json:"need_ids"`
	ResourceIDs   []int64 `json:"resource_ids"`
}

// File is an evidence file of a project (sealed at rest).
type File struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	CreatedAt   string `json:"created_at"`
}

const projectCols = `p.id, p.agreement_id, p.community_code, COALESCE(g.name, ''), p.title, p.owner, p.starts_on, p.ends_on, p.status, p.result, p.created_at`

const projectFrom = `FROM cobuild_projects p LEFT JOIN regions g ON g.code = p.community_code`

func scanProject(row interface{ Scan(...any) error }) (Project, error) {
	var p Project
	var ag sql.NullInt64
	err := row.Scan(&p.ID, &ag, &p.CommunityCode, &p.CommunityName, &p.Title, &p.Owner, &p.StartsOn, &p.EndsOn, &p.Status, &p.Result, &p.CreatedAt)
	p.AgreementID = nullInt(ag)
	p.StatusName = optionName(ProjectStatuses(), p.Status)
	p.Needs, p.Resources, p.Files = []Need{}, []Resource{}, []File{}
	return p, err
}

func (s *Service) getProject(ctx context.Context, q store.Querier, id int64) (Project, error) {
	cond, args, err := store.ScopeFilter(ctx, "p.community_code")
	if err != nil {
		return Project{}, err
	}
	p, err := scanProject(s.DB.QueryRow(ctx, q, `SELECT `+projectCols+` `+projectFrom+` WHERE p.id = ? AND `+cond, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return p, apperr.NotFound("共建项目")
	}
	if err != nil {
		return p, err
	}
	nr, err := s.DB.Query(ctx, q, `SELECT `+needCols+` `+needFrom+` JOIN cobuild_project_links l ON l.kind = 'need' AND l.item_id = n.id WHERE l.project_id = ? ORDER BY n.id`, id)
	if err != nil {
		return p, err
	}
	for nr.Next() {
		n, err := scanNeed(nr)
		if err != nil {
			nr.Close()
			return p, err
		}
		p.Needs = append(p.Needs, n)
	}
	nr.Close()
	rr, err := s.DB.Query(ctx, q, `SELECT `+resourceCols+` `+resourceFrom+` JOIN cobuild_project_links l ON l.kind = 'resource' AND l.item_id = r.id WHERE l.project_id = ? ORDER BY r.id`, id)
	if err != nil {
		return p, err
	}
	for rr.Next() {
		r, err := scanResource(rr)
		if err != nil {
			rr.Close()
			return p, err
		}
		p.Resources = append(p.Resources, r)
	}
	rr.Close()
	fr, err := s.DB.Query(ctx, q, `SELECT id, name, content_type, size, created_at FROM cobuild_files WHERE project_id = ? ORDER BY id`, id)
	if err != nil {
		return p, err
	}
	defer fr.Close()
	for fr.Next() {
		var f File
		if err := fr.Scan(&f.ID, &f.Name, &f.ContentType, &f.Size, &f.CreatedAt); err != nil {
			return p, err
		}
		p.Files = append(p.Files, f)
	}
	return p, fr.Err()
}

// GetProject returns a project in scope with its needs, resources and files.
func (s *Service) GetProject(ctx context.Context, id int64) (Project, error) {
	ctx = store.WithOp(ctx, "cobuild.GetProject")
	return s.getProject(ctx, s.DB, id)
}

var projectSorts = map[string]string{"starts_desc": "p.starts_on DESC, p.id DESC", "ends": "p.ends_on, p.id", "title": "p.title, p.id"}

// ProjectSortCodes lists the sorts.
func ProjectSortCodes() []string { return []string{"starts_desc", "ends", "title"} }

// ListProjects returns a page of projects in scope (without links).
func (s *Service) ListProjects(ctx context.Context, f ListFilter) ([]Project, store.Total, error) {
	ctx = store.WithOp(ctx, "cobuild.ListProjects")
	if err := validListFilter(f, ProjectStatuses(), ProjectSortCodes()); err != nil {
		return nil, store.Total{}, err
	}
	order, _ := sortOrder(projectSorts, "starts_desc", f.Sort)
	cond, args, err := store.ScopeFilter(ctx, "p.community_code")
	if err != nil {
		return nil, store.Total{}, err
	}
	cond, args = filterCommon(cond, args, f, "p.community_code", "p.status", "", "", "p.agreement_id", []string{"p.title", "p.owner", "p.result"})
	out, total, err := store.ListPage(ctx, s.DB, projectCols, projectFrom, cond, args, order, f.Page.store(), scanProject)
	if err != nil {
		return nil, store.Total{}, fmt.Errorf("cobuild: list projects: %w", err)
	}
	return out, total, nil
}

func (s *Service) validateProject(ctx context.Context, q store.Querier, in *ProjectInput) error {
	bad := apperr.Invalid()
	in.Title = textField(bad, "title", "项目名称", in.Title, true, 100)
	in.Owner = textField(bad, "owner", "项目负责人", in.Owner, true, 50)
	in.StartsOn = dateField(bad, "starts_on", "开始日期", in.StartsOn, true)
	in.EndsOn = dateField(bad, "ends_on", "结束日期", in.EndsOn, true)
	if in.StartsOn != "" && in.EndsOn != "" && in.EndsOn < in.StartsOn {
		bad.Field("ends_on", "结束日期不能早于开始日期")
	}
	if in.Status == "" {
		in.Status = "planned"
	}
	in.Status = enumField(bad, "status", "项目状态", ProjectStatuses(), in.Status)
	in.Result = textField(bad, "result", "项目成效", in.Result, false, 2000)
	if in.Status == "done" && in.Result == "" {
		bad.Field("result", "项目完成时请填写成效")
	}
	if err := bad.OrNil(); err != nil {
		return err
	}
	if err := s.community(ctx, q, "community_code", in.CommunityCode); err != nil {
		return err
	}
	if _, err := s.agreementFor(ctx, q, in.AgreementID); err != nil {
		return err
	}
	for _, id := range in.NeedIDs {
		n, err := s.getNeed(ctx, q, id)
		if err != nil {
			return apperr.InvalidField("need_ids", fmt.Sprintf("需求 %d 不存在或不在您的管辖范围内", id))
		}
		if n.CommunityCode != in.CommunityCode {
			return apperr.InvalidField("need_ids", fmt.Sprintf("需求「%s」不是本社区的", n.Title))
		}
	}
	for _, id := range in.ResourceIDs {
		if _, err := s.getResource(ctx, q, id); err != nil {
			return apperr.InvalidField("resource_ids", fmt.Sprintf("资源 %d 不存在或不在您的管辖范围内", id))
		}
	}
	return nil
}

func (s *Service) link(ctx context.Context, tx *sql.Tx, id int64, in ProjectInput) error {
	if _, err := s.DB.Exec(ctx, tx, `DELETE FROM cobuild_project_links WHERE project_id = ?`, id); err != nil {
		return err
	}
	seen := map[string]bool{}
	needState := "matched"
	if in.Status == "done" {
		needState = "done"
	}
	for _, n := range in.NeedIDs {
		if k := fmt.Sprint("n", n); !seen[k] {
			seen[k] = true
			if _, err := s.DB.Exec(ctx, tx, `INSERT INTO cobuild_project_links (project_id, kind, item_id) VALUES (?, 'need', ?)`, id, n); err != nil {
				return err
			}
			if _, err := s.DB.Exec(ctx, tx, `UPDATE cobuild_needs SET state = ?, updated_at = ? WHERE id = ? AND state IN ('open', 'matched')`, needState, s.stamp(), n); err != nil {
				return err
			}
		}
	}
	for _, r := range in.ResourceIDs {
		if k := fmt.Sprint("r", r); !seen[k] {
			seen[k] = true
			if _, err := s.DB.Exec(ctx, tx, `INSERT INTO cobuild_project_links (project_id, kind, item_id) VALUES (?, 'resource', ?)`, id, r); err != nil {
				return err
			}
			if _, err := s.DB.Exec(ctx, tx, `UPDATE cobuild_resources SET state = 'in_use', updated_at = ? WHERE id = ? AND state = 'available'`, s.stamp(), r); err != nil {
				return err
			}
		}
	}
	return nil
}

// CreateProject creates a project linking needs and resources.
func (s *Service) CreateProject(ctx context.Context, in ProjectInput) (Project, error) {
	ctx = store.WithOp(ctx, "cobuild.CreateProject")
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Project, error) {
		if err := s.validateProject(ctx, tx, &in); err != nil {
			return Project{}, err
		}
		now := s.stamp()
		var id int64
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO cobuild_projects (agreement_id, community_code, title, owner, starts_on, ends_on, status, result, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, in.AgreementID, in.CommunityCode, in.Title, in.Owner, in.StartsOn, in.EndsOn, in.Status, in.Result,
			username(ctx), now, now).Scan(&id); err != nil {
			return Project{}, err
		}
		if err := s.link(ctx, tx, id, in); err != nil {
			return Project{}, err
		}
		p, err := s.getProject(ctx, tx, id)
		if err != nil {
			return p, err
		}
		return p, s.Audit.Record(ctx, tx, audit.Entry{Action: "cobuild_project_create", Entity: "cobuild_project", EntityID: fmt.Sprint(id), After: p,
			Note: fmt.Sprintf("%s立项「%s」（%d 项需求、%d 项资源）", p.CommunityName, p.Title, len(p.Needs), len(p.Resources))})
	})
}

// UpdateProject changes a project (its status, result and links).
func (s *Service) UpdateProject(ctx context.Context, id int64, in ProjectInput) (Project, error) {
	ctx = store.WithOp(ctx, "cobuild.UpdateProject")
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Project, error) {
		before, err := s.getProject(ctx, tx, id)
		if err != nil {
			return before, err
		}
		if err := s.validateProject(ctx, tx, &in); err != nil {
			return Project{}, err
		}
		if _, err := s.DB.Exec(ctx, tx, `UPDATE cobuild_projects SET agreement_id = ?, community_code = ?, title = ?, owner = ?, starts_on = ?, ends_on = ?, status = ?, result = ?, updated_at = ? WHERE id = ?`,
			in.AgreementID, in.CommunityCode, in.Title, in.Owner, in.StartsOn, in.EndsOn, in.Status, in.Result, s.stamp(), id); err != nil {
			return Project{}, err
		}
		if err := s.link(ctx, tx, id, in); err != nil {
			return Project{}, err
		}
		p, err := s.getProject(ctx, tx, id)
		if err != nil {
			return p, err
		}
		return p, s.Audit.Record(ctx, tx, audit.Entry{Action: "cobuild_project_update", Entity: "cobuild_project", EntityID: fmt.Sprint(id), Before: before, After: p,
			Note: fmt.Sprintf("修改共建项目「%s」（%s）", p.Title, p.StatusName)})
	})
}

// MaxFileBytes bounds one evidence file (20 MiB).
const MaxFileBytes = 20 << 20

// MaxFiles bounds the evidence files of a project.
const MaxFiles = 20

func sniff(data []byte) (string, string) {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		return "image/jpeg", ".jpg"
	case bytes.HasPrefix(data, []byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}):
		return "image/png", ".png"
	}
	switch ct := workloop.SniffDocument(data); ct {
	case "application/pdf":
		return ct, ".pdf"
	case "application/vnd.openxmlformats-officedocument.wordprocessingml.document":
		return ct, ".docx"
	case "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
		return ct, ".xlsx"
	}
	return "", ""
}

// AddFile attaches an evidence file to a project: JPG, PNG, PDF, Word or
// Excel by content, at most MaxFileBytes, sealed with the personal-data key.
func (s *Service) AddFile(ctx context.Context, projectID int64, name string, r io.Reader) (File, error) {
	if _, err := s.getProject(ctx, s.DB, projectID); err != nil {
		return File{}, err
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return File{}, err
	}
	if len(data) > MaxFileBytes {
		return File{}, apperr.InvalidField("file", fmt.Sprintf("每个佐证材料不能超过 %d MB", MaxFileBytes>>20))
	}
	if len(data) == 0 {
		return File{}, apperr.InvalidField("file", "文件是空的")
	}
	ct, ext := sniff(data)
	if ct == "" {
		return File{}, apperr.InvalidField("file", "只能上传 JPG、PNG 照片或 PDF、Word（.docx）、Excel（.xlsx）文件")
	}
	name = strings.TrimSpace(path.Base(strings.ReplaceAll(name, `\`, "/")))
	if name == "" || name == "." || name == "/" || utf8.RuneCountInString(name) > 100 {
		name = "佐证材料" + ext
	}
	if !strings.HasSuffix(strings.ToLower(name), ext) && !(ext == ".jpg" && strings.HasSuffix(strings.ToLower(name), ".jpeg")) {
		name = strings.TrimSuffix(name, path.Ext(name)) + ext
	}
	p, err := s.protector()
	if err != nil {
		return File{}, err
	}
	sealed, err := p.SealBytes(data)
	if err != nil {
		return File{}, err
	}
	out := File{Name: name, ContentType: ct, Size: int64(len(data)), CreatedAt: s.stamp()}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		pr, err := s.getProject(ctx, tx, projectID)
		if err != nil {
			return err
		}
		if len(pr.Files) >= MaxFiles {
			return apperr.InvalidField("file", fmt.Sprintf("每个项目最多上传 %d 个佐证材料", MaxFiles))
		}
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO cobuild_files (project_id, name, content_type, size, sealed_data, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			projectID, name, ct, out.Size, sealed, username(ctx), out.CreatedAt).Scan(&out.ID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "cobuild_file_add", Entity: "cobuild_project", EntityID: fmt.Sprint(projectID), After: out,
			Note: fmt.Sprintf("共建项目「%s」上传佐证材料「%s」", pr.Title, name)})
	})
	if err != nil {
		return File{}, fmt.Errorf("cobuild: add file: %w", err)
	}
	return out, nil
}

// OpenFile returns an evidence file of a project in scope, opened.
func (s *Service) OpenFile(ctx context.Context, projectID, fileID int64) (File, []byte, error) {
	if _, err := s.getProject(ctx, s.DB, projectID); err != nil {
		return File{}, nil, err
	}
	var f File
	var blob []byte
	err := s.DB.QueryRow(ctx, s.DB, `SELECT id, name, content_type, size, created_at, sealed_data FROM cobuild_files WHERE id = ? AND project_id = ?`, fileID, projectID).
		Scan(&f.ID, &f.Name, &f.ContentType, &f.Size, &f.CreatedAt, &blob)
	if errors.Is(err, sql.ErrNoRows) {
		return File{}, nil, apperr.NotFound("佐证材料")
	}
	if err != nil {
		return File{}, nil, err
	}
	p, err := s.protector()
	if err != nil {
		return File{}, nil, err
	}
	data, err := p.OpenBytes(blob)
	if err != nil {
		return File{}, nil, fmt.Errorf("cobuild: open file %d: %w", fileID, err)
	}
	return f, data, nil
}
