#!/usr/bin/env bash
# Measures how long `liangxin serve` takes on an empty data folder until
# /healthz answers 200 (first start: migrations, loading the jurisdiction's
# divisions, creating the administrator). Usage: bench/startup.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
go build -o bin/liangxin ./cmd/liangxin
port=18931
for i in $(seq 1 "$runs"); do
  dir=$(mktemp -d)
  start=$(date +%s%N)
  ./bin/liangxin serve --data "$dir" --jurisdiction 430426 --addr 127.0.0.1:$port --log-level error >/dev/null 2>&1 &
  pid=$!
  until curl -fs -o /dev/null http://127.0.0.1:$port/healthz; do sleep 0.01; done
  end=$(date +%s%N)
  echo "run $i: $(( (end - start) / 1000000 )) ms to /healthz 200 (empty folder)"
  kill -TERM $pid; wait $pid || true
  start=$(date +%s%N)
  ./bin/liangxin serve --data "$dir" --addr 127.0.0.1:$port --log-level error >/dev/null 2>&1 &
  pid=$!
  until curl -fs -o /dev/null http://127.0.0.1:$port/healthz; do sleep 0.01; done
  end=$(date +%s%N)
  echo "run $i: $(( (end - start) / 1000000 )) ms to /healthz 200 (existing folder)"
  kill -TERM $pid; wait $pid || true
  rm -rf "$dir"
done
