"""The live server's checks (`make test-http`): schemathesis against its
/openapi.json, then a 60-second load at 64 connections on the cached quote
that must end with no error and flat memory.

The server runs from the release binary on a free loopback port with memory
store and cache, sample:// market data, an operator token (so the operator
endpoints are exercised too) and `--rate-limits off`.

    python tests/live/check.py --binary target/release/tickersense
        [--load-seconds 60] [--connections 64] [--examples 50] [--seed 13]
"""

import argparse
import os
import pathlib
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

QUOTE_PATH = "/api/v1/stocks/AAPL/quote"
# The most the resident memory of the load's last third may exceed its first
# third's: a leak of one allocation per request grows far past this in 60 s.
RSS_GROWTH_ALLOWED = 0.20


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`tickersense serve` on loopback; its output goes to a file shown on failure."""

    def __init__(self, binary, workdir):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.token = secrets.token_urlsafe(24)
        self.log_path = pathlib.Path(workdir) / "server.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("TICKERSENSE_")}
        env.update({
            "TICKERSENSE_STORE": "memory://",
            "TICKERSENSE_CACHE": "memory://",
            "TICKERSENSE_MARKET_DATA": "sample://",
            "TICKERSENSE_SOCIAL": "sample://",
            "TICKERSENSE_ADMIN_TOKEN": self.token,
            "RUST_LOG": "warn",
        })
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                [binary, "serve", "--listen", f"127.0.0.1:{self.port}", "--rate-limits", "off"],
                env=env, cwd=workdir, stdout=log, stderr=subprocess.STDOUT)
        self.wait_healthy()

    def get(self, path, timeout=10):
        with urllib.request.urlopen(self.base + path, timeout=timeout) as answer:
            return answer.status, answer.read()

    def wait_healthy(self):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"the server exited with {self.process.returncode}:\n{self.log()}")
            try:
                if self.get("/health", timeout=2)[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"the server did not answer /health within 30 s:\n{self.log()}")

    def rss_kib(self):
        status = pathlib.Path(f"/proc/{self.process.pid}/status").read_text()
        return int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1))

    def log(self):
        return self.log_path.read_text()[-4000:]

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def schemathesis(server, args, workdir):
    """No 5xx and every answer as the schema says, for every operation."""
    command = [
        str(pathlib.Path(sys.executable).parent / "schemathesis"), "run", f"{server.base}/openapi.json",
        "--checks", "not_a_server_error,response_schema_conformance",
        "--max-examples", str(args.examples), "--seed", str(args.seed),
        "--header", f"Authorization: Bearer {server.token}",
        "--request-timeout", "10", "--generation-database", "none",
        # One worker: with two threads, hypothesis' parsing of its own filter
        # lambdas (`ast.parse`) can fail inside schemathesis on CPython 3.11
        # ("AST constructor recursion depth mismatch"), an error of the tool,
        # not of the server. The run takes a few seconds more.
        "--workers", "1", "--no-color",
    ]
    shown = [("Authorization: Bearer ***" if a.startswith("Authorization") else a) for a in command[1:]]
    print("schemathesis " + " ".join(shown), flush=True)
    started = time.monotonic()
    # Its own files (reports, caches) stay out of the tree.
    result = subprocess.run(command, cwd=workdir)
    print(f"schemathesis: exit {result.returncode} after {time.monotonic() - started:.0f} s", flush=True)
    return result.returncode == 0


def parse_wrk(output):
    """Requests, non-2xx/3xx answers and socket errors from wrk's report."""
    requests = re.search(r"(\d+) requests in", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "requests": int(requests.group(1)) if requests else 0,
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": sum(map(int, socket_errors.groups())) if socket_errors else 0,
    }


def load(server, args):
    """The cached quote under load; returns the problems found."""
    wrk = shutil.which("wrk")
    if wrk is None:
        return ["wrk is not installed (apt-get install wrk)"]
    status, _ = server.get(QUOTE_PATH)  # warms the cache
    if status != 200:
        return [f"GET {QUOTE_PATH} answered {status} before the load"]
    samples, stop = [], threading.Event()

    def sample():
        while not stop.wait(args.sample_every):
            try:
                samples.append(server.rss_kib())
            except (OSError, AttributeError):
                return

    sampler = threading.Thread(target=sample, daemon=True)
    command = [wrk, "-t2", f"-c{args.connections}", f"-d{args.load_seconds}s", "--latency",
               server.base + QUOTE_PATH]
    print(" ".join(["wrk", *command[1:]]), flush=True)
    samples.append(server.rss_kib())
    sampler.start()
    result = subprocess.run(command, capture_output=True, text=True, timeout=args.load_seconds + 60)
    stop.set()
    sampler.join()
    print(result.stdout, end="", flush=True)
    problems = []
    if result.returncode != 0:
        problems.append(f"wrk exited with {result.returncode}: {result.stderr.strip()}")
    figures = parse_wrk(result.stdout)
    if figures["requests"] == 0:
        problems.append("wrk made no request")
    if figures["non_2xx"] or figures["socket_errors"]:
        problems.append(f"{figures['non_2xx']} non-2xx answers and {figures['socket_errors']} socket errors")
    if server.process.poll() is not None:
        problems.append(f"the server died during the load:\n{server.log()}")
    third = len(samples) // 3
    if third < 2:
        problems.append(f"only {len(samples)} memory samples")
    else:
        first, last = max(samples[:third]), max(samples[-third:])
        print(f"resident memory (KiB), one sample every {args.sample_every} s: {samples}")
        print(f"first third's max {first} KiB, last third's max {last} KiB "
              f"({(last / first - 1) * 100:+.1f} %, at most {RSS_GROWTH_ALLOWED * 100:.0f} % allowed)", flush=True)
        if last > first * (1 + RSS_GROWTH_ALLOWED):
            problems.append(f"memory grew from {first} KiB to {last} KiB under a steady load")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True)
    parser.add_argument("--load-seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--sample-every", type=float, default=2.0)
    parser.add_argument("--examples", type=int, default=50)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--skip-schemathesis", action="store_true")
    args = parser.parse_args()
    passed, failed = 0, 0
    with tempfile.TemporaryDirectory() as workdir:
        server = Server(args.binary, workdir)
        try:
            if not args.skip_schemathesis:
                if schemathesis(server, args, workdir):
                    passed += 1
                else:
                    failed += 1
            problems = load(server, args)
            for problem in problems:
                print(f"FAIL load: {problem}")
            passed, failed = (passed, failed + 1) if problems else (passed + 1, failed)
        finally:
            server.stop()
    print(f"test-http: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
