"""The deployment files (Dockerfile, config/compose/, config/k8s/, config/prometheus/
prometheus.yml) agree with the code: every ``VOICE_AGENT_*`` name is a setting and every
environment they build is valid ``Settings``; probes and health checks hit routes the app
really serves without a key; ports, images, label selectors, mounts and grace periods
agree across the files; the HPA's metric exists and the image leaves the training package
out. Checked by parsing (no container engine) and, for Prometheus, with promtool."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from prometheus_client import REGISTRY
from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.testclient import TestClient

import voice_agent.metrics  # noqa: F401 - registers the metrics the HPA may scale on
from voice_agent.api.app import PUBLIC_PATHS, create_app
from voice_agent.api.auth import Role, parse_key_entry
from voice_agent.call.live import WIND_DOWN_S
from voice_agent.settings import Settings, unknown_variables

REPO_ROOT = Path(__file__).resolve().parents[2]
CONFIG = REPO_ROOT / "config"
DOCKERFILE = REPO_ROOT / "Dockerfile"
COMPOSE_DIR = CONFIG / "compose"
COMPOSE_FILE = COMPOSE_DIR / "compose.yaml"
K8S = CONFIG / "k8s"
PROMETHEUS_CONFIG = CONFIG / "prometheus" / "prometheus.yml"
HAPROXY_CONFIG = CONFIG / "haproxy" / "haproxy.cfg"
ADAPTER_CONFIG = K8S / "prometheus-adapter.yaml"
K8S_SCRAPE = K8S / "prometheus-scrape.yml"

#: The instances HAProxy balances to (config/haproxy/haproxy.cfg names them).
INSTANCES = ("voice-agent-1", "voice-agent-2", "voice-agent-3")
#: The metric the HPA scales on.
CALLS_METRIC = "voice_agent_calls_active"
#: Seconds a stopping server needs after its drain (uvicorn's shutdown, the store closed).
EXIT_S = 10.0
#: Values for the variables the compose file interpolates, and for the k8s Secret.
COMPOSE_VARIABLES = {
    "VOICE_AGENT_API_KEYS": "admin-key,agent-key:agent:acme",
    "METRICS_KEY": "scrape-key",
    "POSTGRES_PASSWORD": "pg-secret",
    "GRAFANA_ADMIN_PASSWORD": "grafana-secret",
}
SECRET_VALUES = {
    "api-keys": "admin-key,agent-key:agent:acme",
    "metrics-key": "scrape-key",
    "database-url": "postgresql://voice_agent:pg-secret@db.example:5432/voice_agent",
}

Doc = dict[str, Any]


def mapping(value: object, where: str) -> Doc:
    assert isinstance(value, dict), f"{where}: expected a mapping, got {value!r}"
    return value


def listing(value: object, where: str) -> list[Any]:
    assert isinstance(value, list), f"{where}: expected a list, got {value!r}"
    return value


def load_yaml(path: Path) -> Doc:
    return mapping(yaml.safe_load(path.read_text(encoding="utf-8")), str(path))


def project_version() -> str:
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    version: str = pyproject["project"]["version"]
    return version


def env_settings(monkeypatch: pytest.MonkeyPatch, env: Mapping[str, str]) -> Settings:
    """The settings a process started with ``env`` (and no other VOICE_AGENT_*) reads."""
    for name in list(os.environ):
        if name.startswith("VOICE_AGENT_"):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Settings()


def drain_budget_s(settings: Settings, pre_stop_s: float = 0.0) -> float:
    """What a stop takes at most: the preStop hook, the drain (the grace period, but at least
    half the wind-down: LiveCalls.drain) and the exit after it."""
    return pre_stop_s + max(settings.shutdown_grace_s, WIND_DOWN_S / 2) + EXIT_S


def duration_s(text: str) -> float:
    """A compose duration (``15m30s``, ``90s``, ``1h``) in seconds."""
    units = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001, "us": 1e-6}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|us|h|m|s)", text)
    assert parts and "".join(n + u for n, u in parts) == text, f"not a duration: {text!r}"
    return sum(float(n) * units[u] for n, u in parts)


def run_promtool(*args: str) -> subprocess.CompletedProcess[str]:
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool not on PATH (Debian's prometheus package; bash .ci/dev test)")
    return subprocess.run(
        [promtool, *args], capture_output=True, text=True, timeout=120, check=False
    )


# -- Dockerfile -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Instruction:
    stage: int
    keyword: str
    args: str


def dockerfile() -> list[Instruction]:
    """The Dockerfile's instructions (continuations joined, comments dropped), by stage."""
    lines: list[str] = []
    pending = ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        lines.append(pending + line)
        pending = ""
    assert not pending, "Dockerfile ends in a line continuation"
    out: list[Instruction] = []
    stage = -1
    for line in lines:
        keyword, _, args = line.partition(" ")
        if keyword.upper() == "FROM":
            stage += 1
        out.append(Instruction(stage, keyword.upper(), args.strip()))
    return out


def final_stage() -> list[Instruction]:
    instructions = dockerfile()
    last = instructions[-1].stage
    return [i for i in instructions if i.stage == last]


def image_env() -> dict[str, str]:
    """ENV of the image the server runs in."""
    env: dict[str, str] = {}
    for ins in final_stage():
        if ins.keyword == "ENV":
            for token in shlex.split(ins.args):
                name, sep, value = token.partition("=")
                assert sep, f"ENV {ins.args!r}: use NAME=value"
                env[name] = value
    return env


def image_voice_agent_env() -> dict[str, str]:
    return {k: v for k, v in image_env().items() if k.startswith("VOICE_AGENT_")}


def healthcheck_path() -> str:
    (check,) = [i for i in final_stage() if i.keyword == "HEALTHCHECK"]
    match = re.search(r"http://(?:127\.0\.0\.1|localhost):[^/'\"\s]+(/[\w/.-]*)", check.args)
    assert match, f"HEALTHCHECK requests no local URL: {check.args}"
    return match[1]


def image_user() -> str:
    users = [i.args for i in final_stage() if i.keyword == "USER"]
    assert users, "the image runs as root (no USER in the final stage)"
    return users[-1]


def test_the_image_installs_the_server_without_the_training_package() -> None:
    instructions = dockerfile()
    copied: set[str] = set()
    for ins in instructions:
        if ins.keyword == "ADD":
            pytest.fail(f"ADD {ins.args}: use COPY (no URLs or archives in the build)")
        if ins.keyword != "COPY" or "--from=" in ins.args:
            continue
        *sources, _dest = [t for t in shlex.split(ins.args) if not t.startswith("--")]
        for source in sources:
            top = PurePosixPath(source).parts[0] if PurePosixPath(source).parts else "."
            assert top not in (".", "/"), f"COPY {ins.args}: copies the whole context (ml/ too)"
            assert (REPO_ROOT / source).exists(), f"COPY {source}: not in the repository"
            copied.add(top)
    # what setuptools' packages.find would see in the build context the COPYs make
    find = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns: list[str] = find["tool"]["setuptools"]["packages"]["find"]["include"]
    packages = {
        top
        for top in copied
        if (REPO_ROOT / top / "__init__.py").is_file() and any(fnmatch(top, p) for p in patterns)
    }
    assert "voice_agent" in packages, packages
    assert "ml" not in packages and (REPO_ROOT / "ml" / "__init__.py").is_file(), packages

    installs = [
        m
        for i in instructions
        if i.keyword == "RUN"
        for m in re.findall(r"pip install ([^&;|]*)", i.args)
    ]
    assert installs, "the Dockerfile installs nothing with pip"
    for args in installs:
        tokens = shlex.split(args)
        assert not {"-e", "--editable"} & set(tokens), f"pip install {args}: editable install"
        assert not [t for t in tokens if t.startswith(("ml", "./ml"))], f"pip install {args}"
    assert any("." in shlex.split(args) for args in installs), "the project is not installed"


def test_the_image_runs_voice_agent_serve_as_an_unprivileged_user() -> None:
    stage = final_stage()
    (cmd,) = [i.args for i in stage if i.keyword == "CMD"]
    assert yaml.safe_load(cmd) == ["voice-agent", "serve"]  # exec form (signals reach it)
    assert not [i for i in stage if i.keyword == "ENTRYPOINT"]
    assert image_user().split(":")[0] not in ("root", "0")
    env = image_voice_agent_env()
    assert env["VOICE_AGENT_HOST"] == "0.0.0.0"
    exposed = {p.split("/")[0] for i in stage if i.keyword == "EXPOSE" for p in i.args.split()}
    assert exposed == {env["VOICE_AGENT_PORT"]}
    volumes = {v for i in stage if i.keyword == "VOLUME" for v in shlex.split(i.args)}
    assert env["VOICE_AGENT_DATA_DIR"] in volumes


# -- environment names ----------------------------------------------------------------------
def test_every_voice_agent_variable_named_is_a_setting() -> None:
    files = [DOCKERFILE, COMPOSE_FILE, PROMETHEUS_CONFIG, *sorted(K8S.iterdir())]
    names = {
        name
        for path in files
        for name in re.findall(r"\bVOICE_AGENT_[A-Z0-9_]*[A-Z0-9]", path.read_text("utf-8"))
    }
    assert len(names) >= 10, names  # the files set the settings they need
    assert unknown_variables(dict.fromkeys(names, "")) == []


# -- the app's routes -----------------------------------------------------------------------
@dataclass
class Served:
    app: Starlette
    client: TestClient

    def get_paths(self) -> set[str]:
        return {
            r.path for r in self.app.routes if isinstance(r, Route) and "GET" in (r.methods or ())
        }


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The real app (SQLite in a temporary directory, no speech), started."""
    with pytest.MonkeyPatch.context() as mp:
        for name in list(os.environ):
            if name.startswith("VOICE_AGENT_"):
                mp.delenv(name)
        settings = Settings(
            data_dir=tmp_path_factory.mktemp("deploy") / "data",
            api_keys="deploy-test-key",
            speech=False,
            model_poll_s=0,
        )
        app = create_app(settings)
        with TestClient(app) as client:
            yield Served(app, client)


def assert_probe(served: Served, url: str, where: str) -> None:
    """Probes carry no key: ``url``'s path is a GET route that needs none, and ``url``
    answers 200 (an idle instance is ready); ``/readyz?for=calls`` may say ``no_speech``
    (503), as the test's app runs without speech."""
    path = urlsplit(url).path
    assert path in served.get_paths(), f"{where}: {path} is not a GET route of the app"
    assert path in PUBLIC_PATHS, f"{where}: {path} needs an API key"
    response = served.client.get(url)
    no_speech = response.status_code == 503 and response.json().get("status") == "no_speech"
    assert response.status_code == 200 or no_speech, (
        f"{where}: GET {url}: {response.status_code} {response.text}"
    )


def test_the_image_healthcheck_hits_a_public_route(served: Served) -> None:
    assert_probe(served, healthcheck_path(), "Dockerfile HEALTHCHECK")


# -- compose --------------------------------------------------------------------------------
def interpolate(value: Any, variables: Mapping[str, str]) -> Any:
    """Compose's ``${NAME}``, ``${NAME:-default}``, ``${NAME:?error}`` with ``variables``."""
    if isinstance(value, dict):
        return {k: interpolate(v, variables) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, variables) for v in value]
    if not isinstance(value, str):
        return value

    def one(m: re.Match[str]) -> str:
        name, op, arg = m["name"], m["op"] or "", m["arg"] or ""
        if name in variables:
            return variables[name]
        assert op in ("-", ":-"), f"${{{name}}}: no value in the test ({arg})"
        return arg

    pattern = r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}"
    return re.sub(pattern, one, value)


def compose() -> Doc:
    return mapping(interpolate(load_yaml(COMPOSE_FILE), COMPOSE_VARIABLES), "compose")


def services() -> dict[str, Doc]:
    return {
        name: mapping(svc, name) for name, svc in mapping(compose()["services"], "services").items()
    }


def environment(service: Doc) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(e.split("=", 1) for e in env)
    return {str(k): str(v) for k, v in mapping(env, "environment").items()}


def instances() -> dict[str, Doc]:
    """The services built from the repository's Dockerfile."""
    return {name: svc for name, svc in services().items() if "build" in svc}


def binds(service: Doc) -> dict[str, Path]:
    """Bind mounts: the path in the container -> the file or directory in the repository."""
    out: dict[str, Path] = {}
    for volume in service.get("volumes", []):
        source, target = str(volume).split(":")[:2]
        if source.startswith((".", "/")):
            out[target] = (COMPOSE_DIR / source).resolve()
    return out


def test_compose_runs_three_instances_of_the_image(monkeypatch: pytest.MonkeyPatch) -> None:
    found = instances()
    assert sorted(found) == list(INSTANCES)
    ids: set[str] = set()
    data_volumes: set[str] = set()
    for name, svc in found.items():
        build = mapping(svc["build"], f"{name}.build")
        assert (COMPOSE_DIR / build["context"]).resolve() == REPO_ROOT
        assert (REPO_ROOT / build.get("dockerfile", "Dockerfile")).resolve() == DOCKERFILE
        assert svc["image"] == f"voice-agent:{project_version()}"
        settings = env_settings(monkeypatch, image_voice_agent_env() | environment(svc))
        assert settings.host == "0.0.0.0"
        assert [str(p) for p in svc["expose"]] == [str(settings.port)]
        ids.add(settings.instance)
        for volume in svc["volumes"]:
            source, target = str(volume).split(":")[:2]
            if target == str(settings.data_dir):
                data_volumes.add(source)
    assert len(ids) == len(INSTANCES), "instances need distinct VOICE_AGENT_INSTANCE_ID"
    assert len(data_volumes) == len(INSTANCES), "each instance needs its own data volume"
    assert data_volumes <= set(mapping(compose()["volumes"], "volumes"))


def test_compose_instances_share_postgres(monkeypatch: pytest.MonkeyPatch) -> None:
    svcs = services()
    postgres = svcs["postgres"]
    assert str(postgres["image"]).startswith("postgres:15")
    pg_env = environment(postgres)
    assert {"test", "interval"} <= set(mapping(postgres["healthcheck"], "healthcheck"))
    volumes = [str(v).split(":") for v in postgres["volumes"]]
    assert [t for s, t, *_ in volumes if s in compose()["volumes"]] == ["/var/lib/postgresql/data"]
    for name, svc in instances().items():
        settings = env_settings(monkeypatch, image_voice_agent_env() | environment(svc))
        assert settings.database_url is not None
        url = urlsplit(settings.database_url)
        assert url.scheme == "postgresql" and url.hostname == "postgres" and url.port == 5432
        assert url.username == pg_env["POSTGRES_USER"]
        assert url.password == pg_env["POSTGRES_PASSWORD"] == COMPOSE_VARIABLES["POSTGRES_PASSWORD"]
        assert url.path == "/" + pg_env["POSTGRES_DB"]
        depends = mapping(svc["depends_on"], f"{name}.depends_on")
        assert depends["postgres"]["condition"] == "service_healthy"


def test_compose_stops_no_call_early(monkeypatch: pytest.MonkeyPatch) -> None:
    """A stop waits for the drain, and the drain for the longest call."""
    svcs = services()
    for name, svc in instances().items():
        settings = env_settings(monkeypatch, image_voice_agent_env() | environment(svc))
        assert settings.shutdown_grace_s >= settings.call_max_duration_s, name
        stop_s = duration_s(svc["stop_grace_period"])
        assert stop_s >= drain_budget_s(settings), name
        # the balancer soft-stops: it carries calls to the end too
        assert duration_s(svcs["haproxy"]["stop_grace_period"]) >= stop_s


def test_compose_mounts_exist() -> None:
    mounted = [
        (name, target, path) for name, s in services().items() for target, path in binds(s).items()
    ]
    assert len(mounted) >= 5
    for name, target, path in mounted:
        assert path.exists(), f"{name}: {target} mounts {path}, which does not exist"


def test_compose_grafana_finds_its_provisioning_dashboards_and_prometheus() -> None:
    svcs = services()
    grafana = binds(svcs["grafana"])
    assert grafana["/etc/grafana/provisioning"] == CONFIG / "grafana" / "provisioning"
    provider = load_yaml(CONFIG / "grafana" / "provisioning" / "dashboards" / "voice-agent.yml")
    (prov,) = provider["providers"]
    assert grafana[prov["options"]["path"]] == CONFIG / "grafana" / "dashboards"
    source = load_yaml(CONFIG / "grafana" / "provisioning" / "datasources" / "prometheus.yml")
    (datasource,) = source["datasources"]
    url = urlsplit(datasource["url"])
    assert url.hostname in svcs and svcs[str(url.hostname)]["image"].startswith("prom/prometheus")
    assert url.port == 9090


def prometheus_mounts() -> tuple[str, dict[str, Path]]:
    """The config file's path in the Prometheus container, and its bind mounts."""
    prometheus = services()["prometheus"]
    flags = [str(a) for a in prometheus["command"] if str(a).startswith("--config.file=")]
    assert len(flags) == 1, prometheus["command"]
    return flags[0].removeprefix("--config.file="), binds(prometheus)


def test_compose_prometheus_scrapes_every_instance_with_the_metrics_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config_path, mounts = prometheus_mounts()
    assert mounts[config_path] == PROMETHEUS_CONFIG
    config = load_yaml(PROMETHEUS_CONFIG)
    (job,) = config["scrape_configs"]
    targets = {t for sc in job["static_configs"] for t in sc["targets"]}
    expected: set[str] = set()
    metric_keys: set[str] = set()
    for name, svc in instances().items():
        settings = env_settings(monkeypatch, image_voice_agent_env() | environment(svc))
        expected.add(f"{name}:{settings.port}")
        metric_keys |= {
            e.key
            for e in map(parse_key_entry, settings.key_list())
            if e.principal.role in (Role.METRICS, Role.ADMIN)
        }
    assert targets == expected
    assert job.get("metrics_path", "/metrics") == "/metrics"
    auth = mapping(job["authorization"], "authorization")
    (secret,) = services()["prometheus"]["secrets"]
    assert auth["credentials_file"] == f"/run/secrets/{secret}"
    source = compose()["secrets"][secret]["environment"]
    assert COMPOSE_VARIABLES[source] in metric_keys, "the scrape key cannot read /metrics"
    for rules in config["rule_files"]:
        in_container = str(PurePosixPath(config_path).parent / rules)
        assert mounts[in_container] == CONFIG / "prometheus" / "alerts.yml"


def test_prometheus_config_passes_promtool(tmp_path: Path) -> None:
    """``promtool check config`` on prometheus.yml as the container sees it: rule files
    through compose's mounts, the scrape key's file present."""
    config_path, mounts = prometheus_mounts()
    config = load_yaml(PROMETHEUS_CONFIG)
    config["rule_files"] = [
        str(mounts[str(PurePosixPath(config_path).parent / r)]) for r in config["rule_files"]
    ]
    key = tmp_path / "metrics_key"
    key.write_text("scrape-key", encoding="utf-8")
    for job in config["scrape_configs"]:
        job["authorization"]["credentials_file"] = str(key)
    checked = tmp_path / "prometheus.yml"
    checked.write_text(yaml.safe_dump(config), encoding="utf-8")
    done = run_promtool("check", "config", str(checked))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS" in done.stdout + done.stderr


def test_haproxy_balances_to_the_instances(served: Served) -> None:
    """config/haproxy/haproxy.cfg (mounted by compose) names every instance on its port,
    listens on the port compose publishes and checks a public route."""
    assert HAPROXY_CONFIG.is_file(), f"{HAPROXY_CONFIG} is missing (compose mounts it)"
    text = HAPROXY_CONFIG.read_text(encoding="utf-8")
    assert binds(services()["haproxy"])["/usr/local/etc/haproxy/haproxy.cfg"] == HAPROXY_CONFIG
    for name in INSTANCES:
        assert f"{name}:8000" in text, f"haproxy.cfg does not balance to {name}:8000"
    (published,) = services()["haproxy"]["ports"]
    port = str(published).rsplit(":", 1)[-1]
    assert re.search(rf"^\s*bind\s+\S*:{port}\b", text, re.M), f"haproxy.cfg binds no :{port}"
    for path in re.findall(r"httpchk\s+(?:GET\s+)?(/\S*)", text):
        assert_probe(served, path, "haproxy.cfg httpchk")


# -- Kubernetes -----------------------------------------------------------------------------
def k8s() -> dict[str, Doc]:
    """The kustomization's resources by kind (one of each)."""
    kustomization = load_yaml(K8S / "kustomization.yaml")
    out: dict[str, Doc] = {}
    for resource in kustomization["resources"]:
        path = K8S / resource
        assert path.is_file(), f"kustomization lists {resource}, which does not exist"
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            doc = mapping(doc, resource)
            assert doc["kind"] not in out, f"two {doc['kind']}s"
            out[doc["kind"]] = doc
    return out


def container() -> Doc:
    (c,) = k8s()["Deployment"]["spec"]["template"]["spec"]["containers"]
    return mapping(c, "container")


def pod_env(secret_values: Mapping[str, str]) -> dict[str, str]:
    """The environment the pod's container gets: the image's, the ConfigMap (envFrom), then
    env in order (Kubernetes expands ``$(NAME)`` of names defined before)."""
    docs = k8s()
    env = dict(image_env())
    for source in container()["envFrom"]:
        ref = source["configMapRef"]["name"]
        assert ref == docs["ConfigMap"]["metadata"]["name"]
        env.update({k: str(v) for k, v in docs["ConfigMap"]["data"].items()})
    secret = docs["Secret"]
    for item in container()["env"]:
        if "value" in item:
            value = str(item["value"])
            for ref in re.findall(r"\$\((\w+)\)", value):
                assert ref in env, f"{item['name']}: $({ref}) is not defined before it"
                value = value.replace(f"$({ref})", env[ref])
        elif "secretKeyRef" in item["valueFrom"]:
            ref = item["valueFrom"]["secretKeyRef"]
            assert ref["name"] == secret["metadata"]["name"]
            assert ref["key"] in secret["stringData"], f"the Secret has no {ref['key']}"
            value = secret_values[ref["key"]]
        else:
            assert item["valueFrom"]["fieldRef"]["fieldPath"] == "metadata.name"
            value = "voice-agent-5d8f7c9b4-x2x7q"
        env[item["name"]] = value
    return env


def pod_settings(monkeypatch: pytest.MonkeyPatch) -> Settings:
    env = pod_env(SECRET_VALUES)
    return env_settings(monkeypatch, {k: v for k, v in env.items() if k.startswith("VOICE_")})


def test_k8s_has_the_resources_a_deployment_needs() -> None:
    kinds = {kind: doc["apiVersion"] for kind, doc in k8s().items()}
    assert kinds == {
        "ConfigMap": "v1",
        "Secret": "v1",
        "Deployment": "apps/v1",
        "Service": "v1",
        "HorizontalPodAutoscaler": "autoscaling/v2",
        "PodDisruptionBudget": "policy/v1",
    }


def test_k8s_selectors_and_ports_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    docs = k8s()
    deployment = docs["Deployment"]
    labels = mapping(deployment["spec"]["template"]["metadata"]["labels"], "pod labels")
    selector = deployment["spec"]["selector"]["matchLabels"]
    assert selector.items() <= labels.items()
    assert docs["Service"]["spec"]["selector"].items() <= labels.items()
    assert docs["PodDisruptionBudget"]["spec"]["selector"]["matchLabels"] == selector
    target = docs["HorizontalPodAutoscaler"]["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == ("Deployment", deployment["metadata"]["name"])
    assert "replicas" not in deployment["spec"], "the HPA sets replicas; apply would reset them"
    settings = pod_settings(monkeypatch)
    ports = {p["name"]: p["containerPort"] for p in container()["ports"]}
    assert list(ports.values()) == [settings.port]
    assert settings.host == "0.0.0.0"
    for port in docs["Service"]["spec"]["ports"]:
        assert port["targetPort"] in ports or port["targetPort"] in ports.values()
    assert container()["image"] == f"voice-agent:{project_version()}"
    assert {s["image"] for s in instances().values()} == {container()["image"]}


def test_k8s_settings_are_valid_and_an_unfilled_secret_starts_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = pod_settings(monkeypatch)
    assert settings.database_url == SECRET_VALUES["database-url"]
    roles = {e.key: e.principal.role for e in map(parse_key_entry, settings.key_list())}
    assert roles[SECRET_VALUES["metrics-key"]] is Role.METRICS
    assert settings.instance_id  # the pod's name
    template = {k: str(v) for k, v in k8s()["Secret"]["stringData"].items()}
    assert set(template) == set(SECRET_VALUES)
    assert not any(template.values()), "the Secret template holds a value: a default key"
    unfilled = pod_env(template)
    with pytest.raises(ValidationError):
        env_settings(monkeypatch, {k: v for k, v in unfilled.items() if k.startswith("VOICE_")})


def test_k8s_probes_hit_public_routes(served: Served) -> None:
    c = container()
    ports = {p["name"] for p in c["ports"]} | {p["containerPort"] for p in c["ports"]}
    assert c["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert c["livenessProbe"]["httpGet"]["path"] == "/healthz"
    for kind in ("readinessProbe", "livenessProbe", "startupProbe"):
        probe = c[kind]["httpGet"]
        assert probe["port"] in ports, f"{kind}: port {probe['port']} is not the container's"
        assert_probe(served, probe["path"], kind)


def test_k8s_a_stopping_pod_finishes_its_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = pod_settings(monkeypatch)
    spec = k8s()["Deployment"]["spec"]["template"]["spec"]
    command = container()["lifecycle"]["preStop"]["exec"]["command"]
    assert command[0] == "sleep" and len(command) == 2, command
    pre_stop_s = float(command[1])
    assert pre_stop_s > 0
    assert spec["terminationGracePeriodSeconds"] >= drain_budget_s(settings, pre_stop_s)
    assert settings.shutdown_grace_s >= settings.call_max_duration_s


def cpus(quantity: str) -> float:
    return float(quantity[:-1]) / 1000 if quantity.endswith("m") else float(quantity)


def test_k8s_pod_is_sized_for_two_cores_and_runs_as_the_image_user(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = pod_settings(monkeypatch)
    resources = container()["resources"]
    assert cpus(str(resources["requests"]["cpu"])) == 2.0
    assert cpus(str(resources["limits"]["cpu"])) == 2.0
    assert {"memory"} <= set(resources["requests"]) & set(resources["limits"])
    # synthesis threads follow the pod's cores, not the node's (0: one per node core)
    assert 1 <= settings.tts_workers <= 2
    assert settings.stt_threads <= 2
    spec = k8s()["Deployment"]["spec"]["template"]["spec"]
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert str(spec["securityContext"]["runAsUser"]) == image_user().split(":")[0]
    mounts = {m["mountPath"] for m in container()["volumeMounts"]}
    assert str(settings.data_dir) in mounts


def test_k8s_hpa_scales_on_active_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    hpa = k8s()["HorizontalPodAutoscaler"]["spec"]
    (metric,) = hpa["metrics"]
    assert metric["type"] == "Pods"
    assert metric["pods"]["metric"]["name"] == CALLS_METRIC
    families = {m.name: m.type for m in REGISTRY.collect()}
    assert families.get(CALLS_METRIC) == "gauge", f"{CALLS_METRIC} is not a gauge of the server"
    target = metric["pods"]["target"]
    assert target["type"] == "AverageValue"
    settings = pod_settings(monkeypatch)
    assert 0 < float(target["averageValue"]) < settings.max_calls  # before pods are full
    assert 2 <= hpa["minReplicas"] <= hpa["maxReplicas"]
    pdb = k8s()["PodDisruptionBudget"]["spec"]
    assert pdb.get("maxUnavailable", 0) < hpa["minReplicas"]


def test_prometheus_adapter_exposes_the_hpa_metric(tmp_path: Path) -> None:
    (config_map,) = yaml.safe_load_all(ADAPTER_CONFIG.read_text(encoding="utf-8"))
    config = mapping(yaml.safe_load(config_map["data"]["config.yaml"]), "config.yaml")
    metric = k8s()["HorizontalPodAutoscaler"]["spec"]["metrics"][0]["pods"]["metric"]["name"]
    rules = [r for r in config["rules"] if r["name"]["as"] == metric]
    assert len(rules) == 1, f"no adapter rule names {metric}"
    (rule,) = rules
    assert rule["seriesQuery"].startswith(metric + "{")
    assert re.fullmatch(rule["name"]["matches"], metric)
    overrides = rule["resources"]["overrides"]
    assert {k: v["resource"] for k, v in overrides.items()} == {
        "namespace": "namespace",
        "pod": "pod",
    }
    query = (
        rule["metricsQuery"]
        .replace("<<.Series>>", metric)
        .replace("<<.LabelMatchers>>", 'namespace="default",pod=~"a|b"')
        .replace("<<.GroupBy>>", "pod")
    )
    assert "<<" not in query, query
    exprs = {"adapter:metrics_query": query, "adapter:series_query": rule["seriesQuery"]}
    path = tmp_path / "adapter_rules.yml"
    path.write_text(
        yaml.safe_dump(
            {
                "groups": [
                    {
                        "name": "adapter",
                        "rules": [{"record": k, "expr": v} for k, v in exprs.items()],
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    done = run_promtool("check", "rules", str(path))
    assert done.returncode == 0, done.stdout + done.stderr


def test_k8s_scrape_job_finds_the_pods_and_labels_them_for_the_adapter(tmp_path: Path) -> None:
    fragment = load_yaml(K8S_SCRAPE)
    (job,) = fragment["scrape_configs"]
    labels = k8s()["Deployment"]["spec"]["template"]["metadata"]["labels"]
    ports = {p["name"] for p in container()["ports"]}
    keeps = {
        r["source_labels"][0]: r["regex"]
        for r in job["relabel_configs"]
        if r.get("action") == "keep"
    }
    for label, value in labels.items():
        meta = "__meta_kubernetes_pod_label_" + re.sub(r"[^A-Za-z0-9_]", "_", label)
        if meta in keeps:
            assert re.fullmatch(keeps[meta], value)
    assert any(k.startswith("__meta_kubernetes_pod_label_") for k in keeps), keeps
    assert [p for p in ports if re.fullmatch(keeps["__meta_kubernetes_pod_container_port_name"], p)]
    targets = {r.get("target_label") for r in job["relabel_configs"]}
    assert {"namespace", "pod"} <= targets  # the adapter's resource overrides
    # the pods are found through the Kubernetes API (their labels are __meta_kubernetes_pod_*)
    assert [sd["role"] for sd in job["kubernetes_sd_configs"]] == ["pod"]
    # Debian's promtool is built without Kubernetes discovery: check the rest of the job
    # (authorization, relabelling) with a static target in its place
    del job["kubernetes_sd_configs"]
    job["static_configs"] = [{"targets": ["10.0.0.1:8000"]}]
    key = tmp_path / "metrics-key"
    key.write_text("scrape-key", encoding="utf-8")
    job["authorization"]["credentials_file"] = str(key)
    path = tmp_path / "prometheus.yml"
    path.write_text(
        yaml.safe_dump({"global": {"scrape_interval": "15s"}, "scrape_configs": [job]}),
        encoding="utf-8",
    )
    done = run_promtool("check", "config", str(path))
    assert done.returncode == 0, done.stdout + done.stderr
