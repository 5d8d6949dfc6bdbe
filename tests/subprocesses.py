"""Child processes for tests: Ctrl-C works in them whatever pytest inherited, and none outlive
their test.

A pytest started from a script or CI step with SIGINT ignored passes that on to every child, and
a Python child that starts with SIGINT ignored never installs KeyboardInterrupt: a graceful
Ctrl-C stop then hangs. `spawn` resets SIGINT in the child before it runs, in its own session
(a Ctrl-C at the terminal reaches only pytest), and `reaped` kills whatever is still running
when the test ends, pass or fail.
"""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def spawn(command: Sequence[str], **options: Any) -> subprocess.Popen[str]:
    """Popen with SIGINT back to its default in the child, in a new session, text mode."""
    return subprocess.Popen(
        list(command),
        preexec_fn=_default_sigint,  # one signal() call between fork and exec
        start_new_session=True,
        text=True,
        **options,
    )


@contextmanager
def reaped(process: subprocess.Popen[str]) -> Iterator[subprocess.Popen[str]]:
    """Kill the process at the end of the block if it is still running."""
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=10)
