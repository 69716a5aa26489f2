""""Did you mean …": the closest known word to a mistyped key, value or flag, for the
one-line errors of the CLI, scenario files, faults and `/_sim` bodies."""

from __future__ import annotations

import difflib
from typing import Iterable


def closest(word: object, known: Iterable[str]) -> str | None:
    """The known word `word` is most likely a typo of, or None when none is close."""
    if not isinstance(word, str):
        return None
    matches = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(word: object, known: Iterable[str]) -> str:
    """'; did you mean 'port'?' when one is close, else ''."""
    match = closest(word, known)
    return f"; did you mean {match!r}?" if match else ""
