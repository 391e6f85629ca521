"""The same graph gives the same DOT text, byte for byte: twice, rebuilt, in another process."""

import hashlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from autograd_core import viz

from .conftest import two_layer_network


def test_drawing_twice_gives_the_same_text(net):
    for options in ({}, {"backward": True, "show_grads": True, "legend": True}):
        assert viz.draw(net.J, **options).source == viz.draw(net.J, **options).source


def test_rebuilding_the_graph_gives_the_same_text():
    a, b = two_layer_network(seed=3), two_layer_network(seed=3)
    assert a.J is not b.J
    assert viz.draw(a.J, backward=True).source == viz.draw(b.J, backward=True).source


def test_another_process_gives_the_same_text(net):
    script = textwrap.dedent("""
        import hashlib
        from autograd_core import viz
        from tests.viz.conftest import two_layer_network
        net = two_layer_network()
        print(hashlib.sha256(viz.draw(net.J, backward=True).source.encode()).hexdigest())
    """)
    root = Path(__file__).resolve().parents[2]  # the repository: `tests` is importable there
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=root, check=True, env={**os.environ, "PYTHONHASHSEED": "12345"})
    here = hashlib.sha256(viz.draw(net.J, backward=True).source.encode()).hexdigest()
    assert done.stdout.strip() == here


def test_node_ids_are_numbers_in_evaluation_order_not_memory_addresses(net):
    source = viz.draw(net.J).source
    assert str(id(net.J)) not in source and hex(id(net.J)) not in source
    assert "\tt0 [" in source and "\top2 [" in source


def test_repr_has_no_memory_address(net):
    assert repr(viz.draw(net.J)) == "<Drawing: 20 nodes, 19 edges>"
