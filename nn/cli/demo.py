"""``backprop demo``: the documents' example network, trained, checked and drawn.

Wichmann's section 6 (document 002) is the Deep Learning Specialization's course 1, week 3:
a two-layer network, ``n_h`` tanh units and one sigmoid output, trained by full-batch gradient
descent (learning rate 1.2, 10,000 steps) on the 400-point planar "flower", with the course's
initialisation ``np.random.seed(2); W = 0.01 * randn``. The demo trains it, prints the accuracy
and the autodiff-versus-closed-form table of every formulation on the trained network, and
writes the computation graph and a decision-boundary plot into a folder.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

import nn
from autograd_core import no_grad
from autograd_core.atomic import replacing

from ..closed_form import compare
from ..closed_form.compare import ATOL, RTOL
from .common import (
    DISAGREE,
    FAILURE,
    OK,
    CLIError,
    add_command,
    int_in,
    make_folder,
    positive_float,
    render_graph,
    seed,
    steps,
)

MAX_HIDDEN_UNITS = 10_000  # wider only slows the training (400 points in the plane)
PLOT_VALUES = 1 << 22  # hidden values per chunk of the plot's grid: memory stays ~32 MB

FILES = {
    "graph.svg": "forward graph of J, every node with its value and its gradient",
    "backward_graph.svg": "backward graph: the vector-Jacobian products autodiff runs",
    "decision_boundary.png": "the trained network's decision boundary over the data",
}


def add_demo(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers, "demo", "train the documents' example network, check it, draw it",
        "Train the documents' two-layer tanh/sigmoid network on the flower data, check it "
        "against\nevery closed-form formulation, and draw its graph and decision boundary.\n\n"
        "Wichmann's section 6 (document 002), the Deep Learning Specialization's course 1, "
        "week 3:\nX (2, 400), n_h tanh units, one sigmoid output, binary cross-entropy, "
        "W = 0.01 randn after\nnp.random.seed(2), 10,000 steps of full-batch gradient descent "
        "with learning rate 1.2.\nWrites " + ", ".join(FILES) + " into --out.",
        """
        backprop demo
        backprop demo --out /tmp/flower --hidden-units 20 --no-progress
        backprop demo --steps 1000
        """, disagree=True,
    )
    parser.add_argument("--out", type=Path, default=Path("backprop-demo"), metavar="DIR",
                        help="folder to write the files into, created if needed "
                             "(default: ./backprop-demo)")
    parser.add_argument("--steps", type=steps, default=10_000,
                        help="gradient-descent steps (default: %(default)s)")
    parser.add_argument("--hidden-units", default=4, metavar="N_H",
                        type=int_in(1, MAX_HIDDEN_UNITS, "a wider layer only slows the "
                                                         "training on 400 points"),
                        help="units of the tanh hidden layer, n_h (default: %(default)s)")
    parser.add_argument("--lr", type=positive_float, default=1.2,
                        help="learning rate (default: %(default)s)")
    parser.add_argument("--seed", type=seed, default=2,
                        help="np.random.seed-style seed of the weights (default: %(default)s, "
                             "the course's)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.set_defaults(run=run_demo, parser=parser, memory_hint="use a smaller --hidden-units")


def run_demo(args: argparse.Namespace) -> int:
    out = make_folder(args.out)
    X, Y = nn.flower()
    model = nn.MLP([2, args.hidden_units, 1], hidden="tanh", output="sigmoid", init="normal",
                   scale=0.01, rng=np.random.RandomState(args.seed))
    print("backprop demo: Wichmann's section 6 (document 002), the course's planar flower")
    print(f"data      flower: X {X.shape}, Y {Y.shape}, two classes of {X.shape[1] // 2}")
    print(f"model     {model!r}".replace("\n", "\n          "))
    print(f"training  {args.steps} steps of full-batch gradient descent, lr {args.lr:g}, "
          f"binary cross-entropy, W = 0.01 randn (seed {args.seed})")
    sys.stdout.flush()  # before the progress bar, which goes to stderr
    optimizer = nn.optim.SGD(model.parameters(), lr=args.lr)
    nn.fit(model, X, Y, nn.binary_cross_entropy, optimizer, args.steps,
           progress=not args.no_progress)

    J = nn.binary_cross_entropy(model(X), Y)
    J.backward(retain_graph=True)  # the gradients at the trained parameters, for the drawings
    hits = nn.accuracy(model.A[2], Y)
    print(f"result    J = {J.item():.6f}, accuracy {100 * hits:.2f} % "
          f"({round(hits * X.shape[1])} of {X.shape[1]})")
    print()
    print("Autodiff versus the documents' closed-form backpropagation, on the trained network "
          "and all 400 examples:")
    print()
    report = compare(model, X, Y, loss="binary_cross_entropy")
    print(report)
    print()
    agree = bool(report.ok())  # the tolerances the table judges with
    if not agree:
        failed = sorted({row.formulation for row in report.failures()})
        print(f"DISAGREE: {', '.join(failed)} {'differs' if len(failed) == 1 else 'differ'} "
              f"from autodiff beyond rtol={RTOL:g}, atol={ATOL:g}")
        print()

    title = (f"flower, [2, {args.hidden_units}, 1] tanh/sigmoid after {args.steps} steps: "
             f"accuracy {100 * hits:.2f} %")
    makers = {
        "graph.svg": lambda path: render_graph(J, path, show_grads=True),
        "backward_graph.svg": lambda path: render_graph(J, path, backward=True),
        "decision_boundary.png": lambda path: plot_decision_boundary(model, X, Y, path, title),
    }
    written, errors = [], []
    for name, make in makers.items():
        try:
            make(out / name)
            written.append(name)
        except CLIError as error:
            errors.append(f"{name} not written: {error}")
    print(f"wrote into {out.resolve()}{'/' if written else ''}:")
    width = max(map(len, FILES))
    for name in written:
        print(f"  {name:<{width}}  {FILES[name]}")
    for problem in errors:
        print(f"backprop: error: {problem}", file=sys.stderr)
    if not agree:  # the graver news: the check failed, whatever was written
        return DISAGREE
    return FAILURE if errors else OK


def plot_decision_boundary(model: nn.MLP, X: np.ndarray, Y: np.ndarray, path: Path,
                           title: str) -> Path:
    """A PNG of ``A[L]`` (the probability of class 1) over the plane, the data on top.

    Draws on a ``matplotlib.figure.Figure`` (the Agg renderer, no pyplot and no global backend),
    so it works without a display and leaves any interactive session alone.
    """
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise CLIError("the decision-boundary plot needs matplotlib: "
                       "pip install matplotlib") from None
    pad = 0.5
    x1 = np.linspace(X[0].min() - pad, X[0].max() + pad, 300)
    x2 = np.linspace(X[1].min() - pad, X[1].max() + pad, 300)
    grid1, grid2 = np.meshgrid(x1, x2)
    points = np.stack([grid1.ravel(), grid2.ravel()])
    chunk = max(1, PLOT_VALUES // max(model.sizes[1:]))  # a wide layer: the grid in parts
    with no_grad():
        P = np.concatenate([model(points[:, i:i + chunk]).data[0]
                            for i in range(0, points.shape[1], chunk)]).reshape(grid1.shape)
    figure = Figure(figsize=(7, 5.6), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    filled = axes.contourf(grid1, grid2, P, levels=np.linspace(0, 1, 11), cmap="RdBu_r",
                           alpha=0.4)
    axes.contour(grid1, grid2, P, levels=[0.5], colors="black", linewidths=1.2)
    for label, color in ((0, "tab:blue"), (1, "tab:red")):
        points = X[:, Y[0] == label]
        axes.scatter(points[0], points[1], color=color, s=16, edgecolors="white",
                     linewidths=0.5, label=f"class {label} (Y = {label})")
    axes.legend(loc="upper right", fontsize=8, framealpha=0.9)
    figure.colorbar(filled, ax=axes, label="A[2]: probability of class 1 (boundary at 0.5)")
    axes.set(title=title, xlabel="X[0] (first feature)", ylabel="X[1] (second feature)",
             aspect="equal")
    axes.title.set_fontsize(10)
    try:
        with replacing(path, "backprop demo") as file:  # never half a picture
            figure.savefig(file, format=Path(path).suffix.lstrip(".").lower() or "png")
    except OSError as error:
        raise CLIError(f"could not write {path}: {error}") from None
    return path
