"""The built site in Debian's Chromium with the network cut off: every equation typeset by the
vendored KaTeX, no raw ``$$``, no KaTeX error, no console error, no request off the machine.

Skips with a message where chromium or playwright is missing, fails instead where ``CI`` or
``BACKPROP_REQUIRE_BROWSER`` is set."""

import pytest

from .conftest import ROOT

# the page's text outside code, KaTeX output and scripts: what a reader sees as prose
_PROSE = """() => {
  const copy = document.body.cloneNode(true);
  copy.querySelectorAll('pre, code, script, style, .katex').forEach(e => e.remove());
  return copy.textContent;
}"""

_NOTEBOOKS = sorted((ROOT / "notebooks" / "exercises").glob("*.ipynb"))
_SOLVED = next(p.stem for p in _NOTEBOOKS if p.stem.endswith("_solved"))
_BLANK = next(p.stem for p in reversed(_NOTEBOOKS) if p.stem.endswith("_exercise"))

PAGES = {  # path -> least number of typeset formulas
    "errata/": 33,
    f"exercises/{_SOLVED}/": 5,  # a solved notebook and another document's blank one
    f"exercises/{_BLANK}/": 5,
    "api/closed_form/": 1,  # docstrings: :math: roles, typeset
    "common_mistakes/": 40,  # math in headings too (the contents sidebar)
    "notation/": 0,  # headings that start with a digit
    "steps/": 0,
}


@pytest.fixture
def offline(chromium, server):
    """A page whose requests off ``server`` are aborted and recorded, with its errors."""
    context = chromium.new_context(viewport={"width": 1300, "height": 900})
    outside: list[str] = []
    errors: list[str] = []

    def route(r):
        if r.request.url.startswith(server) or r.request.url.startswith("data:"):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    page.on("console", lambda m: m.type == "error" and errors.append(f"console: {m.text}"))
    page.on("requestfailed", lambda r: errors.append(f"failed: {r.url}"))
    yield page, outside, errors
    context.close()


@pytest.mark.parametrize("path", PAGES)
def test_page_typeset_offline(offline, server, path):
    page, outside, errors = offline
    response = page.goto(server + path, wait_until="load")
    assert response is not None and response.ok, path
    page.wait_for_load_state("networkidle")
    formulas = page.locator(".arithmatex").count()
    assert formulas >= PAGES[path], f"{path}: {formulas} formulas"
    # every formula arithmatex left is typeset, and none failed
    assert page.locator(".arithmatex .katex").count() == formulas, path
    assert page.locator(".katex-error").count() == 0, page.locator(".katex-error").all_inner_texts()
    if formulas:  # the KaTeX fonts came from the site
        assert page.evaluate("document.fonts.check('16px KaTeX_Main')"), path
    prose = page.evaluate(_PROSE)
    for raw in ("$$", "\\(", "\\[", ":math:", ":func:", ":class:"):
        assert raw not in prose, f"{path}: raw {raw!r} in the text"
    assert "$" not in prose, f"{path}: an untypeset $ in the text"
    assert not outside, f"{path} asked outside the machine: {outside}"
    assert not errors, f"{path}: {errors}"


def test_step_page_plays_offline(offline, server):
    page, outside, errors = offline
    page.goto(server + "steps/section6.html", wait_until="load")
    assert page.get_attribute("#panel", "data-step") == "0"
    page.keyboard.press("ArrowRight")
    assert page.get_attribute("#panel", "data-step") == "1"
    assert page.locator("#graph svg g.node.current").count() >= 1
    page.goto(server + "steps/", wait_until="load")
    frame = page.frame_locator("iframe").first
    assert frame.locator("#graph svg").count() == 1
    assert not outside and not errors, (outside, errors)
