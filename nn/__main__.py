"""``python -m nn``: the ``backprop`` command (see ``nn.cli``)."""

import sys

from .cli import main

sys.exit(main())
