"""The benchmark's results page: ``bench/results/latest.md``.

Each part of the benchmark hands over a :class:`Section` (a title, a table and notes); this
module adds the machine's description and the date and writes the page.
"""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


@dataclass
class Section:
    title: str
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def markdown(self) -> str:
        out = [f"## {self.title}", ""]
        if self.rows:
            out.append("| " + " | ".join(self.header) + " |")
            out.append("|" + "|".join("---" for _ in self.header) + "|")
            out += ["| " + " | ".join(str(c) for c in row) + " |" for row in self.rows]
            out.append("")
        out += [f"- {n}" for n in self.notes]
        if self.notes:
            out.append("")
        return "\n".join(out)


def _first_line(args: list[str]) -> str:
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return "?"
    return (
        (done.stdout or done.stderr).strip().splitlines()[0] if done.stdout or done.stderr else "?"
    )


def machine() -> list[str]:
    """What the figures were measured on."""
    cpu = "?"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "?"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split()[1])
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    pgbin = os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin")
    commit = _first_line(["git", "rev-parse", "--short", "HEAD"])
    return [
        f"CPU: {os.cpu_count()} cores, {cpu}",
        f"Memory: {memory}",
        f"System: {platform.platform()}",
        f"Python {platform.python_version()}; {_first_line([f'{pgbin}/postgres', '--version'])}",
        f"Layak commit {commit}",
    ]


def write(
    sections: list[Section],
    *,
    started: datetime.datetime,
    path: Path | None = None,
    extra: list[str] | None = None,
) -> Path:
    """The page: the machine, then each section, then ready-made markdown fragments."""
    path = path or RESULTS / "latest.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    finished = datetime.datetime.now(datetime.UTC)
    minutes = (finished - started).total_seconds() / 60
    head = [
        "# Layak benchmark: latest results",
        "",
        f"Run on {started:%Y-%m-%d %H:%M} UTC, {minutes:.0f} minutes in all, "
        "by `make bench` (`python -m bench`); bench/README.md explains the method.",
        "",
        "## Machine",
        "",
        *(f"- {line}" for line in machine()),
        "",
    ]
    body = [s.markdown() for s in sections] + [f.rstrip() + "\n" for f in extra or []]
    path.write_text("\n".join(head) + "\n" + "\n".join(body))
    return path
