"""MkDocs hook: the page that plays the section-6 backward pass, hosted on the site.

``autograd_core.viz.animate`` writes the page at build time (it is deterministic and
self-contained: no network), under ``steps/``, with ``steps/index.md`` embedding each one.
Another mode of the page is one more entry in ``STEP_PAGES``: its file name, its heading, a
sentence, and the keyword arguments ``animate`` takes for it.
"""

from __future__ import annotations

from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

# file name -> (heading, what it shows, keyword arguments of animate)
STEP_PAGES: dict[str, tuple[str, str, dict[str, Any]]] = {
    "section6.html": ("The backward pass", "Every step the engine takes, in order: the node, "
                      "the gradient arriving, its rule and its numbers.", {}),
    "section6_predict.html": ("Predict each step", "The same pass, asking first: before each "
                              "step's result is shown, type the value of one element; the page "
                              "says whether it is within 1 %, shows the arithmetic, and keeps "
                              "a score.", {"predict": True}),
}

INTRO = """\
# Watching backprop

The network of Wichmann's section 6 (2 inputs, 4 tanh units, one sigmoid output, binary
cross-entropy) on 4 of the flower points, so that every number of every step shows, its
backward graph drawn, and the backward pass played one node at a time. Press ▶, or click the
page and use the arrow keys; `o` shows the whole graph. The page is written by
`autograd_core.viz.animate(J, "backprop.html")` (or `backprop steps --html backprop.html`,
which builds this same network; `--predict` for the second page) and works offline.
"""


def section6_cost() -> Any:
    """J of the section-6 network on the flower data, as ``backprop steps`` builds it by
    default (seed 0, ``STEPS_M`` examples)."""
    import nn
    from autograd_core import Tensor
    from nn.cli.steps import STEPS_M

    X, Y = nn.flower(m=STEPS_M)
    model = nn.MLP([2, 4, 1], hidden="tanh", output="sigmoid", rng=0)
    return nn.binary_cross_entropy(model(Tensor(X, name="A[0]")), Y)


def _index() -> str:
    lines = [INTRO]
    for name, (heading, text, _) in STEP_PAGES.items():
        lines += [f"## {heading}", "", f"{text} [Open it full size]({name}).", "",
                  f'<iframe src="{name}" title="{heading}" style="width:100%;height:680px;'
                  'border:1px solid #ccc"></iframe>', ""]
    return "\n".join(lines)


def on_files(files: Files, config: MkDocsConfig, **_: Any) -> Files:
    from autograd_core.viz import animate

    J = section6_cost()
    for name, (_, _, options) in STEP_PAGES.items():
        files.append(File.generated(config, f"steps/{name}", content=animate(J, **options).html))
    files.append(File.generated(config, "steps/index.md", content=_index()))
    return files
