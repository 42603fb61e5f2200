package httpapi

import (
	"context"
	"net/http"
	"time"

	"liangxin/internal/store"
)

// LSNCookie carries the write-ahead log position of the user's last write,
// so that any node sends the user's reads to the primary until the read
// replica has replayed that write (read-your-own-writes). A forged value
// only moves the forger's own reads between the primary and the replica.
const LSNCookie = "liangxin_lsn"

// lsnCookieAge bounds how long a write pins the writer's reads: a replica
// further behind than that is past any sensible --replica-max-lag-seconds
// and is not used anyway.
const lsnCookieAge = 5 * time.Minute

// replicaReads routes reads when a read replica is attached: a GET or HEAD
// may be served by the replica once it has replayed the position in the
// caller's LSNCookie; any other request reads from the primary and, when it
// succeeds, stores the primary's position after its commit in the cookie.
func (s *Server) replicaReads(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.DB == nil || s.DB.Replica() == nil {
			next.ServeHTTP(w, r)
			return
		}
		if isSafeMethod(r.Method) {
			var min store.LSN
			if c, err := r.Cookie(LSNCookie); err == nil {
				min, _ = store.ParseLSN(c.Value)
			}
			next.ServeHTTP(w, r.WithContext(store.ReadFromReplica(r.Context(), min)))
			return
		}
		next.ServeHTTP(&lsnWriter{ResponseWriter: w, s: s, r: r}, r)
	})
}

// lsnWriter sets the LSN cookie just before a successful write's response
// goes out: the handler has committed by then.
type lsnWriter struct {
	http.ResponseWriter
	s    *Server
	r    *http.Request
	done bool
}

func (l *lsnWriter) note(status int) {
	if l.done {
		return
	}
	l.done = true
	if status >= 400 {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(l.r.Context()), 2*time.Second)
	defer cancel()
	lsn, err := l.s.DB.WriteLSN(ctx)
	if err != nil || lsn == 0 {
		return
	}
	http.SetCookie(l.ResponseWriter, &http.Cookie{Name: LSNCookie, Value: lsn.String(), Path: "/", MaxAge: int(lsnCookieAge.Seconds()),
		HttpOnly: true, Secure: l.s.secure(l.r), SameSite: http.SameSiteStrictMode})
}

func (l *lsnWriter) WriteHeader(code int) {
	l.note(code)
	l.ResponseWriter.WriteHeader(code)
}

func (l *lsnWriter) Write(b []byte) (int, error) {
	l.note(http.StatusOK)
	return l.ResponseWriter.Write(b)
}

func (l *lsnWriter) Flush() {
	l.note(http.StatusOK)
	if f, ok := l.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (l *lsnWriter) Unwrap() http.ResponseWriter { return l.ResponseWriter }
