"""The dependency audit run by CI: pip-audit over the locked environment.

pip-audit asks PyPI's vulnerability data about every installed distribution. A known
vulnerability fails the audit (exit 1) unless its identifier is listed, with a reason, in
``IGNORED``. When the vulnerability service cannot be reached at all (every distribution
skipped), the audit says so and exits 0: an unreachable service is reported, not mistaken
for a clean result, and the build does not depend on the network being there.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Vulnerability id -> why it does not affect Layak. Empty: nothing is waived.
IGNORED: dict[str, str] = {}


@dataclass
class Summary:
    audited: int = 0
    skipped: list[str] = field(default_factory=list)
    vulnerable: list[str] = field(default_factory=list)

    @property
    def unreachable(self) -> bool:
        return self.audited == 0 and bool(self.skipped)

    @property
    def exit_code(self) -> int:
        return 1 if self.vulnerable else 0

    def lines(self) -> list[str]:
        if self.vulnerable:
            return [
                f"{len(self.vulnerable)} known vulnerabilities:",
                *(f"  {v}" for v in self.vulnerable),
            ]
        if self.unreachable:
            return [
                f"The vulnerability service could not be reached: none of the "
                f"{len(self.skipped)} distributions was audited (first: {self.skipped[0]})."
            ]
        out = [f"No known vulnerabilities in {self.audited} distributions."]
        if self.skipped:
            out.append(f"{len(self.skipped)} not audited: " + "; ".join(self.skipped))
        return out


def summarise(report: dict[str, Any]) -> Summary:
    """Read pip-audit's JSON report."""
    summary = Summary()
    for dep in report.get("dependencies", []):
        if "skip_reason" in dep:
            summary.skipped.append(str(dep["skip_reason"]))
            continue
        summary.audited += 1
        for vuln in dep.get("vulns", []):
            if vuln["id"] in IGNORED:
                continue
            fixes = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            summary.vulnerable.append(
                f"{dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixes})"
            )
    return summary


def main() -> int:
    pip_audit = Path(sys.executable).with_name("pip-audit")
    done = subprocess.run(
        [str(pip_audit), "--progress-spinner", "off", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        print(done.stderr.strip() or "pip-audit printed no report.", file=sys.stderr)
        return 2
    summary = summarise(report)
    for line in summary.lines():
        print(line)
    return summary.exit_code


if __name__ == "__main__":
    raise SystemExit(main())
