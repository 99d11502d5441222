"""Stand-ins: a module's classes imported on their first use (quittex/cli/standins.py)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from quittex.cli.standins import stand_in

LATE = """
LOADED = True


class Shape:
    sides = 4

    def __init__(self, name):
        self.name = name

    @classmethod
    def square(cls):
        return cls("square")
"""
USER = """
from late_module import Shape


def make(name) -> Shape | None:
    return Shape(name)
"""


@pytest.fixture
def modules(tmp_path, monkeypatch):
    (tmp_path / "late_module.py").write_text(textwrap.dedent(LATE))
    (tmp_path / "user_module.py").write_text(textwrap.dedent(USER))
    monkeypatch.syspath_prepend(str(tmp_path))
    yield
    for name in ("late_module", "user_module"):
        sys.modules.pop(name, None)


def test_a_stand_in_imports_nothing_until_it_is_used(modules):
    with stand_in("late_module"):
        import user_module  # noqa: F401
    assert "late_module" not in sys.modules  # gone again, and never really imported


def test_a_stand_in_behaves_as_the_real_class_once_used(modules):
    with stand_in("late_module"):
        import user_module
    made = user_module.make("triangle")
    assert "late_module" in sys.modules and sys.modules["late_module"].LOADED
    real = sys.modules["late_module"].Shape
    assert type(made) is real and made.name == "triangle"
    assert isinstance(made, user_module.Shape)
    assert issubclass(real, user_module.Shape)
    assert user_module.Shape.sides == 4
    assert user_module.Shape.square().name == "square"  # a class method, through the stand-in


def test_a_module_already_imported_is_left_as_it_is(modules):
    import late_module

    with stand_in("late_module"):
        import user_module
    assert user_module.Shape is late_module.Shape
    assert sys.modules["late_module"] is late_module


def test_the_import_system_gets_no_stand_in_for_its_own_questions():
    with stand_in("nowhere_module"):
        module = sys.modules["nowhere_module"]
        assert not hasattr(module, "__path__")
        with pytest.raises(ImportError):
            from nowhere_module import __missing__  # noqa: F401
    assert "nowhere_module" not in sys.modules


def test_help_and_errors_do_not_load_markdown_or_tracebacks_but_debug_tracebacks_still_work(tmp_path):
    """typer.rich_utils imports rich.markdown and rich.traceback at its top:
    help pages and error panels (all quittex shows) never load them, and the
    tracebacks of --debug still come out through the stand-in."""
    code = (
        "import sys\n"
        "from quittex.cli.app import main\n"
        "sys.argv = ['quittex', *sys.argv[1:]]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "late = ('rich.markdown', 'markdown_it', 'rich.traceback', 'rich.pretty', 'pygments')\n"
        "print(sorted({m.split('.')[0] if m.startswith(('markdown_it', 'pygments')) else m "
        "for m in sys.modules if m.startswith(late)}), file=sys.stderr)\n"
    )

    def run(*arguments: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", code, *arguments], capture_output=True, text=True)

    helped = run("--help")
    assert "Usage" in helped.stdout and helped.stderr.strip().endswith("[]")
    failed = run("--lang", "en", "migrate", str(tmp_path / "a.zip"), "--top", "abc")
    assert "Error" in failed.stderr and failed.stderr.strip().endswith("[]")
    debugged = run("--debug", "inspect", str(tmp_path / "missing.zip"))
    # Drawn by Rich (its ❱ marks the failing line), through the stand-in.
    assert "Traceback" in debugged.stderr and "❱" in debugged.stderr and "ArchiveError" in debugged.stderr
