"""The machine and library versions a report was measured with, and how busy the machine was meanwhile."""

from __future__ import annotations

import os
import platform
import resource
import time
from importlib import metadata
from pathlib import Path

VERSIONED = ("numpy", "numba", "Cython", "torch", "torchvision", "pycocotools", "faster-coco-eval", "matplotlib")


def machine() -> dict:
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    cpu = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")),
        platform.processor() or platform.machine(),
    )
    if " avx2" in cpuinfo:
        cpu += " (AVX2)"
    memory = 0.0
    if Path("/proc/meminfo").exists():
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = int(line.split()[1]) / 2**20
    os_name = platform.system()
    if Path("/etc/os-release").exists():
        fields = dict(line.split("=", 1) for line in Path("/etc/os-release").read_text().splitlines() if "=" in line)
        os_name = fields.get("PRETTY_NAME", os_name).strip('"')
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": memory,
        "os": f"{os_name}, {platform.system()} {platform.release()}",
    }


def versions() -> dict:
    out = {"python": platform.python_version()}
    for name in VERSIONED:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    try:
        import numpy as np

        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        out["numpy"] += f" ({blas.get('name', '?')} {blas.get('version', '')})".replace(" )", ")")
    except Exception:  # noqa: BLE001  (an older numpy has no dict mode: the version alone will do)
        pass
    return out


def _busy_seconds() -> float | None:
    """CPU seconds the whole machine has spent busy since boot (all cores), or None off Linux."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return None
    # steal counts as busy: a process's own CPU time includes the time the hypervisor took from it
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in (fields + ["0"] * 8)[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _own_seconds() -> float:
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


class OtherLoad:
    """How many cores other processes kept busy, on average, between ``start()`` and ``stop()``: the
    machine's busy time minus this process's and its (finished) children's. A two-thread timing is only
    meaningful when this is near 0; with one core taken, a thread pool's barriers wait for a descheduled
    thread and small torch ops run 10-20x slower."""

    def start(self) -> OtherLoad:
        self._t, self._busy, self._own = time.monotonic(), _busy_seconds(), _own_seconds()
        return self

    def stop(self) -> float | None:
        busy = _busy_seconds()
        if busy is None or self._busy is None:
            return None
        wall = time.monotonic() - self._t
        return max(0.0, (busy - self._busy) - (_own_seconds() - self._own)) / wall if wall > 0 else None
