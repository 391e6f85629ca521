"""Version stamps: how ``compile`` sees that a stateful object it read has changed.

A compiled function is recorded once and replayed; a replay is right only while what the
recording read is as it was. For an object with state (a model, an activation with a slope,
an optimizer), comparing its whole content at every call would cost more than the replay.
Instead the object takes part in this protocol:

- its type has a method ``_stamp_parts()`` returning the objects reached through it that
  ``compile`` must guard on their own (sub-modules, a hook table, a parameter list);
- its ``_stamp`` attribute changes, by ``bump(obj)``, whenever anything else a recording may
  have read from it changes (an attribute assigned or deleted, say).

``compile`` then keeps ``(obj, obj._stamp)`` and compares one integer per object at each call.
The engine defines the protocol and never imports ``nn``: ``nn.Module`` and the optimizers
implement it, as may any stateful class of the user's (subclass ``Stamped``).
"""

from __future__ import annotations

import itertools
from typing import Any

__all__ = ["Stamped", "bump", "is_stamped"]  # the protocol nn.Module and the optimizers implement

_clock = itertools.count(1)  # one clock for every object: a stamp is never reused


def bump(obj: Any) -> None:
    """Give ``obj`` a new stamp: what a recording read from it may have changed."""
    object.__setattr__(obj, "_stamp", next(_clock))


def is_stamped(obj: Any) -> bool:
    """Does ``obj`` take part in the protocol (its type has ``_stamp_parts``)?"""
    return callable(getattr(type(obj), "_stamp_parts", None))


class Stamped:
    """A base for stateful objects: assigning or deleting any attribute bumps the stamp.

    Subclasses that keep state in containers they change in place (a list of tensors)
    return those containers from ``_stamp_parts()``; ``compile`` compares their content.
    """

    _stamp = 0

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        bump(self)

    def __delattr__(self, name: str) -> None:
        super().__delattr__(name)
        bump(self)

    def _stamp_parts(self) -> tuple[Any, ...]:
        return ()
