#!/usr/bin/env bash
# The cache benchmark with its peer on the same Redis, in one run. Each
# round runs redis-benchmark's pipelined GET and SET (and SETEX, the command
# RedisCache sends) and then the criterion bench's Redis group (RedisCache
# get/set with many calls in flight, get_many/set_many in batches of 16),
# both with the same value size, keyspace size and requests outstanding
# (clients × 16 pipelined = the bench's calls in flight). The memory-cache
# benches run once. Prints the median over rounds of each figure and of the
# per-round ratio peer/ours, with the range: rounds side by side keep a
# shared machine's load swings out of the ratio. Keys of both are removed
# afterwards, also when a step fails.
#   bash benches/cache/run.sh [redis://127.0.0.1:6379/15] [clients] [rounds]
# The database in the URL must be one nothing else uses: the peer's keys
# there (key:*) are deleted at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
url="${1:-redis://127.0.0.1:6379/15}"
clients="${2:-4}"
rounds="${3:-5}"
pipeline=16
in_flight=$((clients * pipeline))
keyspace=10000
requests=1000000
ttl=300

if [[ ! "$url" =~ ^redis://([^:/@]+):([0-9]+)/([0-9]+)$ ]]; then
    echo "expected redis://HOST:PORT/DB, got $url" >&2
    exit 2
fi
host="${BASH_REMATCH[1]}" port="${BASH_REMATCH[2]}" db="${BASH_REMATCH[3]}"
criterion_dir="${CARGO_TARGET_DIR:-target}/criterion"
figures="$(mktemp)"

cleanup() {
    for pattern in 'key:*' 'tickersense:bench:*'; do
        redis-cli -h "$host" -p "$port" -n "$db" --scan --pattern "$pattern" \
            | xargs -r -n 500 redis-cli -h "$host" -p "$port" -n "$db" unlink >/dev/null
    done
    rm -f "$figures"
}
trap cleanup EXIT

bench() {
    cargo bench -q -p tickersense-benches --bench cache -- "$@"
}

# Criterion's median of one benchmark's last run, as "ns-per-element elements-per-second".
ours() {
    python3 - "$criterion_dir/$1/new" <<'PY'
import json, pathlib, sys
base = pathlib.Path(sys.argv[1])
median_ns = json.loads((base / "estimates.json").read_text())["median"]["point_estimate"]
elements = json.loads((base / "benchmark.json").read_text())["throughput"]["Elements"]
print(f"{median_ns / elements:.1f} {elements / median_ns * 1e9:.0f}")
PY
}

cargo bench -q -p tickersense-benches --bench cache --no-run
# The value size is the bench's encoded quote; listing the benches prints it.
value_bytes="$(bench --list 2>/dev/null | sed -n 's/^quote value: \([0-9]*\) bytes$/\1/p')"
value="$(head -c "$value_bytes" /dev/zero | tr '\0' x)"
common=(-h "$host" -p "$port" --dbnum "$db" -P "$pipeline" -c "$clients" -r "$keyspace" -n "$requests" --csv)
echo "peer: redis-benchmark ${common[*]} -t set,get -d $value_bytes"
echo "      redis-benchmark ${common[*]} SETEX key:__rand_int__ $ttl <$value_bytes bytes>"
echo "ours: TICKERSENSE_BENCH_REDIS_URL=$url TICKERSENSE_BENCH_IN_FLIGHT=$in_flight cargo bench -p tickersense-benches --bench cache"

bench cache_memory 2>&1 | grep -E "bytes|^cache_|time:" || true
for name in hit_quote hit_quote_decoded miss; do
    echo "memory $name $(ours "cache_memory/$name")" >>"$figures"
done

for round in $(seq "$rounds"); do
    echo "round $round of $rounds"
    redis-benchmark "${common[@]}" -t set,get -d "$value_bytes" | tail -n +2 | tr -d '"' \
        | awk -F, -v r="$round" '{print "peer", $1, r, $2}' >>"$figures"
    redis-benchmark "${common[@]}" SETEX "key:__rand_int__" "$ttl" "$value" | tail -n +2 \
        | awk -F'","' -v r="$round" '{print "peer SETEX", r, $2}' >>"$figures"
    TICKERSENSE_BENCH_REDIS_URL="$url" TICKERSENSE_BENCH_IN_FLIGHT="$in_flight" \
        bench cache_redis --warm-up-time 1 --measurement-time 3 >/dev/null 2>&1
    for name in get set get_many_16 set_many_16; do
        echo "ours $name $round $(ours "cache_redis/$name")" >>"$figures"
    done
done

python3 - "$figures" "$in_flight" "$value_bytes" "$rounds" <<'PY'
import statistics, sys

path, in_flight, value_bytes, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
memory, peer, ours = {}, {}, {}
for line in open(path):
    f = line.split()
    if f[0] == "memory":
        memory[f[1]] = float(f[2])
    elif f[0] == "peer":
        peer[(f[1], int(f[2]))] = float(f[3])
    else:
        ours[(f[1], int(f[2]))] = float(f[4])

print(f"\nmemory cache, {value_bytes}-byte quote (criterion median; target: hit under 1000 ns)")
print(f"  hit {memory['hit_quote']:.0f} ns, hit + decode to Quote {memory['hit_quote_decoded']:.0f} ns, miss {memory['miss']:.0f} ns")

def span(values, fmt):
    return f"{fmt(statistics.median(values))} ({fmt(min(values))}-{fmt(max(values))})"

ops = lambda v: f"{v / 1000:,.0f}k"
ratio = lambda v: f"{v:.2f}"
print(f"\nRedis, {value_bytes}-byte values, {in_flight} requests outstanding, {rounds} rounds:")
print("median (range) over rounds; ratio = peer/ours in the same round (target: at most 1.5)")
print(f"{'ours':<26}{'ops/s':>22}   {'peer':<14}{'ops/s':>22}   {'ratio':>18}")
for name, tests in [("get", ["GET"]), ("set", ["SET", "SETEX"]),
                    ("get_many_16", ["GET"]), ("set_many_16", ["SET", "SETEX"])]:
    mine = [ours[(name, r)] for r in range(1, rounds + 1)]
    for test in tests:
        theirs = [peer[(test, r)] for r in range(1, rounds + 1)]
        ratios = [t / m for t, m in zip(theirs, mine)]
        print(f"{'RedisCache::' + name:<26}{span(mine, ops):>22}   {test + ' -P 16':<14}"
              f"{span(theirs, ops):>22}   {span(ratios, ratio):>18}")
PY
