package venue

import "liangxin/internal/store"

func isUnique(err error) bool { return store.IsUniqueViolation(err) }
