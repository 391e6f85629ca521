"""The documents' index (entry-by-entry) equations, evaluated as loops written as on the page.

The formulations (``rojas``, ``zhang``, ``wichmann``, ``blog``) use each document's matrix
results; the equations that lead to them are sums over ``i``, ``j``, ``k``, ``n``, ``c``. Here
each of those is a Python loop over the page's indices, one scalar at a time, in the page's
notation and scaling, so a reader sees the printed sum evaluated (slow by design: these are
for checking, on small networks). Where an equation is printed wrong (``errata``), the
corrected form is the one evaluated, and the function says so.

One module per document: ``rojas`` (2), (7), (10), (10.a), (10.b), (12), (14); ``zhang`` the
five-layer expansion down to "bring back the sum", and steps 1)-3); ``wichmann`` (2.7), (2.12),
(3.4), (3.6)-(3.8), (3.10), (4.5)-(4.10), (4.15), (5.10), (5.14), (5.19), (6.4)-(6.7); ``blog``
the output-layer Jacobian, the chain rule, the interior recursion and the row formula for
``∂L/∂w_i^l``. Like the formulations they take a :class:`~nn.closed_form.ForwardCache` and
never run the engine; ``tests/closed_form/test_index_forms_*.py`` hold them to autodiff.
"""

from __future__ import annotations

from . import blog, rojas, wichmann, zhang
from .scalars import entry, sigma, sigma_prime

__all__ = ["blog", "entry", "rojas", "sigma", "sigma_prime", "wichmann", "zhang"]
