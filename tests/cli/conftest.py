import pytest

import nn


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
