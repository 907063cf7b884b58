"""A progress bar on stderr for the import and export commands: redrawn in place on a
terminal, a line every few seconds otherwise (a log file stays readable)."""

import sys
import time


class ProgressBar:
    def __init__(self, stream=None, *, enabled=True, every: float = 5.0):
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.every = every
        self.last = 0.0
        self.phase = ""
        self.started = time.monotonic()

    def __call__(self, phase: str, done: int, total: int | None) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        finished = total is not None and done >= total
        if phase != self.phase:
            if self.phase and self.tty:
                self.stream.write("\n")
            self.phase, self.started = phase, now
        elif not finished and now - self.last < (0.2 if self.tty else self.every):
            return
        self.last = now
        if total:
            share = min(1.0, done / total)
            bar = "#" * int(share * 30)
            text = f"{phase:<10} [{bar:<30}] {share:6.1%}"
        else:
            text = f"{phase:<10} {done:,}"
        rate = done / max(now - self.started, 1e-6)
        if phase != "validating":
            text += f"  {rate:,.0f}/s"
        self.stream.write(("\r" + text) if self.tty else text + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.tty and self.phase:
            self.stream.write("\n")
            self.stream.flush()
