package httpapi

import (
	"fmt"
	"net/http"

	"liangxin/internal/instructor"
	"liangxin/internal/sheetexport"
)

// achievePeriod reads from/to or year/quarter (422 naming the field).
func (s *Server) achievePeriod(r *http.Request) (instructor.Period, error) {
	q := r.URL.Query()
	return s.Instr.ParsePeriod(q.Get("from"), q.Get("to"), q.Get("year"), q.Get("quarter"))
}

func (s *Server) rankingFilter(r *http.Request) (instructor.RankingFilter, error) {
	p, err := s.achievePeriod(r)
	if err != nil {
		return instructor.RankingFilter{}, err
	}
	return instructor.RankingFilter{Period: p, Region: r.URL.Query().Get("region"), Sort: r.URL.Query().Get("sort")}, nil
}

func (s *Server) achievementRanking(w http.ResponseWriter, r *http.Request) error {
	f, err := s.rankingFilter(r)
	if err != nil {
		return err
	}
	p, size, err := pageParams(r)
	if err != nil {
		return err
	}
	items, total, tot, err := s.Instr.Ranking(r.Context(), f, p, size)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, achievementPage{page: page[instructor.AchievementRow]{Items: items, Total: total, Page: p, PageSize: size}, Totals: tot})
	return nil
}

func (s *Server) instructorAchievement(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := s.achievePeriod(r)
	if err != nil {
		return err
	}
	a, err := s.Instr.Achievement(r.Context(), id, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) solveVisit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	visitID, err := pathID(r, "visit_id")
	if err != nil {
		return err
	}
	var in instructor.SolveInput
	if err := decode(r, &in); err != nil {
		return err
	}
	v, err := s.Instr.SolveVisit(r.Context(), id, visitID, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) exportAchievementRanking(w http.ResponseWriter, r *http.Request) error {
	f, err := s.rankingFilter(r)
	if err != nil {
		return err
	}
	return s.Instr.ExportRanking(r.Context(), xlsxTarget(w, "instructor-achievements", "党建指导员工作成效排名"), f)
}

func (s *Server) exportInstructorAchievement(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := s.achievePeriod(r)
	if err != nil {
		return err
	}
	return s.Instr.ExportAchievement(r.Context(), func(title string) sheetexport.Target {
		return xlsxTarget(w, fmt.Sprintf("instructor-%d-achievements", id), title)
	}, id, p)
}
