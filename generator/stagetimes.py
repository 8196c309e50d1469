"""How long each stage of a build took, for `build --timings FILE` and benchmarks/.

The build records wall-clock seconds per stage (load, history, render, mkdocs, search,
publish, cleanup) and, apart, what ran alongside them (Pagefind indexes while MkDocs runs:
"search" is only the wait for it and the finishing touches); nothing is printed and nothing depends on it, so a build with or without it writes
the same site.
"""
from __future__ import annotations

import contextlib
import json
import resource
import time
from pathlib import Path
from typing import Iterator


class StageTimes:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}  # one stage after another: they add up
        self.alongside: dict[str, float] = {}  # work done while the stages ran (Pagefind during MkDocs)

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started

    def write(self, path: Path) -> None:
        """Stage seconds, and the peak resident memory of this process and of its finished
        children (Pagefind, render workers) in MiB, as JSON."""
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        data = {"stages": {k: round(v, 4) for k, v in self.seconds.items()},
                "total": round(sum(self.seconds.values()), 4),
                "alongside": {k: round(v, 4) for k, v in self.alongside.items()},
                "peak_mib": {"build": round(own, 1), "largest_child": round(children, 1)}}
        Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

