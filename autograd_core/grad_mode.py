"""Gradient mode (``no_grad``), the module scope drawings group by, and what else this thread
is recording (anomaly mode, compile's tape): the flags ``apply`` and the extras read.

All are per thread, as PyTorch's gradient mode is: ``no_grad()`` in one thread (an
optimizer's ``@no_grad()`` step, say) never turns recording off in another.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable)


class _State(threading.local):
    """This thread's mode; each new thread starts recording, with no scope open."""

    def __init__(self) -> None:
        self.enabled = True  # record graphs?
        self.modes: list[bool] = []  # the modes that open `no_grad`/`enable_grad` blocks replaced
        self.scope: Scope | None = None  # innermost open scope, stamped on recorded tensors
        self.scopes: list[Scope | None] = []  # the scopes that open `scope` blocks replaced
        self.anomaly = False  # inside detect_anomaly(): nodes remember their user line
        self.anomalies: list[bool] = []
        # while compile() records a function: every op it runs, as (op, inputs, params, out),
        # and the events a replay repeats: ("backward", root, seed, saved), ("zero_grad", t),
        # ("call", fn) (``compiled.replayed``)
        self.tape: list | None = None


state = _State()


def is_grad_enabled() -> bool:
    """True when operations on tensors that require grad are being recorded."""
    return state.enabled


class _GradMode:
    """Set gradient recording on or off inside a ``with`` block or a decorated function."""

    _enabled: bool

    # The previous mode goes on this thread's stack, not the instance: one instance (a
    # decorator's) may be entered recursively and by several threads at once.
    def __enter__(self) -> None:
        state.modes.append(state.enabled)
        state.enabled = self._enabled

    def __exit__(self, *exc_info: object) -> None:
        state.enabled = state.modes.pop()  # runs on exceptions too

    def __call__(self, fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self:
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class no_grad(_GradMode):  # noqa: N801 - named like the PyTorch API it mirrors
    """Record no graph: ``with no_grad(): ...`` or ``@no_grad()``.

    Results computed inside need no gradient and keep no references to their inputs.
    The previous mode comes back on exit, also when an exception leaves the block.
    """

    _enabled = False


class enable_grad(_GradMode):  # noqa: N801
    """Record graphs again inside a ``no_grad`` region."""

    _enabled = True


class Scope:
    """A labelled region (a module call): tensors recorded inside remember it.

    ``with scope("layer 1"): ...``; scopes nest. Drawings draw each scope as a box.
    """

    __slots__ = ("label", "parent", "depth")

    def __init__(self, label: str, parent: Scope | None) -> None:
        self.label, self.parent = label, parent
        self.depth: int = 0 if parent is None else parent.depth + 1

    def path(self) -> tuple[Scope, ...]:
        """Outermost first."""
        chain: list[Scope] = []
        node: Scope | None = self
        while node is not None:
            chain.append(node)
            node = node.parent
        return tuple(reversed(chain))

    def __repr__(self) -> str:
        return f"Scope({' / '.join(s.label for s in self.path())!r})"


class scope:  # noqa: N801 - used like a function: ``with scope("layer 1"):``
    """Open a scope named ``label`` for the tensors recorded inside the block."""

    def __init__(self, label: str) -> None:
        self.label = label

    def __enter__(self) -> Scope:
        state.scopes.append(state.scope)
        state.scope = Scope(self.label, state.scope)
        return state.scope

    def __exit__(self, *exc_info: object) -> None:
        state.scope = state.scopes.pop()
