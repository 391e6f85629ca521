"""Drawings of computation graphs, in the documents' notation, good enough for a lecture.

>>> from autograd_core import Tensor, viz
>>> W = Tensor([[1.0, 2.0]], requires_grad=True, name="W[1]")
>>> X = Tensor([[3.0], [4.0]], name="A[0]")
>>> J = (W @ X).tanh().sum()
>>> dot = viz.draw(J)                      # a graphviz.Digraph; dot.source is the DOT text
>>> "W<sup>[1]</sup>" in dot.source
True
>>> viz.render(J, "graph.svg", backward=True)  # doctest: +SKIP

``draw(root, *, show_shapes=True, show_grads=False, backward=False, rankdir="LR",
max_ops=None, legend=False)`` returns the drawing; ``render(root, path, **draw_options)``
writes it as ``.svg``, ``.png`` or ``.pdf`` (by the suffix) with the system ``dot`` when it
is on PATH and otherwise with the Graphviz inside the ``pygraphviz`` wheel, so ``pip install``
is enough. Drawings show themselves inline in Jupyter.

What the picture shows (``LEGEND``; ``draw(..., legend=True)`` adds it as a key):

"""

import graphviz

from ._draw import LEGEND, Drawing, draw
from ._render import FORMATS, MAX_NODES, to_bytes
from ._render import check_max_nodes as _check_max_nodes
from ._render import check_size as _check_size
from ._render import count_graph as _count_graph
from ._render import count_nodes as _count_nodes
from ._render import write as _write
from .animate import animate
from .explain import explain
from .steps import steps

__doc__ = (__doc__ or "") + LEGEND  # the key, from the one place that defines the styles

__all__ = ["FORMATS", "LEGEND", "Drawing", "animate", "draw", "explain", "render", "steps",
           "to_bytes"]


def render(root, path, *, dpi: float | None = None, max_nodes: int | None = MAX_NODES,
           **draw_options):
    """Draw ``root`` and write the picture to ``path``; the suffix picks svg, png or pdf.

    ``root`` is a Tensor (``draw_options`` go to ``draw``), or a drawing made by ``draw`` (or
    any ``graphviz`` graph or ``Source``).
    ``dpi`` sets the resolution of a PNG (Graphviz's default is 96; 150-200 suits slides).
    ``max_nodes`` (default 25,000, ``viz.MAX_NODES``): a larger drawing would take Graphviz
    minutes or hours to lay out, so ``render`` raises ``ValueError`` instead, before starting
    it (for a Tensor drawn in full, before drawing it); draw fewer ops with ``max_ops=``, or
    pass ``max_nodes=None`` to lay it out anyway.
    Returns the path as a ``pathlib.Path``. Raises ``RuntimeError`` naming what was tried if
    neither the system ``dot`` nor pygraphviz's Graphviz can make the picture.
    """
    _check_max_nodes(max_nodes)
    tensor = not isinstance(root, graphviz.Digraph | graphviz.Graph | graphviz.Source)
    if not tensor:
        if draw_options:
            raise TypeError(f"render: draw options {sorted(draw_options)} apply to a Tensor, "
                            f"not to a drawing already made")
        drawing = root
    else:
        if draw_options.get("max_ops") is None and hasattr(root, "parents"):
            _check_size(_count_graph(root), max_nodes, at_least=True, tensor=True)
        drawing = draw(root, **draw_options)
    if max_nodes is not None:
        _check_size(_count_nodes(drawing.source), max_nodes, at_least=False, tensor=tensor)
    return _write(drawing.source, path, dpi)
