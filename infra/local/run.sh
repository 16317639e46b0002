#!/usr/bin/env bash
# Zumik on one machine against a separately started Kafka broker process and schema registry.
# Usage: infra/local/run.sh [DATA_DIR]   (Ctrl-C stops everything it started)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DATA="${1:-$HOME/.zumik/local}"
ZUMIK="$ROOT/zumik"
mkdir -p "$DATA/logs"
export ZUMIK_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9092 ZUMIK_REGISTRY_URL=http://127.0.0.1:8081
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' EXIT INT TERM

# 1. a KRaft broker as its own process (any Kafka 3.x/4.x broker works: set ZUMIK_KAFKA_BOOTSTRAP_SERVERS instead)
"$ZUMIK" kafka --data-dir "$DATA/kafka" --port 9092 >"$DATA/logs/kafka.log" 2>&1 & pids+=($!)
# 2. a Confluent-API schema registry stored in the broker (or point ZUMIK_REGISTRY_URL at yours)
"$ZUMIK" registry --port 8081 >"$DATA/logs/registry.log" 2>&1 & pids+=($!)
for _ in $(seq 60); do curl -sf http://127.0.0.1:8081/subjects >/dev/null && break; sleep 1; done
# 3. topics and schemas
"$ZUMIK" topics create
# 4. the components
"$ZUMIK" streams --state-dir "$DATA/streams" --config "$(dirname "$0")/zumik.properties" >"$DATA/logs/streams.log" 2>&1 & pids+=($!)
if [ ! -f "$DATA/keys/signing.key" ]; then "$ZUMIK" keys generate --out "$DATA/keys"; fi
"$ZUMIK" replay-worker --signing-key "$DATA/keys/signing.key" --out "$DATA/verdicts" >"$DATA/logs/replay-worker.log" 2>&1 & pids+=($!)
"$ZUMIK" capture --upstream https://api.openai.com --listen 127.0.0.1:8080 --key-dir "$DATA/capture-keys" >"$DATA/logs/capture.log" 2>&1 & pids+=($!)
echo "Zumik running: proxy http://127.0.0.1:8080 (point OPENAI_BASE_URL at http://127.0.0.1:8080/v1), lanes: $ZUMIK lanes, logs in $DATA/logs"
wait
