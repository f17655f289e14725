from layak.core import depaudit


def dep(name, version="1.0", vulns=()):
    return {"name": name, "version": version, "vulns": list(vulns)}


def skipped(name):
    return {"name": name, "skip_reason": f"Dependency not found on PyPI: {name}"}


def test_clean_report_passes():
    summary = depaudit.summarise({"dependencies": [dep("django"), dep("openpyxl")]})
    assert summary.exit_code == 0
    assert summary.lines() == ["No known vulnerabilities in 2 distributions."]


def test_a_vulnerability_fails_the_audit():
    vuln = {"id": "PYSEC-2099-1", "fix_versions": ["5.2.99"], "aliases": []}
    summary = depaudit.summarise({"dependencies": [dep("django", "5.2.1", [vuln]), dep("x")]})
    assert summary.exit_code == 1
    assert "django 5.2.1: PYSEC-2099-1 (fixed in 5.2.99)" in summary.lines()[1]


def test_an_ignored_vulnerability_needs_its_id_listed(monkeypatch):
    vuln = {"id": "GHSA-xxxx", "fix_versions": []}
    report = {"dependencies": [dep("weasyprint", "63", [vuln])]}
    assert depaudit.summarise(report).exit_code == 1
    monkeypatch.setitem(depaudit.IGNORED, "GHSA-xxxx", "only affects a feature not used")
    assert depaudit.summarise(report).exit_code == 0


def test_an_unreachable_service_is_said_not_taken_for_clean():
    summary = depaudit.summarise({"dependencies": [skipped("a"), skipped("b")]})
    assert summary.unreachable
    assert summary.exit_code == 0
    assert "could not be reached" in summary.lines()[0]


def test_partly_skipped_lists_what_was_not_audited():
    summary = depaudit.summarise({"dependencies": [dep("django"), skipped("local-pkg")]})
    assert not summary.unreachable
    assert summary.lines()[1].startswith("1 not audited")
