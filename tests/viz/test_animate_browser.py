"""viz.animate: the page, played in headless Chromium (Debian's chromium, driven by Playwright).

Skips with a message where chromium or playwright is missing, fails instead where ``CI`` or
``BACKPROP_REQUIRE_BROWSER`` is set."""

import json
import os
import shutil
from pathlib import Path

import pytest

import nn
from autograd_core import Tensor
from autograd_core.viz.animate import animate, step_data
from autograd_core.viz.steps import steps

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "images" / "backprop_steps.png"


def _section6():
    X, Y = nn.flower()
    model = nn.MLP([2, 4, 1], hidden="tanh", output="sigmoid", rng=1)
    return nn.binary_cross_entropy(model(Tensor(X, name="A[0]")), Y)


def test_page_is_self_contained_and_deterministic(tmp_path):
    J = _section6()
    a = animate(J, tmp_path / "a.html").html
    b = animate(J, tmp_path / "b.html").html
    assert a == b
    assert (tmp_path / "a.html").read_text(encoding="utf-8") == a
    assert "http://" not in a.replace("http://www.w3.org", "") and "https://" not in a
    assert "<svg" in a and 'id="steps"' in a
    assert "<iframe" in animate(J)._repr_html_()
    assert not list(tmp_path.glob(".*.tmp"))


def test_page_never_half_written(tmp_path):
    with pytest.raises(ValueError):
        animate(Tensor([1.0, 2.0], requires_grad=True) * 2, tmp_path / "x.html")
    assert not list(tmp_path.iterdir())


def _missing(why):
    if os.environ.get("CI") or os.environ.get("BACKPROP_REQUIRE_BROWSER"):
        pytest.fail(f"{why} (required in CI)")
    pytest.skip(why)


def _browser():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        _missing("no chromium on PATH: apt-get install chromium (Debian) to run this test")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed: pip install playwright")
    return chromium, sync_playwright


def test_every_frame_in_chromium(tmp_path):
    chromium, sync_playwright = _browser()
    J = _section6()
    recorded = steps(J)
    expected = step_data(recorded)
    path = animate(J, tmp_path / "backprop.html").path
    pw = sync_playwright().start()
    try:
        browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(path.as_uri())
        assert page.get_attribute("#panel", "data-step") == "0"
        for k, s in enumerate(expected, start=1):
            page.keyboard.press("ArrowRight")
            assert page.get_attribute("#panel", "data-step") == str(k)
            assert page.get_attribute("#panel", "data-node") == s["name"]
            current = page.eval_on_selector_all(
                "g.node.current", "els => els.map(e => e.querySelector('title').textContent)")
            assert f"t{recorded.graph.index[recorded[k - 1].node]}" in current
            shown = page.eval_on_selector_all(
                "#panel [data-role=contribution]", "els => els.map(e => e.textContent)")
            assert shown == [c["value"] for c in s["contributions"]]
            assert page.text_content("#panel [data-role=grad]") == s["grad"]
            if k == 2:
                page.screenshot(path=str(tmp_path / "frame.png"))
                if os.environ.get("BACKPROP_SCREENSHOT"):
                    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(SCREENSHOT))
        page.keyboard.press("ArrowLeft")
        assert page.get_attribute("#panel", "data-step") == str(len(expected) - 1)
        assert json.loads(page.text_content("#steps")) == expected
        assert not errors
        assert (tmp_path / "frame.png").stat().st_size > 10_000
        browser.close()
    finally:
        pw.stop()
