package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"syscall"
	"time"
)

// followerNode returns the number (1-based) of a node that does not lead
// the election: the paused node must not be the one that fails its job.
func (c *cluster) followerNode() (int, error) {
	cl := &http.Client{Timeout: 2 * time.Second}
	for i, u := range c.nodes {
		res, err := cl.Get(u + "/readyz")
		if err != nil {
			continue
		}
		var body struct {
			Role string `json:"role"`
		}
		_ = json.NewDecoder(res.Body).Decode(&body)
		res.Body.Close()
		if body.Role == "follower" {
			return i + 1, nil
		}
	}
	return 0, errors.New("no follower node answers /readyz")
}

func (c *cluster) signalNode(i int, sig syscall.Signal) error {
	pid, err := c.nodePID(i)
	if err != nil {
		return err
	}
	return syscall.Kill(pid, sig)
}

// phasePause (p): import on a follower node and SIGSTOP it in the middle of
// its write transaction, past its import lease, so that the leader fails
// the job; then SIGCONT it. The woken node reaches its commit, re-checks its
// claim inside the transaction (sheetimport.Jobs.Claim), finds the job
// failed and rolls back: none of the file's rows appear and the job stays
// failed (issue 19, a node paused rather than killed).
func phasePause(ctx context.Context, l *loader, rate, rows int, runID string) error {
	victim, err := l.c.followerNode()
	if err != nil {
		return err
	}
	prefix := "集群暂停" + runID + "-"
	data, err := importBook(prefix, rows, runID)
	if err != nil {
		return err
	}
	conn, err := l.primary(ctx)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	count := func() (int, error) {
		var n int
		err := conn.QueryRow(ctx, `SELECT count(*) FROM organizations WHERE name LIKE $1`, prefix+"%").Scan(&n)
		return n, err
	}
	node := newClient(l.c.nodes[victim-1])
	if st, b, err := node.login(l.c.user, l.c.pass); err != nil || st != 200 {
		return fmt.Errorf("login on node %d: %d %s %v", victim, st, b, err)
	}
	session := "clusterpause-" + runID
	type answer struct {
		status int
		body   []byte
		err    error
	}
	answered := make(chan answer, 1)
	var stoppedAt int
	var failedAfter time.Duration
	var status, message string
	rs, actErr := l.during(rate, 0, func() error {
		go func() {
			st, b, err := node.upload(session, data)
			answered <- answer{st, b, err}
		}()
		deadline := time.Now().Add(5 * time.Minute)
		for {
			select {
			case a := <-answered:
				return fmt.Errorf("%w: the import answered %d before the node was paused: %s %v", errTooFast, a.status, trim(a.body), a.err)
			default:
			}
			var st, phase string
			var processed int
			err := conn.QueryRow(ctx, `SELECT status, phase, processed FROM import_sessions WHERE id = $1`, session).Scan(&st, &phase, &processed)
			if err == nil && st == "running" && phase == "write" && processed >= rows/2 {
				stoppedAt = processed
				break
			}
			if time.Now().After(deadline) {
				return errors.New("the import never reached its write phase")
			}
			time.Sleep(20 * time.Millisecond)
		}
		if err := l.c.signalNode(victim, syscall.SIGSTOP); err != nil {
			return err
		}
		stopped := time.Now()
		// The leader fails the job once its heartbeat is older than the lease.
		for {
			if err := conn.QueryRow(ctx, `SELECT status, message FROM import_sessions WHERE id = $1`, session).Scan(&status, &message); err != nil {
				_ = l.c.signalNode(victim, syscall.SIGCONT)
				return err
			}
			if status != "running" {
				failedAfter = time.Since(stopped)
				break
			}
			if time.Since(stopped) > *flagSettle {
				_ = l.c.signalNode(victim, syscall.SIGCONT)
				return fmt.Errorf("the paused node's job is still 'running' %s after SIGSTOP", *flagSettle)
			}
			time.Sleep(500 * time.Millisecond)
		}
		if err := l.c.signalNode(victim, syscall.SIGCONT); err != nil {
			return err
		}
		return waitReady(l.c.nodes[victim-1], 60*time.Second)
	})
	printStats("p", rs)
	if actErr != nil {
		return actErr
	}
	var a answer
	select {
	case a = <-answered:
	case <-time.After(5 * time.Minute):
		return errors.New("the woken node never answered the upload")
	}
	after, err := count()
	if err != nil {
		return err
	}
	var endStatus, endMessage string
	if err := conn.QueryRow(ctx, `SELECT status, message FROM import_sessions WHERE id = $1`, session).Scan(&endStatus, &endMessage); err != nil {
		return err
	}
	fmt.Printf("        node %d SIGSTOPped at %d of %d rows; job %s after %.0f s (%q); SIGCONT: upload answered %d %s\n",
		victim, stoppedAt, rows, status, failedAfter.Seconds(), message, a.status, trim(a.body))
	fmt.Printf("        at the end: job %s %q; organizations of the file: %d (file: %d)\n", endStatus, endMessage, after, rows)
	if _, err := l.checkWrites(ctx, l.allResults()); err != nil {
		return err
	}
	switch {
	case status != "failed":
		return fmt.Errorf("the paused node's job ended %q while it was paused, want failed", status)
	case after != 0:
		return fmt.Errorf("%d rows of the taken-over job appeared after SIGCONT", after)
	case endStatus != "failed":
		return fmt.Errorf("the job is %q after SIGCONT, want it to stay failed", endStatus)
	case a.status == http.StatusOK:
		return errors.New("the woken node answered 200: it committed after losing its claim")
	case !strings.Contains(string(a.body), "租约"):
		return fmt.Errorf("the woken node's answer does not name the lost claim: %d %s", a.status, trim(a.body))
	}
	return nil
}
