"""Small counts never leave this module: the one rule every leadership figure goes through.

- A count below the threshold (default 5, never below 3) is shown as "fewer than N", never as a number.
- Every other count is rounded to the nearest multiple of ROUND_TO, so that two figures the leadership can
  see (the whole membership, and the same with a filter) cannot be subtracted to recover a small group:
  50 members in Mexico and 47 of them in Spanish would say "3 in English"; rounded, 50 and 45 leave
  anywhere from 0 to 9.
- In a partition (each member in exactly one row, with a total shown), a single suppressed row is
  recoverable from the total: the smallest other row is suppressed with it (complementary suppression).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _

MIN_THRESHOLD = 3
ROUND_TO = 5


def threshold() -> int:
    return max(MIN_THRESHOLD, int(current_app.config["SUPPRESSION_THRESHOLD"]))


@dataclass(frozen=True)
class Cell:
    """What the page may show of one count: `shown` is None when suppressed; `small` says why (a small
    group, "fewer than N") or not (hidden with a small group so the total does not give it away)."""

    shown: int | None
    small: bool = False

    @property
    def suppressed(self) -> bool:
        return self.shown is None


def rounded(count: int) -> int:
    return int(ROUND_TO * round(count / ROUND_TO))


def protect(count: int, limit: int | None = None) -> Cell:
    limit = threshold() if limit is None else limit
    if count <= 0:
        return Cell(0)
    return Cell(None, small=True) if count < limit else Cell(max(rounded(count), limit))


def protect_rows(counts: dict[str, int], *, partition: bool) -> dict[str, Cell]:
    """Protect every row of a table; in a partition, never leave exactly one row suppressed."""
    limit = threshold()
    cells = {key: protect(count, limit) for key, count in counts.items()}
    if partition:
        hidden = [key for key, cell in cells.items() if cell.suppressed]
        if len(hidden) == 1:
            shown = sorted((count, key) for key, count in counts.items() if not cells[key].suppressed and count > 0)
            if shown:
                cells[shown[0][1]] = Cell(None)
    return cells


def display(cell: Cell) -> str:
    """The figure as pages and CSV files show it, in the reader's language."""
    if not cell.suppressed:
        return str(cell.shown)
    return _("fewer than %(count)s", count=threshold()) if cell.small else _("not shown")
