"""Checks the Kubernetes manifests without a cluster.

Core kinds (Service, ConfigMap, Secret) go to `kubernetes-validate --strict`
as they are. The Argo `Rollout` is no core kind and kubernetes-validate takes
no CRD schema, so the pod template it wraps is validated as the `Deployment`
it would be (same replicas, selector and template; strict, so an unknown or
misspelt field fails), and the Rollout's own fields are checked here: the
blue-green Services exist and differ, their selectors pick the template's
pods, the analysis templates and their arguments exist, probes name the
container's port, and every Secret and ConfigMap key the pods read exists.

    python deploy/checks/manifests.py [--kubernetes-version 1.30]
"""

import argparse
import pathlib
import subprocess
import sys
import tempfile

import yaml

DEPLOY = pathlib.Path(__file__).resolve().parent.parent
REPO = DEPLOY.parent
MANIFESTS = sorted((DEPLOY / "k8s").glob("*.yaml")) + [DEPLOY / "secret.example.yaml"]
CORE_KINDS = {"Service", "ConfigMap", "Secret"}
ARGO_KINDS = {"Rollout", "AnalysisTemplate"}


def load(paths):
    """Every document of every file, as (path, document)."""
    docs = []
    for path in paths:
        for doc in yaml.safe_load_all(path.read_text()):
            if doc is not None:
                docs.append((path, doc))
    return docs


def by_kind(docs, kind):
    return {d["metadata"]["name"]: d for _, d in docs if d.get("kind") == kind}


def as_deployment(rollout):
    """The Deployment a Rollout stands for: what kubernetes-validate can check."""
    spec = rollout["spec"]
    kept = {k: spec[k] for k in ("replicas", "revisionHistoryLimit", "selector", "template",
                                 "minReadySeconds", "progressDeadlineSeconds") if k in spec}
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": rollout["metadata"], "spec": kept}


def kubernetes_validate(paths, version):
    """Runs the kubernetes-validate command; a warning (no schema) is a failure."""
    out = subprocess.run(
        ["kubernetes-validate", "--strict", "-k", version, *map(str, paths)],
        capture_output=True, text=True, cwd=REPO)
    print(out.stdout, end="")
    print(out.stderr, end="", file=sys.stderr)
    problems = [line for line in out.stdout.splitlines() if not line.startswith("INFO")]
    return out.returncode == 0 and not problems


def selects(selector, labels):
    return all(labels.get(k) == v for k, v in selector.items())


def check_rollout(rollout, services, templates, config_maps, secrets):
    """The Rollout's own fields, which no bundled schema covers. Returns problems."""
    problems = []
    spec = rollout["spec"]
    blue_green = spec.get("strategy", {}).get("blueGreen")
    if blue_green is None:
        return ["strategy.blueGreen is missing"]
    pod_labels = spec["template"]["metadata"]["labels"]
    if not selects(spec["selector"]["matchLabels"], pod_labels):
        problems.append("spec.selector does not select the template's labels")
    active, preview = blue_green.get("activeService"), blue_green.get("previewService")
    if not active or not preview or active == preview:
        problems.append("blueGreen needs an activeService and a different previewService")
    pod = spec["template"]["spec"]
    ports = {p["name"]: p["containerPort"] for c in pod["containers"] for p in c.get("ports", [])}
    for name in (active, preview):
        service = services.get(name)
        if service is None:
            problems.append(f"Service {name} is not in the manifests")
            continue
        if not selects(service["spec"]["selector"], pod_labels):
            problems.append(f"Service {name} does not select the rollout's pods")
        for port in service["spec"]["ports"]:
            target = port.get("targetPort", port["port"])
            if target not in ports and target not in ports.values():
                problems.append(f"Service {name} targets port {target}, which no container has")
    for phase in ("prePromotionAnalysis", "postPromotionAnalysis"):
        analysis = blue_green.get(phase)
        if analysis is None:
            continue
        given = {a["name"] for a in analysis.get("args", [])}
        for ref in analysis.get("templates", []):
            template = templates.get(ref["templateName"])
            if template is None:
                problems.append(f"{phase}: AnalysisTemplate {ref['templateName']} is not in the manifests")
                continue
            wanted = {a["name"] for a in template["spec"].get("args", []) if "value" not in a}
            if wanted - given:
                problems.append(f"{phase}: arguments {sorted(wanted - given)} are not given")
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    for container in pod["containers"]:
        where = f"container {container['name']}"
        for probe, path in (("readinessProbe", "/ready"), ("livenessProbe", "/health")):
            get = container.get(probe, {}).get("httpGet")
            if get is None or get.get("path") != path:
                problems.append(f"{where}: {probe} must be an httpGet of {path}")
            elif get["port"] not in ports and get["port"] not in ports.values():
                problems.append(f"{where}: {probe} names port {get['port']}, which it does not have")
        if "limits" not in container.get("resources", {}) or "requests" not in container["resources"]:
            problems.append(f"{where}: resources need requests and limits")
        for env in container.get("env", []):
            source = env.get("valueFrom", {})
            for ref_kind, found in (("secretKeyRef", secrets), ("configMapKeyRef", config_maps)):
                ref = source.get(ref_kind)
                if ref is None:
                    continue
                doc = found.get(ref["name"])
                keys = set((doc or {}).get("data", {})) | set((doc or {}).get("stringData", {}))
                if ref["key"] not in keys:
                    problems.append(f"{where}: env {env['name']} reads {ref['name']}/{ref['key']}, which does not exist")
        for mount in container.get("volumeMounts", []):
            if mount["name"] not in volumes:
                problems.append(f"{where}: mounts volume {mount['name']}, which the pod does not have")
    for volume in volumes.values():
        config_map = volume.get("configMap")
        if config_map is None:
            continue
        data = (config_maps.get(config_map["name"]) or {}).get("data", {})
        for item in config_map.get("items", []):
            if item["key"] not in data:
                problems.append(f"volume {volume['name']}: ConfigMap key {item['key']} does not exist")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kubernetes-version", default="1.30")
    args = parser.parse_args()
    docs = load(MANIFESTS)
    problems = []
    unknown = sorted({d.get("kind") for _, d in docs} - CORE_KINDS - ARGO_KINDS)
    if unknown:
        problems.append(f"kinds with no check here: {unknown}")
    core_files = sorted({p.relative_to(REPO) for p, d in docs if d.get("kind") in CORE_KINDS})
    rollouts = by_kind(docs, "Rollout")
    if not rollouts:
        problems.append("no Rollout in the manifests")
    with tempfile.TemporaryDirectory() as tmp:
        extracted = []
        for name, rollout in rollouts.items():
            path = pathlib.Path(tmp) / f"rollout-{name}-as-deployment.yaml"
            path.write_text(yaml.safe_dump(as_deployment(rollout)))
            extracted.append(path)
        if not kubernetes_validate(core_files + extracted, args.kubernetes_version):
            problems.append("kubernetes-validate failed (see above)")
    services, templates = by_kind(docs, "Service"), by_kind(docs, "AnalysisTemplate")
    config_maps, secrets = by_kind(docs, "ConfigMap"), by_kind(docs, "Secret")
    for name, rollout in rollouts.items():
        problems += [f"Rollout {name}: {p}" for p in
                     check_rollout(rollout, services, templates, config_maps, secrets)]
    for problem in problems:
        print(f"ERROR {problem}")
    if problems:
        return 1
    print(f"manifests: {len(docs)} resources checked, Rollout validated as its Deployment")
    return 0


if __name__ == "__main__":
    sys.exit(main())
