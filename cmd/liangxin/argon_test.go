package main

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"liangxin/internal/racetest"
	"liangxin/internal/store"
)

// TestBinaryHashesAtTheShippedCost: the real binary (not a test binary, whose
// password hashes use internal/auth's cheap test cost) stores argon2id hashes
// with the shipped parameters, m=19456 KiB, t=2, p=1.
func TestBinaryHashesAtTheShippedCost(t *testing.T) {
	if testing.Short() || racetest.Enabled {
		t.Skip("builds the binary (skipped under -short and -race, like the crash test that shares the build)")
	}
	srv := &server{t: t, bin: binary(t), data: t.TempDir()}
	srv.cli("init", "--jurisdiction", "430426")
	srv.cli("user", "create", "--username", crashUser, "--role", "district", "--scope", "430426", "--password", crashInitial)
	db, err := sql.Open("sqlite", "file:"+filepath.Join(srv.data, store.SQLiteFile)+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var hash string
	if err := db.QueryRow(`SELECT password_hash FROM users WHERE username = ?`, crashUser).Scan(&hash); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("the binary stored the password hash %.40q…: want argon2id with m=19456,t=2,p=1", hash)
	}
}
