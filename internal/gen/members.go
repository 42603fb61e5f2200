package gen

import (
	"fmt"
	mrand "math/rand/v2"
	"sync"
	"time"

	"liangxin/internal/civil"
	"liangxin/internal/pdata"
)

// memberChunk is a run of members drawn in sequence and sealed by a worker.
type memberChunk struct {
	first int // index of the first member
	rows  [][]any
	done  chan struct{}
	err   error
}

const chunkSize = 2000

type memberSet struct {
	g       *ledger
	prot    *pdata.Protector
	workers int
	now     string
	// Per member, for the membership rows.
	party   []int32
	started []day
	quit    chan struct{}
	once    sync.Once
}

func (g *ledger) members(now string, prot *pdata.Protector, workers int) *memberSet {
	return &memberSet{g: g, prot: prot, workers: workers, now: now, party: make([]int32, g.o.Members), started: make([]day, g.o.Members),
		quit: make(chan struct{})}
}

func (m *memberSet) stop() { m.once.Do(func() { close(m.quit) }) }

// draw fills the plain columns of chunk c (everything but the sealed ones).
func (m *memberSet) draw(r *mrand.Rand, c *memberChunk, n int, active []int32, mult int) {
	g := m.g
	birth0 := g.end - 75*365
	for i := 0; i < n; i++ {
		k := c.first + i
		pi := active[k%len(active)]
		p := g.party[pi]
		birth := birth0 + day(k*mult%birthSpan)
		sex := r.IntN(2)
		seq := (k/birthSpan)*2 + 1 + sex
		bt := time.Unix(int64(birth)*86400, 0).UTC()
		code := g.codes[p.region][:6]
		first17 := code + bt.Format("20060102") + fmt.Sprintf("%03d", seq)
		idNumber := first17 + string(pdata.CheckChar(first17))
		gender := "male"
		if sex == 1 {
			gender = "female"
		}
		joined := between(r, birth+18*365, g.end)
		category, confirmed := "full", any(nil)
		if joined > g.end-365 {
			category = "probationary"
		} else {
			confirmed = g.date(joined + 365)
		}
		phone := ""
		if r.IntN(100) < 85 {
			phone = "1" + string("35789"[r.IntN(5)]) + fmt.Sprintf("%09d", r.IntN(1000000000))
		}
		var unit any
		if p.firstUnit != 0 && g.orgs[p.firstUnit-1].closed == 0 && r.IntN(10) < 8 {
			unit = int64(p.firstUnit)
		}
		ethnicity := "汉族"
		if r.IntN(100) < 6 {
			ethnicity = []string{"瑶族", "土家族", "苗族", "侗族", "回族"}[r.IntN(5)]
		}
		m.party[k] = pi
		m.started[k] = max(joined, p.established)
		// In memberCols order; seal turns the plain 身份证号 (4) and phone (7)
		// into the sealed value, keyed hash and mask (4–9).
		c.rows[i] = []any{int64(k + 1), personName(r), gender, bt.Format(civil.Layout), idNumber, "", pdata.MaskID(idNumber), phone, "", "",
			g.date(joined), confirmed, category, int64(pi) + 1, unit, positions[r.IntN(len(positions))], ethnicity,
			educations[r.IntN(len(educations))], m.now, m.now}
	}
}

// seal replaces the plain 身份证号 and phone of a chunk by their sealed
// value, keyed hash and mask, as the member service stores them.
// s is the worker's own sealer (pdata.Sealer: the Protector's output,
// with its hash state and random bytes reused).
func (m *memberSet) seal(c *memberChunk, s *pdata.Sealer) {
	defer close(c.done)
	for _, row := range c.rows {
		id, phone := row[4].(string), row[7].(string)
		enc, err := s.Encrypt(id)
		if err != nil {
			c.err = err
			return
		}
		row[4], row[5], row[6] = enc, s.Hash(id), pdata.MaskID(id)
		ph, err := s.Encrypt(phone)
		if err != nil {
			c.err = err
			return
		}
		mask := ""
		if phone != "" {
			mask = pdata.MaskPhone(phone)
		}
		row[7], row[8], row[9] = ph, s.Hash(phone), mask
	}
}

var memberCols = []string{"id", "name", "gender", "birth_date", "id_number_enc", "id_number_hash", "id_number_mask",
	"phone_enc", "phone_hash", "phone_mask", "joined_on", "confirmed_on", "category", "party_org_id", "organization_id",
	"position", "ethnicity", "education", "created_at", "updated_at"}

// table streams the members: one goroutine draws chunks in order (so the
// plain data depends on the seed only), workers seal them in parallel, and
// the rows come out in order.
func (m *memberSet) table() table {
	n := m.g.o.Members
	var order chan *memberChunk
	var cur *memberChunk
	pos := 0
	start := func() {
		order = make(chan *memberChunk, 2*m.workers)
		work := make(chan *memberChunk, 2*m.workers)
		var active []int32
		for i, p := range m.g.party {
			if p.dissolved == 0 {
				active = append(active, int32(i))
			}
		}
		if len(active) == 0 {
			for i := range m.g.party {
				active = append(active, int32(i))
			}
		}
		r := mrand.New(mrand.NewPCG(m.g.o.Seed, 3))
		r.Shuffle(len(active), func(i, j int) { active[i], active[j] = active[j], active[i] })
		// A multiplier coprime to the span spreads consecutive members over
		// the birth days; (day, sequence number) stays unique per member.
		mult := 7919
		for birthSpan%mult == 0 {
			mult += 2
		}
		for w := 0; w < m.workers; w++ {
			go func() {
				s := m.prot.Sealer()
				for c := range work {
					m.seal(c, s)
				}
			}()
		}
		go func() {
			defer close(order)
			defer close(work)
			for first := 0; first < n; first += chunkSize {
				c := &memberChunk{first: first, rows: make([][]any, min(chunkSize, n-first)), done: make(chan struct{})}
				m.draw(r, c, len(c.rows), active, mult)
				select {
				case order <- c:
				case <-m.quit:
					return
				}
				select {
				case work <- c:
				case <-m.quit:
					return
				}
			}
		}()
	}
	return table{"members", memberCols, func() ([]any, error) {
		if n == 0 {
			return nil, nil
		}
		if order == nil {
			start()
		}
		for cur == nil || pos == len(cur.rows) {
			c, ok := <-order
			if !ok {
				return nil, nil
			}
			<-c.done
			if c.err != nil {
				m.stop()
				return nil, c.err
			}
			cur, pos = c, 0
		}
		row := cur.rows[pos]
		cur.rows[pos] = nil
		pos++
		return row, nil
	}}
}

// memberships opens each member's membership history in its party
// organization, from 入党日期 or the party organization's founding if later.
func (m *memberSet) memberships() table {
	k := 0
	return table{"member_memberships", []string{"id", "member_id", "party_org_id", "started_on", "created_at"}, func() ([]any, error) {
		if k == len(m.party) {
			return nil, nil
		}
		k++
		return []any{int64(k), int64(k), int64(m.party[k-1]) + 1, m.g.date(m.started[k-1]), m.now}, nil
	}}
}
