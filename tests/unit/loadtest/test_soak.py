"""The soak's memory figures: the least-squares growth and the process behind a port."""

from __future__ import annotations

import os
import socket

from loadtest.soak import gauge_value, pid_listening_on, rss_mb, slope_per_minute


def test_slope_per_minute() -> None:
    samples = [(t * 5.0, 100.0 + 0.5 * (t * 5.0) / 60.0) for t in range(20)]
    slope = slope_per_minute(samples)
    assert slope is not None and abs(slope - 0.5) < 1e-9
    assert slope_per_minute(samples[:1]) is None


def test_pid_listening_on_finds_this_process() -> None:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen()
    try:
        assert pid_listening_on(s.getsockname()[1]) == os.getpid()
    finally:
        s.close()


def test_rss_of_this_process() -> None:
    rss = rss_mb(os.getpid())
    assert rss is not None and rss > 1.0


def test_gauge_value_reads_an_unlabelled_sample() -> None:
    text = (
        "# HELP voice_agent_tts_cache_bytes Audio held.\n"
        "# TYPE voice_agent_tts_cache_bytes gauge\n"
        "voice_agent_tts_cache_bytes 1.048576e+06\n"
        'voice_agent_calls_ended_total{channel="realtime"} 3.0\n'
    )
    assert gauge_value(text, "voice_agent_tts_cache_bytes") == 1048576.0
    assert gauge_value(text, "voice_agent_tts_cache") is None
    assert gauge_value("", "voice_agent_tts_cache_bytes") is None
