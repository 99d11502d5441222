"""A secret string that never shows itself by accident.

Passwords, tokens and session strings travel wrapped in `Secret`: printing
one, logging it, putting it in an f-string, a repr, a traceback's locals or an
exception message gives `********`. Only `reveal()` gives the value, and it
is called right where the value goes to a server or into the credential file.
"""

from __future__ import annotations

import hmac

MASK = "********"


class Secret:
    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if isinstance(value, Secret):
            value = value.reveal()
        if not isinstance(value, str):
            raise TypeError("a Secret wraps a str")
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"Secret({MASK!r})"

    def __str__(self) -> str:
        return MASK

    def __format__(self, spec: str) -> str:
        return MASK

    def __bool__(self) -> bool:
        return bool(self._value)

    def __len__(self) -> int:
        return len(self._value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        # Constant time, so a comparison never leaks how much of a token matched.
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash(self._value)

    def __copy__(self) -> Secret:
        return self  # immutable

    def __deepcopy__(self, memo: dict) -> Secret:
        return self

    def __reduce__(self):
        # Pickles end up in caches and crash reports: a secret never goes there.
        raise TypeError("a Secret cannot be pickled")
