package volunteer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/store"
)

// Reward is an item of the catalogue.
type Reward struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Provider  string `json:"provider"`
	Cost      int64  `json:"cost"`
	Stock     int64  `json:"stock"`
	Active    bool   `json:"active"`
	Note      string `json:"note"`
	Redeemed  int64  `json:"redeemed"`
	CreatedAt string `json:"created_at"`
}

// RewardInput creates or changes a reward.
type RewardInput struct {
	Name     string `json:"name"`
	Provider string `json:"provider"`
	Cost     int64  `json:"cost"`
	Stock    int64  `json:"stock"`
	Active   bool   `json:"active"`
	Note     string `json:"note"`
}

const rewardCols = `w.id, w.name, w.provider, w.cost, w.stock, w.active, w.note,
	(SELECT COUNT(*) FROM tb_redemptions r WHERE r.reward_id = w.id AND r.status <> 'voided'), w.created_at`

func scanReward(sc interface{ Scan(...any) error }) (Reward, error) {
	var r Reward
	err := sc.Scan(&r.ID, &r.Name, &r.Provider, &r.Cost, &r.Stock, &r.Active, &r.Note, &r.Redeemed, &r.CreatedAt)
	return r, err
}

// ListRewards lists the catalogue (activeOnly: what can be redeemed now).
func (s *Service) ListRewards(ctx context.Context, activeOnly bool) ([]Reward, error) {
	ctx = store.WithOp(ctx, "volunteer.ListRewards")
	q := `SELECT ` + rewardCols + ` FROM tb_rewards w`
	if activeOnly {
		q += ` WHERE w.active AND w.stock > 0`
	}
	rows, err := s.DB.Query(ctx, s.DB, q+` ORDER BY w.cost, w.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Reward{}
	for rows.Next() {
		r, err := scanReward(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s *Service) reward(ctx context.Context, q store.Querier, id int64) (Reward, error) {
	r, err := scanReward(s.DB.QueryRow(ctx, q, `SELECT `+rewardCols+` FROM tb_rewards w WHERE w.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, apperr.NotFound("兑换物品")
	}
	return r, err
}

func checkReward(in *RewardInput) error {
	bad := apperr.Invalid()
	in.Name = textField(bad, "name", "物品或服务名称", in.Name, true, 60)
	in.Provider = textField(bad, "provider", "提供方（合作商家或党群服务中心）", in.Provider, true, 60)
	in.Note = textField(bad, "note", "说明", in.Note, false, 200)
	if in.Cost <= 0 || in.Cost > MaxPoints {
		bad.Field("cost", "所需积分应为 1–1000000 的整数")
	}
	if in.Stock < 0 || in.Stock > 100000 {
		bad.Field("stock", "库存应为 0–100000 的整数")
	}
	return bad.OrNil()
}

// CreateReward adds an item to the catalogue (audited).
func (s *Service) CreateReward(ctx context.Context, in RewardInput) (Reward, error) {
	ctx = store.WithOp(ctx, "volunteer.CreateReward")
	if err := checkReward(&in); err != nil {
		return Reward{}, err
	}
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Reward, error) {
		var id int64
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO tb_rewards (name, provider, cost, stock, active, note, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, in.Name, in.Provider, in.Cost, in.Stock, in.Active, in.Note, username(ctx), s.stamp(), s.stamp()).Scan(&id); err != nil {
			return Reward{}, err
		}
		r, err := s.reward(ctx, tx, id)
		if err != nil {
			return r, err
		}
		return r, s.Audit.Record(ctx, tx, audit.Entry{Action: "timebank_reward_create", Entity: "tb_reward", EntityID: fmt.Sprint(id), After: r, Note: "新增兑换物品：" + r.Name})
	})
}

// UpdateReward changes an item (audited); the cost of earlier redemptions
// stays what it was.
func (s *Service) UpdateReward(ctx context.Context, id int64, in RewardInput) (Reward, error) {
	ctx = store.WithOp(ctx, "volunteer.UpdateReward")
	if err := checkReward(&in); err != nil {
		return Reward{}, err
	}
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Reward, error) {
		before, err := s.reward(ctx, tx, id)
		if err != nil {
			return Reward{}, err
		}
		if _, err := s.DB.Exec(ctx, tx, `UPDATE tb_rewards SET name = ?, provider = ?, cost = ?, stock = ?, active = ?, note = ?, updated_at = ? WHERE id = ?`,
			in.Name, in.Provider, in.Cost, in.Stock, in.Active, in.Note, s.stamp(), id); err != nil {
			return Reward{}, err
		}
		r, err := s.reward(ctx, tx, id)
		if err != nil {
			return r, err
		}
		return r, s.Audit.Record(ctx, tx, audit.Entry{Action: "timebank_reward_update", Entity: "tb_reward", EntityID: fmt.Sprint(id), Before: before, After: r,
			Note: "修改兑换物品：" + r.Name})
	})
}

// Redemption is a reward being or having been redeemed.
type Redemption struct {
	ID          int64   `json:"id"`
	AccountID   int64   `json:"account_id"`
	AccountName string  `json:"account_name"`
	RewardID    int64   `json:"reward_id"`
	RewardName  string  `json:"reward_name"`
	Provider    string  `json:"provider"`
	Cost        int64   `json:"cost"`
	Status      string  `json:"status"`
	StatusName  string  `json:"status_name"`
	RequestedBy string  `json:"requested_by"`
	DecidedBy   string  `json:"decided_by"`
	CreatedAt   string  `json:"created_at"`
	DecidedAt   *string `json:"decided_at"`
}

// RedeemInput asks for a reward from an account.
type RedeemInput struct {
	AccountID int64 `json:"account_id"`
	RewardID  int64 `json:"reward_id"`
}

// RedemptionFilter selects redemptions.
type RedemptionFilter struct {
	Status    string
	AccountID int64
	Page      int
	PageSize  int
}

const redCols = `r.id, r.account_id, a.name, r.reward_id, w.name, w.provider, r.cost, r.status, r.requested_by, r.decided_by, r.created_at, r.decided_at`
const redFrom = ` FROM tb_redemptions r JOIN tb_accounts a ON a.id = r.account_id JOIN tb_rewards w ON w.id = r.reward_id`

func scanRedemption(sc interface{ Scan(...any) error }) (Redemption, error) {
	var r Redemption
	var at sql.NullString
	err := sc.Scan(&r.ID, &r.AccountID, &r.AccountName, &r.RewardID, &r.RewardName, &r.Provider, &r.Cost, &r.Status, &r.RequestedBy, &r.DecidedBy, &r.CreatedAt, &at)
	if at.Valid {
		r.DecidedAt = &at.String
	}
	r.StatusName = optionName(RedemptionStatuses(), r.Status)
	return r, err
}

func redScope(ctx context.Context) (string, []any, error) {
	a, _ := actor.From(ctx)
	if a.MemberID != 0 {
		return "a.member_id = ?", []any{a.MemberID}, nil
	}
	return store.ScopeFilter(ctx, "a.region_code")
}

// ListRedemptions lists redemptions of accounts in the caller's scope.
func (s *Service) ListRedemptions(ctx context.Context, f RedemptionFilter) ([]Redemption, store.Total, error) {
	ctx = store.WithOp(ctx, "volunteer.ListRedemptions")
	cond, args, err := redScope(ctx)
	if err != nil {
		return nil, store.Total{}, err
	}
	where := " WHERE " + cond
	if f.Status != "" {
		where += " AND r.status = ?"
		args = append(args, f.Status)
	}
	if f.AccountID != 0 {
		where += " AND r.account_id = ?"
		args = append(args, f.AccountID)
	}
	return store.List(ctx, s.DB, store.ListQuery{Cols: redCols, From: redFrom[1:], Cond: where[len(" WHERE "):], Args: args,
		Order: "r.id DESC"}, store.Page{Number: max(f.Page, 1), Size: max(f.PageSize, 0)}, scanRedemption)
}

func (s *Service) redemption(ctx context.Context, q store.Querier, id int64) (Redemption, error) {
	cond, args, err := redScope(ctx)
	if err != nil {
		return Redemption{}, err
	}
	r, err := scanRedemption(s.DB.QueryRow(ctx, q, `SELECT `+redCols+redFrom+` WHERE r.id = ? AND `+cond, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return r, apperr.NotFound("兑换记录")
	}
	return r, err
}

// Redeem reserves a reward for an account in the caller's scope: the
// points move to the hold (Cr account, Dr hold) and one unit of stock is
// taken; the redemption is then posted (handed over) or voided. The
// balance never goes below zero: the check runs in the write transaction
// with the account locked (PostgreSQL) or the single writer (SQLite), so
// of parallel redemptions exactly as many succeed as the balance covers;
// the others are 409.
func (s *Service) Redeem(ctx context.Context, in RedeemInput) (Redemption, error) {
	if in.AccountID <= 0 {
		return Redemption{}, apperr.InvalidField("account_id", "请选择账户")
	}
	return s.redeem(ctx, in, func(tx *sql.Tx) (int64, error) {
		a, err := s.account(ctx, tx, in.AccountID)
		return a.ID, err
	})
}

// RedeemSelf reserves a reward from the caller's own account (role member).
func (s *Service) RedeemSelf(ctx context.Context, rewardID int64) (Redemption, error) {
	a, _ := actor.From(ctx)
	if a.MemberID == 0 {
		return Redemption{}, apperr.Forbidden()
	}
	return s.redeem(ctx, RedeemInput{RewardID: rewardID}, func(tx *sql.Tx) (int64, error) {
		return s.memberAccount(ctx, tx, a.MemberID)
	})
}

func (s *Service) redeem(ctx context.Context, in RedeemInput, acct func(tx *sql.Tx) (int64, error)) (Redemption, error) {
	if in.RewardID <= 0 {
		return Redemption{}, apperr.InvalidField("reward_id", "请选择兑换物品")
	}
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Redemption, error) {
		account, err := acct(tx)
		if err != nil {
			return Redemption{}, err
		}
		if err := s.lockAccount(ctx, tx, account); err != nil {
			return Redemption{}, err
		}
		rw, err := s.reward(ctx, tx, in.RewardID)
		if err != nil {
			return Redemption{}, err
		}
		if !rw.Active {
			return Redemption{}, apperr.Conflict(rw.Name + " 已下架，不能兑换")
		}
		bal, err := s.balance(ctx, tx, account)
		if err != nil {
			return Redemption{}, err
		}
		if bal < rw.Cost {
			return Redemption{}, apperr.Conflict(fmt.Sprintf("积分不足：兑换%s需要 %d 分，可用 %d 分", rw.Name, rw.Cost, bal))
		}
		res, err := s.DB.Exec(ctx, tx, `UPDATE tb_rewards SET stock = stock - 1 WHERE id = ? AND stock > 0`, rw.ID)
		if err != nil {
			return Redemption{}, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return Redemption{}, apperr.Conflict(rw.Name + " 已兑完")
		}
		hold, err := s.systemAccount(ctx, tx, AccHold)
		if err != nil {
			return Redemption{}, err
		}
		eid, err := s.post(ctx, tx, entry{Kind: EntryReserve, Amount: rw.Cost, On: s.today(), SourceKind: "redemption", Memo: "兑换" + rw.Name + "（冻结）"},
			[]posting{{account, -rw.Cost}, {hold, rw.Cost}})
		if err != nil {
			return Redemption{}, err
		}
		var id int64
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO tb_redemptions (account_id, reward_id, cost, status, reserve_entry_id, requested_by, created_at)
			VALUES (?, ?, ?, 'reserved', ?, ?, ?) RETURNING id`, account, rw.ID, rw.Cost, eid, username(ctx), s.stamp()).Scan(&id); err != nil {
			return Redemption{}, err
		}
		r, err := s.redemption(ctx, tx, id)
		if err != nil {
			return r, err
		}
		return r, s.Audit.Record(ctx, tx, audit.Entry{Action: "timebank_redeem", Entity: "tb_redemption", EntityID: fmt.Sprint(id), After: r,
			Note: fmt.Sprintf("%s 申请兑换%s（%d 分）", r.AccountName, r.RewardName, r.Cost)})
	})
}

// DecideInput posts (handed over) or voids a reserved redemption.
type DecideInput struct {
	Post   bool   `json:"post"`
	Reason string `json:"reason"`
}

// Decide completes a reserved redemption: posting moves the points from
// the hold to the bank; voiding returns them to the account and the stock
// to the catalogue. Audited.
func (s *Service) Decide(ctx context.Context, id int64, in DecideInput) (Redemption, error) {
	bad := apperr.Invalid()
	reason := textField(bad, "reason", "说明", in.Reason, !in.Post, 200)
	if err := bad.OrNil(); err != nil {
		return Redemption{}, err
	}
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Redemption, error) {
		r, err := s.redemption(ctx, tx, id)
		if err != nil {
			return r, err
		}
		if err := s.lockAccount(ctx, tx, r.AccountID); err != nil {
			return r, err
		}
		res, err := s.DB.Exec(ctx, tx, `UPDATE tb_redemptions SET status = ?, decided_by = ?, decided_at = ? WHERE id = ? AND status = 'reserved'`,
			map[bool]string{true: RedPosted, false: RedVoided}[in.Post], username(ctx), s.stamp(), id)
		if err != nil {
			return r, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return r, apperr.Conflict("该兑换已处理过")
		}
		hold, err := s.systemAccount(ctx, tx, AccHold)
		if err != nil {
			return r, err
		}
		var eid int64
		if in.Post {
			bank, err := s.systemAccount(ctx, tx, AccBank)
			if err != nil {
				return r, err
			}
			eid, err = s.post(ctx, tx, entry{Kind: EntryPost, Amount: r.Cost, On: s.today(), SourceKind: "redemption", SourceID: id, Memo: "兑换" + r.RewardName + "（已兑付）"},
				[]posting{{hold, -r.Cost}, {bank, r.Cost}})
			if err != nil {
				return r, err
			}
		} else {
			eid, err = s.post(ctx, tx, entry{Kind: EntryVoid, Amount: r.Cost, On: s.today(), SourceKind: "redemption", SourceID: id, Memo: "取消兑换" + r.RewardName + "：" + reason},
				[]posting{{hold, -r.Cost}, {r.AccountID, r.Cost}})
			if err != nil {
				return r, err
			}
			if _, err := s.DB.Exec(ctx, tx, `UPDATE tb_rewards SET stock = stock + 1 WHERE id = ?`, r.RewardID); err != nil {
				return r, err
			}
		}
		if _, err := s.DB.Exec(ctx, tx, `UPDATE tb_redemptions SET final_entry_id = ? WHERE id = ?`, eid, id); err != nil {
			return r, err
		}
		after, err := s.redemption(ctx, tx, id)
		if err != nil {
			return after, err
		}
		note := fmt.Sprintf("%s 兑换%s：%s", after.AccountName, after.RewardName, after.StatusName)
		if reason != "" {
			note += "（" + reason + "）"
		}
		return after, s.Audit.Record(ctx, tx, audit.Entry{Action: "timebank_redeem_decide", Entity: "tb_redemption", EntityID: fmt.Sprint(id), Before: r, After: after, Note: note})
	})
}
