import pytest

import nn
from nn.closed_form import FORMULATIONS, BackpropResult


@pytest.fixture
def progress_seen(monkeypatch):
    """Record the ``progress`` argument of every ``nn.fit`` call the command line makes."""
    seen = []
    real_fit = nn.fit

    def spy(*args, **kwargs):
        seen.append(kwargs["progress"])
        return real_fit(*args, **kwargs)

    monkeypatch.setattr(nn, "fit", spy)
    return seen


def scaled(formulation, factor):
    """``formulation`` with every quantity multiplied by ``factor``: a wrong closed form."""
    def backprop(cache):
        right = formulation.backprop(cache)
        arrays = {key: {l: value * factor for l, value in per_layer.items()}
                  for key, per_layer in right.arrays.items()}
        return BackpropResult(right.document, right.formulation, arrays, right.quantities)
    return formulation._replace(backprop=backprop)


@pytest.fixture
def wrong_rojas(monkeypatch):
    """Rojas's formulation 0.1 % off: it disagrees with autodiff."""
    monkeypatch.setitem(FORMULATIONS, "rojas", scaled(FORMULATIONS["rojas"], 1.001))
