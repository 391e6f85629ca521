"""``backprop graph``: a network's forward or backward computation graph, to a file."""

from __future__ import annotations

import argparse

import numpy as np

import nn
from autograd_core import Tensor

from .common import (
    LOSSES,
    RANKDIRS,
    add_command,
    add_network_options,
    check_network_options,
    describe_network,
    drawing_path,
    random_network,
    render_graph,
)


def add_graph(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers, "graph", "draw a network's computation graph to .svg, .png or .pdf",
        "Draw a network's forward or backward computation graph into an SVG, PNG or PDF file."
        "\n\nThe graph is that of the cost J of a random network (xavier weights) on a random "
        "batch,\nnamed in the documents' notation (W[1], Z[1], A[1], ...).",
        """
        backprop graph -o forward.svg
        backprop graph --backward -o backward.svg
        backprop graph --sizes 3,5,2 --hidden relu --loss mse --show-grads --rankdir TB -o g.png
        """,
    )
    add_network_options(parser, m=4)
    parser.add_argument("--backward", action="store_true",
                        help="draw the backward graph (the vector-Jacobian products) instead "
                             "of the forward graph")
    parser.add_argument("--show-grads", action="store_true",
                        help="run J.backward() first and show every gradient in the drawing")
    parser.add_argument("--rankdir", choices=RANKDIRS, default="LR",
                        help="direction of the drawing: %(choices)s (default: %(default)s)")
    parser.add_argument("--no-shapes", dest="show_shapes", action="store_false",
                        help="leave the array shapes out of the labels")
    parser.add_argument("-o", "--out", type=drawing_path, default=drawing_path("graph.svg"),
                        metavar="PATH",
                        help="the file to write; its suffix .svg, .png or .pdf picks the "
                             "format (default: graph.svg)")
    parser.set_defaults(run=run_graph, parser=parser, memory_hint="use smaller --sizes or --m")


def run_graph(args: argparse.Namespace) -> int:
    check_network_options(args.parser, args)
    model, X, T = random_network(args)
    J = cost(model, X, T, args.loss)
    if args.show_grads:
        J.backward(retain_graph=args.backward)
    path = render_graph(J, args.out, show_shapes=args.show_shapes, show_grads=args.show_grads,
                        backward=args.backward, rankdir=args.rankdir)
    kind = "backward" if args.backward else "forward"
    print(f"wrote the {kind} graph of J for {describe_network(args)} to {path}")
    return 0


def cost(model: nn.MLP, X: np.ndarray, T: np.ndarray, loss: str) -> Tensor:
    """``J = loss(model(X), T)``: the graph's root."""
    return LOSSES[loss](model(X), T)
