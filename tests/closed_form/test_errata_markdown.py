"""docs/errata.md keeps every LaTeX symbol of the entries' prose inside $...$: bare, Markdown
reads A_i^{[L](c)} as the link [L](c) and drops backslashes, and no typesetter sees it."""

import re

import pytest

from nn.closed_form.errata import ERRATA, NOTES, evidence
from nn.closed_form.errata.markdown import prose, render_markdown

_MATH_OR_CODE = re.compile(r"```.*?```|``.*?``|`[^`]*`|\$\$.*?\$\$|\$[^$]+\$", re.S)


def _outside(text: str) -> str:
    return _MATH_OR_CODE.sub(" ", text)


def _prose_texts():
    for e in ERRATA:
        yield from (e.location, e.explanation, e.category)
    for n in NOTES:
        yield from (n.location, n.explanation)
    for item in evidence(0):
        yield from (r.name for r in item.readings)


@pytest.mark.parametrize("text", sorted(set(_prose_texts())))
def test_no_latex_outside_math(text):
    out = prose(text)
    assert not re.search(r"[{}^\\]", _outside(out)), out
    # nothing is lost: without the delimiters and the Greek/arrow commands, the same text
    plain = out.replace("$", "").replace("&#36;", "$").replace(r"\leftarrow ", "<-")
    assert re.sub(r"\\(?=[A-Za-z])|[{}]", "", plain) == re.sub("[{}]", "", text)


@pytest.mark.parametrize("text, expected", [
    ("dJ/dA_i^{[L](c)} = x", "$dJ/dA_i^{[L](c)}$ = x"),
    ("(z_i^{[l](j)} = row_i(Theta^{[l]})", "($z_i^{[l](j)}$ = $row_i$($\\Theta^{[l]}$)"),
    ("W_{i<-j}, (A^{(1)})^t.", "$W_{i\\leftarrow j}$, $(A^{(1)})^t$."),
    ("sum_{s<=n_1}(Theta_rs X_s)", "$\\sum_{s<=n_1}$($\\Theta_{rs}$ $X_s$)"),
    ("'respect to A^{[L]}', f'(z)", "'respect to $A^{[L]}$', f'(z)"),
    ("see `a_b^{c}` and nn.closed_form.x, costs $5", "see `a_b^{c}` and nn.closed_form.x, "
     "costs &#36;5"),
])
def test_prose_examples(text, expected):
    assert prose(text) == expected


def test_the_whole_page_has_no_link_made_of_a_superscript():
    page = render_markdown(0)
    assert not re.search(r"\]\([^)#]*\)", _outside(page).replace("](#", "")), \
        "a [..](..) outside code and math that is not an anchor link"
    assert not re.search(r"[{}^\\]", _outside(page))


@pytest.mark.parametrize("text, expected", [
    (r"\sum_{q=1}^{s_{l+1}}", r"$\sum_{q=1}^{s_{l+1}}$"),
    (r"X \in \mathbb{R}^{2}; \text{0/1 labels}", r"$X \in \mathbb{R}^{2}; \text{0/1 labels}$"),
    ("very similar to equation 2.16", "very similar to equation 2.16"),  # words stay words
    ("the units on the layers n_l - 2", "the units on the layers $n_l$ - 2"),
    ("a | b", "`a \\| b`"),  # a cell cannot hold | inside $...$
])
def test_a_notes_should_read_cell(text, expected):
    from nn.closed_form.errata.markdown import _formula

    assert _formula(text) == expected
