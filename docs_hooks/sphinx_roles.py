"""Griffe extension: Sphinx roles in docstrings, rewritten for the markdown of the API pages.

Docstrings are read by ``help()`` and by mkdocstrings; some use reST roles. Markdown has no
roles, so they would print raw (``:func:`compare```). Here ``:math:`x``` becomes ``\\(x\\)``
(typeset by KaTeX like the rest of the site) and every other role (``:func:``, ``:class:``,
``:meth:``, ``:data:``, ``:py:attr:`~a.b.c```, ...) its target as code (``c`` for ``~a.b.c``).
The sources keep their roles; only the rendered pages change.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_MATH = re.compile(r":math:`([^`]+)`")
_ROLE = re.compile(r":(?:py:)?[a-z]+:`!?([^`]+)`")


def _target(text: str) -> str:
    match = re.fullmatch(r"(.*?)\s*<([^>]+)>", text, flags=re.S)  # `title <target>`: the title
    if match and match.group(1):
        return match.group(1)
    if text.startswith("~"):  # `~a.b.c`: Sphinx shows the last part only
        return text.rsplit(".", 1)[-1]
    return text


def rewrite_roles(text: str) -> str:
    """``text`` with its Sphinx roles as markdown: math as ``\\(...\\)``, the rest as code."""
    text = _MATH.sub(lambda m: f"\\({m.group(1)}\\)", text)
    return _ROLE.sub(lambda m: f"`{_target(m.group(1))}`", text)


class SphinxRoles(griffe.Extension):
    """Rewrites every docstring that griffe loads (see ``rewrite_roles``)."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = rewrite_roles(obj.docstring.value)
