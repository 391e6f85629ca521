"""``python -m nn``: the ``backprop`` command (see ``nn.cli``)."""

from .cli import script

script()
