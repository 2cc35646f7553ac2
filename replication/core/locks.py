"""One trainer per run folder: an advisory lock (`fcntl.flock` on `<run>/train.lock`).

`train()` holds it for its whole call, so two notebooks or runners cannot train, resume or write
the same run at once. A second one waits, printing once which process holds the run (pid, host,
since when); Ctrl-C stops the wait. With a timeout it fails instead (RunLockedError). The kernel
releases the lock when its holder exits, even after kill -9, so a lock is never left stale: a run
whose holder died is taken over at once, with a message naming the dead holder (a holder that ends
normally clears its name from the file, so a name found there on taking the lock is one that was
killed). The lock file itself stays (deleting it would race with a waiter).
"""

from __future__ import annotations

import os
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no flock; runs are not locked there
    fcntl = None

LOCK_NAME = "train.lock"
POLL_S = 0.5


class RunLockedError(RuntimeError):
    """Another process holds the run folder's lock (the message says which)."""


def _holder(handle) -> str:
    handle.seek(0)
    text = handle.read().decode("utf-8", errors="replace").strip()
    return text or "another process (it has not written its name yet)"


@contextmanager
def run_lock(run_dir: Path, timeout: float | None = None) -> Iterator[Path]:
    """Hold `<run_dir>/train.lock` exclusively; wait for it (forever when `timeout` is None)."""
    path = Path(run_dir) / LOCK_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    if fcntl is None:
        yield path
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    with os.fdopen(fd, "r+b", buffering=0) as handle:
        deadline = None if timeout is None else time.monotonic() + timeout
        told = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = _holder(handle)  # alive: the kernel frees the lock of a process that ended
                if deadline is not None and time.monotonic() >= deadline:
                    raise RunLockedError(
                        f"{path.parent} is in use by {holder}; wait for it to finish (or stop it) and rerun."
                    ) from None
                if not told:
                    print(
                        f"{path.parent} is in use by {holder}; waiting for it to finish (Ctrl-C stops waiting).",
                        file=sys.stderr,
                        flush=True,
                    )
                    told = True
                time.sleep(POLL_S)
        handle.seek(0)
        left = handle.read().decode("utf-8", errors="replace").strip()
        if left:  # its holder ended without clearing it: killed (kill -9, a crash, its parent's death)
            print(
                f"{path.parent} was held by {left}, which ended without releasing it (killed?); "
                "taking it over now (the run resumes from its last checkpoint).",
                file=sys.stderr,
                flush=True,
            )
        since = datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")
        handle.truncate(0)
        handle.seek(0)
        handle.write(f"pid {os.getpid()} on {socket.gethostname()} since {since}\n".encode())
        try:
            yield path
        finally:
            handle.truncate(0)  # a clean end: the next holder finds no name, so no "taking over" message
            fcntl.flock(handle, fcntl.LOCK_UN)
