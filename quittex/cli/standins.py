"""Stand-ins for classes a module imports at its top but seldom uses.

`typer.rich_utils` (loaded for every help page and every error) imports
`rich.markdown` and `rich.traceback` up front: Markdown-it, Pygments and the
pretty-printer, a tenth of a second, for help that quittex writes in Rich markup
and tracebacks it never shows. While such a module is executed, `stand_in`
answers `from rich.markdown import Markdown` with a stand-in class; the real
module is imported the first time the stand-in is used (called, asked for an
attribute, or given to `isinstance`), and behaves from then on as itself.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager


class _StandInType(type):
    """The type of a stand-in class: everything goes to the real class."""

    _module: str

    def real(cls) -> type:
        return getattr(importlib.import_module(cls._module), cls.__name__)

    def __call__(cls, *args, **kwargs):
        return cls.real()(*args, **kwargs)

    def __getattr__(cls, name: str):  # only for what the stand-in itself lacks
        return getattr(cls.real(), name)

    def __instancecheck__(cls, instance: object) -> bool:
        return isinstance(instance, cls.real())

    def __subclasscheck__(cls, subclass: type) -> bool:
        return issubclass(subclass, cls.real())


class _StandInModule(types.ModuleType):
    """Gives a stand-in class for any public name asked of it."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self._classes: dict[str, type] = {}

    def __getattr__(self, name: str) -> type:
        if name.startswith("__") or name == "_classes":  # the import system's questions
            raise AttributeError(name)
        if name not in self._classes:
            self._classes[name] = _StandInType(name, (), {"_module": self.__name__, "__module__": self.__name__})
        return self._classes[name]


@contextmanager
def stand_in(*modules: str) -> Iterator[None]:
    """While the body runs, each of `modules` not imported yet gives stand-ins;
    afterwards it is gone from `sys.modules` again, so that any later import
    (a stand-in's first use among them) loads the real module."""
    placed = {name: _StandInModule(name) for name in modules if name not in sys.modules}
    sys.modules.update(placed)
    try:
        yield
    finally:
        for name, module in placed.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
