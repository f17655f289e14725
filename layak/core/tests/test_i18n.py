from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[3]
PO = ROOT / "layak" / "locale" / "id" / "LC_MESSAGES" / "django.po"


def test_indonesian_catalogue_is_complete_and_compiled():
    po = polib.pofile(str(PO))
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    mo = polib.mofile(str(PO.with_suffix(".mo")))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in mo}
    for entry in po.translated_entries():
        assert (entry.msgctxt, entry.msgid) in compiled, f"{entry.msgid!r} is not compiled"
        msgstr, plural = compiled[(entry.msgctxt, entry.msgid)]
        if entry.msgid_plural:
            assert plural == {int(k): v for k, v in entry.msgstr_plural.items()}
        else:
            assert msgstr == entry.msgstr, f"{entry.msgid!r} is compiled differently"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext is installed by make test")
def test_every_string_in_the_code_is_in_the_catalogue(tmp_path):
    """Extract the strings afresh from a copy of the code: none may be missing from the .po."""
    shutil.copytree(ROOT / "layak", tmp_path / "layak", ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "id", "--no-obsolete"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        env={"LAYAK_DEMO": "1", "LAYAK_VAR_DIR": str(tmp_path / "var"), "PATH": "/usr/bin:/bin"},
    )
    fresh = polib.pofile(str(tmp_path / "layak/locale/id/LC_MESSAGES/django.po"))
    committed = {(e.msgctxt, e.msgid) for e in polib.pofile(str(PO))}
    missing = [e.msgid for e in fresh if (e.msgctxt, e.msgid) not in committed]
    assert missing == [], "run `make messages` and translate these"
