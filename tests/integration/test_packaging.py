"""The translations reach a wheel as they reach the editable install."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from quittex import i18n

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("fr", "es", "it", "de")


def test_the_wheel_carries_every_compiled_catalog(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--quiet", "--wheel-dir", str(tmp_path)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (wheel,) = tmp_path.glob("quittex-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        for lang in LANGUAGES:
            name = f"quittex/locale/{lang}/LC_MESSAGES/quittex.mo"
            assert archive.read(name) == (i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "quittex.mo").read_bytes()
        assert any(name.startswith("quittex/output/templates/") for name in archive.namelist())


def test_the_installed_package_finds_its_catalogs():
    for lang in LANGUAGES:
        translations = i18n._load(lang)
        assert translations.gettext("Usage:") != "Usage:", lang
