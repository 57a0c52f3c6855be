"""The HTTP figures of benches/RESULTS.md, in one run (see run.sh).

Starts, on loopback: `tickersense serve` (memory store and cache, sample://
data, `--rate-limits off`), the bare axum server answering the same JSON
bytes, and the seed's repaired quote service under uvicorn with its Redis
key filled, then measures each with wrk in alternating rounds (so a swing in
the shared machine's load hits all three alike); then the shadow overhead
(a legacy route served by proxy, `legacy` against `shadow`) and the
rate-limit criterion bench. Prints the figures and writes the "HTTP" section
of benches/RESULTS.md.
"""

import argparse
import os
import pathlib
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

REPO = pathlib.Path(__file__).resolve().parents[2]
RESULTS = REPO / "benches" / "RESULTS.md"
QUOTE = "/api/v1/stocks/AAPL/quote"
# The seed's cache key for get_stock_quote("AAPL"): f"{name}:{args}:{kwargs}".
SEED_KEY = "get_stock_quote:():{'symbol': 'AAPL'}"
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url, timeout=10):
    with urllib.request.urlopen(url, timeout=timeout) as answer:
        return answer.status, answer.read()


class Process:
    """A server on a free loopback port, stopped with SIGINT then SIGKILL."""

    def __init__(self, name, argv, workdir, env=None, port=None, ready_path="/health"):
        self.name, self.port = name, port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        argv = [a.replace("{port}", str(self.port)) for a in argv]
        env = {k: v.replace("{port}", str(self.port)) for k, v in (env or {}).items()}
        self.log_path = pathlib.Path(workdir) / f"{name}.log"
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(argv, env={**os.environ, **env}, cwd=workdir,
                                            stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{name} exited: {self.log_path.read_text()[-3000:]}")
            try:
                get(self.base + ready_path, timeout=2)
                return
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"{name} did not answer within 60 s: {self.log_path.read_text()[-3000:]}")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def to_ms(value):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * UNITS[unit]


def wrk(url, seconds, connections, threads):
    """One wrk run: requests/s, p50 and p99 (ms), errors."""
    argv = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    out = subprocess.run(argv, capture_output=True, text=True, check=True,
                         timeout=seconds + 60).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.M))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": to_ms(latency["50"]), "p99": to_ms(latency["99"]),
        "errors": (int(non_2xx.group(1)) if non_2xx else 0)
                  + (sum(map(int, sockets.groups())) if sockets else 0),
    }


def median_of(runs):
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def help_of(binary):
    return subprocess.run([binary, "serve", "--help"], capture_output=True, text=True).stdout


def serve_args(binary, extra):
    return [binary, "serve", "--listen", "127.0.0.1:{port}", "--rate-limits", "off", *extra]


SERVE_ENV = {"TICKERSENSE_STORE": "memory://", "TICKERSENSE_CACHE": "memory://",
             "TICKERSENSE_MARKET_DATA": "sample://", "TICKERSENSE_SOCIAL": "sample://",
             "RUST_LOG": "warn"}


def shadow_outcomes(server):
    """The shadow comparisons the server counted, by outcome."""
    _, text = get(server.base + "/metrics")
    found = re.findall(r'^tickersense_shadow_comparisons_total\{[^}]*outcome="(\w+)"[^}]*\} (\d+)',
                       text.decode(), re.M)
    return {outcome: int(n) for outcome, n in found}


def shadow_overhead(args, workdir, legacy, results):
    """The quote through the proxy, route `legacy` against `shadow`: two
    servers side by side, measured in alternating rounds at the full
    concurrency (where the machine's two cores are saturated, so the shadow's
    off-path work competes with the requests) and at a light one."""
    help_text = help_of(args.tickersense)
    if "--routes" not in help_text or "--legacy-url" not in help_text:
        results["shadow"] = None
        print("shadow: skipped, `tickersense serve` has no --routes/--legacy-url")
        return
    servers = {}
    try:
        for mode in ("legacy", "shadow"):
            routes = pathlib.Path(workdir) / f"routes-{mode}.toml"
            routes.write_text(args.route_file_template.format(mode=mode))
            servers[mode] = Process(f"tickersense-{mode}", serve_args(
                args.tickersense, ["--legacy-url", legacy.base, "--routes", str(routes)]),
                workdir, SERVE_ENV)
            get(servers[mode].base + QUOTE)
            wrk(servers[mode].base + QUOTE, 2, args.connections, args.threads)
        loads = sorted({args.connections, args.light_connections}, reverse=True)
        runs = {(mode, c): [] for mode in servers for c in loads}
        for round_ in range(1, args.rounds + 1):
            for connections in loads:
                for mode, server in servers.items():
                    f = wrk(server.base + QUOTE, args.seconds, connections, min(args.threads, connections))
                    runs[(mode, connections)].append(f)
                    print(f"round {round_} {mode:<7} {connections:>3} connections {f['rps']:>9,.0f} req/s"
                          f"  p50 {f['p50']:.2f} ms  p99 {f['p99']:.2f} ms  errors {f['errors']}", flush=True)
        results["shadow"] = {key: median_of(r) for key, r in runs.items()}
        results["shadow_loads"] = loads
        results["shadow_outcomes"] = shadow_outcomes(servers["shadow"])
    finally:
        for server in servers.values():
            server.stop()


def rate_limit_bench(args):
    """The gateway's criterion bench, its result lines as they print."""
    if not (REPO / "benches" / "benches" / "rate_limit.rs").exists():
        return None
    env = {**os.environ, "TICKERSENSE_BENCH_REDIS_URL": args.redis_url}
    out = subprocess.run(["cargo", "bench", "-q", "-p", "tickersense-benches", "--bench", "rate_limit"],
                         capture_output=True, text=True, env=env, cwd=REPO)
    lines = [l.rstrip() for l in out.stdout.splitlines()
             if re.match(r"^rate_limit|^\s+(time|thrpt):", l)]
    if out.returncode != 0:
        lines.append(f"(exit {out.returncode}: {out.stderr.strip()[-500:]})")
    return lines


def redis_cli(args, *command):
    host, port = re.match(r"redis://([^:/]+):(\d+)", args.redis_url).groups()
    return subprocess.run(["redis-cli", "-h", host, "-p", port, *command],
                          capture_output=True, text=True, check=True).stdout.strip()


def section(args, r):
    """The markdown of the HTTP section."""
    t, b, s = r["tickersense"], r["bare"], r["seed"]
    ok = lambda cond: "met" if cond else "**not met**"
    lines = [
        "## HTTP",
        "",
        f"Command: `bash benches/http/run.sh` (wrk {args.threads} threads, {args.connections} connections,"
        " loopback, both servers built in the `server` profile (LTO) with mimalloc;"
        f" {args.rounds} alternating rounds of {args.seconds} s per server,"
        " median of the rounds; wrk runs on the same 2 cores as the servers; load average"
        f" {r['load_before'][0]:.2f} / {r['load_before'][1]:.2f} / {r['load_before'][2]:.2f}"
        " over 1 / 5 / 15 minutes when the run began).",
        "",
        "| server | requests/s | p50 | p99 | errors |",
        "|---|---|---|---|---|",
    ]
    for label, f in (("`tickersense serve`, cached quote (`--rate-limits off`)", t),
                     ("bare axum handler, the same JSON bytes (`bare-http`)", b),
                     ("the seed's quote endpoint, repaired, uvicorn, Redis hit", s)):
        lines.append(f"| {label} | {f['rps']:,.0f} | {f['p50']:.2f} ms | {f['p99']:.2f} ms | {f['errors']:.0f} |")
    lines += [
        "",
        f"- tickersense / bare axum: **{t['rps'] / b['rps']:.3f}×** (target at least 0.5×: {ok(t['rps'] >= 0.5 * b['rps'])})",
        f"- tickersense / the seed: **{t['rps'] / s['rps']:.1f}×** (target at least 20×: {ok(t['rps'] >= 20 * s['rps'])})",
        f"- tickersense p99: **{t['p99']:.2f} ms** (target under 2 ms: {ok(t['p99'] < 2)})",
        "",
        "The measured body is the one `tickersense serve` gives for"
        f" `GET {QUOTE}` ({r['body_bytes']} bytes); the bare server and the seed's"
        " Redis key hold the same bytes. The seed's service is"
        " `benches/http/seed_quote_service.py` (its repairs are listed at its top),"
        " run as the seed runs it (`python seed_quote_service.py`: one uvicorn"
        " worker, access log on) with uvicorn's standard extras (uvloop,"
        " httptools), which only help it.",
        "",
    ]
    shadow = r["shadow"]
    if shadow is None:
        lines += ["Shadow overhead: not measured (this build has no strangler routing).", ""]
    else:
        outcomes = ", ".join(f"{n:,} {o}" for o, n in sorted(r["shadow_outcomes"].items())) or "none"
        lines += [
            "Shadow mode: the same quote through the strangler's proxy to a legacy"
            " upstream (`bare-http`), from two servers side by side, one with the"
            " stocks group `legacy`, one with it in `shadow` (the native answer"
            " computed and compared off the request path); alternating rounds:",
            "",
            "| connections | route | requests/s | p50 | p99 | p50 added by shadow |",
            "|---|---|---|---|---|---|",
        ]
        for connections in r["shadow_loads"]:
            leg, sha = shadow[("legacy", connections)], shadow[("shadow", connections)]
            extra = sha["p50"] / leg["p50"] - 1
            lines += [
                f"| {connections} | `legacy` | {leg['rps']:,.0f} | {leg['p50']:.2f} ms | {leg['p99']:.2f} ms | |",
                f"| {connections} | `shadow` | {sha['rps']:,.0f} | {sha['p50']:.2f} ms | {sha['p99']:.2f} ms"
                f" | **{extra * 100:+.1f} %** (target under 10 %: {ok(extra < 0.10)}) |",
            ]
        lines += ["", f"Shadow comparisons counted by the shadow server's /metrics: {outcomes}.", ""]
    bench = r["rate_limit"]
    if bench is None:
        lines += ["Rate-limit decisions: not measured (no `benches/benches/rate_limit.rs` in this build).", ""]
    else:
        lines += ["Rate-limit decisions, `cargo bench -p tickersense-benches --bench rate_limit`"
                  f" (criterion; Redis at {args.redis_url}), in the same run:", "", "```", *bench, "```", ""]
    return "\n".join(lines)


def write_section(text):
    """Replaces the HTTP section of RESULTS.md (or appends it), keeping the others."""
    old = RESULTS.read_text()
    pattern = re.compile(r"^## HTTP\n.*?(?=^## |\Z)", re.M | re.S)
    new = pattern.sub(lambda _: text + "\n", old) if pattern.search(old) else old.rstrip("\n") + "\n\n" + text + "\n"
    RESULTS.write_text(new.rstrip("\n") + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickersense", required=True)
    parser.add_argument("--bare", required=True)
    parser.add_argument("--python", required=True, help="the venv's python for the seed")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--light-connections", type=int, default=4,
                        help="the shadow overhead's second, unsaturated load")
    parser.add_argument("--route-file-template", default='[groups]\nstocks = "{mode}"\n')
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    # The servers run in a scratch directory: programs by absolute path.
    args.tickersense, args.bare, args.python = (
        os.path.abspath(p) for p in (args.tickersense, args.bare, args.python))
    results, started = {"load_before": os.getloadavg()}, []
    with tempfile.TemporaryDirectory() as workdir:
        try:
            ours = Process("tickersense", serve_args(args.tickersense, []), workdir, SERVE_ENV)
            started.append(ours)
            status, body = get(ours.base + QUOTE)
            if status != 200:
                raise SystemExit(f"{QUOTE} answered {status}")
            results["body_bytes"] = len(body)
            body_file = pathlib.Path(workdir) / "quote.json"
            body_file.write_bytes(body)
            bare = Process("bare-http", [args.bare, "127.0.0.1:{port}", str(body_file)], workdir,
                           ready_path=QUOTE)
            started.append(bare)
            redis_cli(args, "SET", SEED_KEY, body.decode(), "EX", "3600")
            seed = Process("seed", [args.python, str(REPO / "benches" / "http" / "seed_quote_service.py")],
                           workdir, {"SEED_PORT": "{port}"}, ready_path=QUOTE)
            started.append(seed)
            targets = {"tickersense": ours.base, "bare": bare.base, "seed": seed.base}
            for name, base in targets.items():
                _, answer = get(base + QUOTE)
                if name != "seed" and answer != body:
                    raise SystemExit(f"{name} answers other bytes than tickersense")
                wrk(base + QUOTE, 2, args.connections, args.threads)  # warm-up
            runs = {name: [] for name in targets}
            for round_ in range(1, args.rounds + 1):
                for name, base in targets.items():
                    runs[name].append(wrk(base + QUOTE, args.seconds, args.connections, args.threads))
                    f = runs[name][-1]
                    print(f"round {round_} {name:<12} {f['rps']:>10,.0f} req/s  p50 {f['p50']:.2f} ms"
                          f"  p99 {f['p99']:.2f} ms  errors {f['errors']}", flush=True)
            results.update({name: median_of(r) for name, r in runs.items()})
            shadow_overhead(args, workdir, bare, results)
        finally:
            for process in reversed(started):
                process.stop()
            try:
                redis_cli(args, "DEL", SEED_KEY)
            except (subprocess.CalledProcessError, FileNotFoundError):
                pass
    results["rate_limit"] = rate_limit_bench(args)
    text = section(args, results)
    print("\n" + text)
    if not args.no_write:
        write_section(text)
        print(f"written to {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    sys.exit(main())
