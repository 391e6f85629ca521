"""The clock: one counter whose ticks order the graph and version every in-place write.

``apply`` stamps each recorded node with a tick, so a node is always later than its inputs
and the walk can go from the latest node back (no sort needed). ``mark_written`` gives an
array's version counter a tick too: an array was written after a node was recorded exactly
when its version is later than the node's stamp, and ``LAST_WRITE`` (the latest write
anywhere) lets backward skip the check while nothing has been written since.
"""

from __future__ import annotations

import itertools

tick = itertools.count(1).__next__  # node stamps and write versions, increasing
LAST_WRITE = [0]  # the tick of the latest in-place write anywhere


def mark_written(version: list[int]) -> None:
    """Record an in-place write to the array(s) sharing the counter ``version``."""
    version[0] = LAST_WRITE[0] = tick()
