"""Checks that the deployment speaks the binary's language.

Every flag the Rollout's container and the Dockerfile pass to `tickersense
serve` must be one `tickersense serve --help` lists (with a value among its
possible values, where it lists them), and every `TICKERSENSE_*` variable
they set must be one a flag of the help reads (its `[env: NAME]`). Then the binary is
started with the ConfigMap's route file, local stand-ins for the Secret's
URLs and the manifest's flags, and must answer /health (a route file it
cannot read fails here), and its /metrics must hold every metric, with its
labels, that the rollout's AnalysisTemplate queries.

    python deploy/checks/flags.py PATH/TO/tickersense
"""

import json
import os
import pathlib
import re
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import yaml

REPO = pathlib.Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
# What the pods' secret values are replaced with for the local start: no
# network, no files.
LOCAL_VALUES = {
    "TICKERSENSE_STORE": "memory://",
    "TICKERSENSE_CACHE": "memory://",
    "TICKERSENSE_MARKET_DATA": "sample://",
    "TICKERSENSE_ADMIN_TOKEN": "local-check-token",
    "TICKERSENSE_LEGACY_URL": "http://127.0.0.1:9",
}


class Help:
    """What `tickersense serve --help` says it accepts."""

    def __init__(self, text):
        self.takes_value = {}
        self.possible = {}
        # `[env: NAME=VALUE]`, or `[env: NAME]` where values are hidden.
        self.env = set(re.findall(r"\[env: ([A-Z0-9_]+)[=\]]", text))
        # Clap lists one option a line: `  -l, --listen <LISTEN>  doc [env: ..]`;
        # its wrapped doc lines never start with `-`.
        for match in re.finditer(r"(?m)^\s+(?:-\w, )?(--[a-z0-9-]+)(?:[ =]<[^>]+>)?", text):
            flag = match.group(1)
            self.takes_value[flag] = "<" in match.group(0)
            rest = text[match.end():].split("\n  -", 1)[0]
            values = re.search(r"\[possible values: ([^\]]+)\]", rest)
            if values:
                self.possible[flag] = {v.strip() for v in values.group(1).split(",")}


def serve_args(argv, where, help_, problems):
    """Checks one `serve ...` argument list; returns the (flag, value) pairs."""
    if not argv or argv[0] != "serve":
        problems.append(f"{where}: does not run `serve` ({shlex.join(argv)})")
        return []
    pairs, rest = [], list(argv[1:])
    while rest:
        word = rest.pop(0)
        flag, _, inline = word.partition("=")
        if flag not in help_.takes_value:
            problems.append(f"{where}: `{word}` is not a flag of `tickersense serve`")
            if not inline and rest and not rest[0].startswith("-"):
                rest.pop(0)  # its value, most likely
            continue
        value = None
        if help_.takes_value[flag]:
            value = inline or (rest.pop(0) if rest else None)
            if value is None:
                problems.append(f"{where}: {flag} needs a value")
            elif flag in help_.possible and value not in help_.possible[flag]:
                problems.append(f"{where}: {flag} {value} is not one of {sorted(help_.possible[flag])}")
        pairs.append((flag, value))
    return pairs


def dockerfile_serve(problems):
    """ENTRYPOINT + CMD of the runtime stage, and the port the health check hits."""
    text = (DEPLOY / "Dockerfile").read_text().replace("\\\n", " ")
    entry = cmd = None
    for line in text.splitlines():
        if line.startswith("ENTRYPOINT "):
            entry = json.loads(line[len("ENTRYPOINT "):])
        elif line.startswith("CMD "):
            cmd = json.loads(line[len("CMD "):])
    health = re.search(r"HEALTHCHECK .*?/dev/tcp/127\.0\.0\.1/(\d+).*?GET (/\S+) ", text)
    exposed = re.search(r"(?m)^EXPOSE (\d+)", text)
    if entry is None or cmd is None or health is None or exposed is None:
        problems.append("Dockerfile: needs ENTRYPOINT, CMD, EXPOSE and a HEALTHCHECK on /dev/tcp")
        return []
    if not entry[0].endswith("/tickersense"):
        problems.append(f"Dockerfile: ENTRYPOINT {entry} is not the tickersense binary")
    if health.group(2) != "/health":
        problems.append(f"Dockerfile: the health check asks {health.group(2)}, not /health")
    if "--listen" in cmd:
        port = cmd[cmd.index("--listen") + 1].rsplit(":", 1)[-1]
        if not port == health.group(1) == exposed.group(1):
            problems.append(f"Dockerfile: listens on {port}, checks {health.group(1)}, exposes {exposed.group(1)}")
    return entry[1:] + cmd


def rollout_container():
    for path in sorted((DEPLOY / "k8s").glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc and doc.get("kind") == "Rollout":
                return doc["spec"]["template"]["spec"]["containers"][0]
    raise SystemExit("no Rollout in deploy/k8s")


def config_map_file(mount_path):
    """The ConfigMap file behind a path the container reads, written locally."""
    for path in sorted((DEPLOY / "k8s").glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc and doc.get("kind") == "ConfigMap":
                name = pathlib.PurePosixPath(mount_path).name
                if name in doc.get("data", {}):
                    return doc["data"][name]
    return None


# Labels Prometheus adds when it scrapes a pod behind a Service.
SCRAPE_LABELS = {"service", "pod", "instance", "job", "namespace", "container", "endpoint"}


def analysis_metrics():
    """(metric, labels) of every series the AnalysisTemplates query."""
    wanted = set()
    for path in sorted((DEPLOY / "k8s").glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if not doc or doc.get("kind") != "AnalysisTemplate":
                continue
            for metric in doc["spec"]["metrics"]:
                query = metric.get("provider", {}).get("prometheus", {}).get("query", "")
                query = re.sub(r"\{\{[^}]*\}\}", "ARG", query)  # Argo's {{args.NAME}}
                for name, selector in re.findall(r"(tickersense_[a-z0-9_]+)\{([^}]*)\}", query):
                    labels = set(re.findall(r"(\w+)\s*(?:=~|!~|!=|=)", selector)) - SCRAPE_LABELS
                    wanted.add((name, frozenset(labels)))
    return wanted


def check_metrics(base, problems):
    """The server's /metrics holds what the analysis asks Prometheus for."""
    # One request through the API so its counters have a series; the legacy
    # stand-in answers nothing, so a shadow or legacy route answers 503.
    try:
        urllib.request.urlopen(f"{base}/api/v1/stocks/AAPL/quote", timeout=10).close()
    except urllib.error.HTTPError:
        pass
    with urllib.request.urlopen(f"{base}/metrics", timeout=10) as answer:
        exposition = answer.read().decode()
    before = len(problems)
    for name, labels in sorted(analysis_metrics()):
        samples = re.findall(rf"(?m)^{name}\{{([^}}]*)\}}", exposition)
        if not samples:
            problems.append(f"AnalysisTemplate queries {name}, which /metrics does not have")
            continue
        present = set(re.findall(r"(\w+)=", samples[0]))
        if labels - present:
            problems.append(f"AnalysisTemplate queries {name} by {sorted(labels - present)}, "
                            f"labels it does not have ({sorted(present)})")
    if len(problems) == before:
        print(f"/metrics holds the {len(analysis_metrics())} series the analysis queries, with their labels")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def starts(binary, pairs, env_names, problems):
    """Starts the binary as the pod would, on loopback, and asks /health."""
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        argv = [binary, "serve"]
        for flag, value in pairs:
            if flag == "--listen":
                value = f"127.0.0.1:{port}"
            elif value is not None and value.startswith("/etc/"):
                content = config_map_file(value)
                if content is None:
                    problems.append(f"{flag} {value}: no ConfigMap holds {value}")
                    return
                local = pathlib.Path(tmp) / pathlib.PurePosixPath(value).name
                local.write_text(content)
                value = str(local)
            argv += [flag] if value is None else [flag, value]
        if "--listen" not in dict(pairs):
            argv += ["--listen", f"127.0.0.1:{port}"]
        env = {k: v for k, v in os.environ.items() if not k.startswith("TICKERSENSE_")}
        env.update({name: LOCAL_VALUES.get(name, "memory://") for name in env_names})
        log = pathlib.Path(tmp) / "server.log"
        with log.open("w") as out:
            server = subprocess.Popen(argv, env=env, cwd=tmp, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and server.poll() is None:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as answer:
                        if answer.status == 200:
                            print(f"started as the pod would and /health answered 200: {shlex.join(argv[1:])}")
                            check_metrics(f"http://127.0.0.1:{port}", problems)
                            return
                except OSError:
                    time.sleep(0.2)
            problems.append(f"the binary did not answer /health with the pod's flags and route file:\n"
                            f"{shlex.join(argv[1:])}\n{log.read_text()[-2000:]}")
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    binary = os.path.abspath(sys.argv[1])
    help_ = Help(subprocess.run([binary, "serve", "--help"], capture_output=True, text=True,
                                check=True).stdout)
    accepted_env = help_.env
    problems = []
    docker_pairs = serve_args(dockerfile_serve(problems), "Dockerfile CMD", help_, problems)
    container = rollout_container()
    pod_pairs = serve_args(container.get("command", [])[1:] + container.get("args", []),
                           "Rollout args", help_, problems)
    env_names = [e["name"] for e in container.get("env", [])]
    for name in env_names:
        if name.startswith("TICKERSENSE_") and name not in accepted_env:
            problems.append(f"Rollout env: {name} is read by no flag and no backend setting")
    if not problems:
        starts(binary, pod_pairs, [n for n in env_names if n.startswith("TICKERSENSE_")], problems)
    for problem in problems:
        print(f"ERROR {problem}")
    if problems:
        return 1
    print(f"flags: Dockerfile {len(docker_pairs)} and Rollout {len(pod_pairs)} flags, "
          f"{len(env_names)} env variables, all accepted by `tickersense serve`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
