"""The exit deadline after a drain: a process that cannot finish exiting (a worker thread
stuck, so the interpreter waits for it forever) logs every thread's stack and ends."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_a_stuck_exit_is_logged_and_ended() -> None:
    program = textwrap.dedent(
        """
        import threading, time
        from voice_agent.api.shutdown import _exit_if_stuck
        from voice_agent.logging import configure_logging

        configure_logging("info", "json")
        stuck = threading.Event()
        threading.Thread(target=stuck.wait, name="stuck-worker").start()  # never set
        threading.Thread(target=_exit_if_stuck, args=(0.5,), daemon=True).start()
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout + done.stderr
    assert '"event": "shutdown_stuck"' in out, out
    assert "stuck-worker" in out  # the thread that held the exit, named, with its stack
