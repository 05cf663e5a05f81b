"""Calibration counters on a real server's /metrics: an outcome recorded through the REST API
is counted in the bucket of the probability predicted on the call's last customer turn; a
conversation with no customer turn is not counted."""

from __future__ import annotations

import httpx

from tests.integration.conftest import METRICS_KEY
from tests.integration.server import ServerProcess, metric_value
from voice_agent.calibration import BUCKETS

NAMES = (
    "voice_agent_calibration_outcomes_total",
    "voice_agent_calibration_predicted_total",
    "voice_agent_calibration_converted_total",
)


def counters(server: ServerProcess) -> dict[tuple[str, str], float]:
    with server.client(METRICS_KEY) as c:
        text = c.get("/metrics").text
    return {(n, b): metric_value(text, n, {"bucket": b}) for n in NAMES for b in BUCKETS}


def moved(
    before: dict[tuple[str, str], float], after: dict[tuple[str, str], float]
) -> dict[tuple[str, str], float]:
    return {k: after[k] - before[k] for k in before if after[k] != before[k]}


def test_an_outcome_is_counted_against_the_last_prediction(
    server: ServerProcess, client: httpx.Client
) -> None:
    cid = client.post("/v1/conversations", json={"lang": "en"}).json()["id"]
    p = 0.0
    for text in ("I'm exhausted all the time.", "How much is it?", "OK, how do I sign up?"):
        r = client.post(f"/v1/conversations/{cid}/messages", json={"text": text})
        assert r.status_code == 200, r.text
        p = r.json()["insights"]["conversion_probability"]  # rounded to 4 digits

    before = counters(server)
    r = client.post(f"/v1/conversations/{cid}/outcome", json={"converted": True})
    assert r.status_code == 200, r.text
    got = moved(before, counters(server))
    ((_, bucket),) = {k for k in got if k[0] == NAMES[0]}
    low, high = (float(x) for x in bucket.split("-"))
    assert low - 1e-4 <= p <= high + 1e-4
    assert set(got) == {(name, bucket) for name in NAMES}
    assert got[(NAMES[0], bucket)] == 1.0 and got[(NAMES[2], bucket)] == 1.0
    assert abs(got[(NAMES[1], bucket)] - p) < 1e-4

    # no customer turn: no prediction, not counted
    before = counters(server)
    silent = client.post("/v1/conversations", json={"lang": "en"}).json()["id"]
    r = client.post(f"/v1/conversations/{silent}/outcome", json={"converted": True})
    assert r.status_code == 200, r.text
    assert moved(before, counters(server)) == {}
