"""The notes of the four documents: slips that change no computed value, with their quotes.

``NOTES`` lists them in document order. Where the claim that no value changes can be computed,
``CHECKS[key]`` evaluates the printed form as the document means it (in ``dJ`` units, like the
errata), and the evidence holds it to autodiff. Typesetting and wording notes have no check.
"""

from __future__ import annotations

from .. import blog, rojas, wichmann, zhang
from ..network import ForwardCache
from .entry import Check, Note, Target


def _rojas_dZ_L(cache: ForwardCache):
    """Rojas's dZ^{[L]} of (7)-(8), err' ⊙ α', with y_i^{(c)}: no 1/m."""
    L = cache.L
    err = rojas.err_prime(cache.loss, cache.A[L], cache.T)
    return err * cache.activations[L].derivative(cache.Z[L])


_ROJAS = (
    Note(
        key="rojas-1",
        document=rojas.DOCUMENT,
        location="(1)",
        quote=r"\xrightarrow{\Theta^{[1]+b^{[1]}}}",
        corrected=r"\xrightarrow{\Theta^{[1]},\, b^{[1]}}",
        explanation="The bias is typeset inside Theta's superscript.",
    ),
    Note(
        key="rojas-J-of-Theta",
        document=rojas.DOCUMENT,
        location="'Cost Function J', before (2)",
        quote=r"That is,  $\Theta$  denotes the set of *all* weight matrices",
        printed=r"J(\Theta), \quad \Theta = \{\Theta^{[1]}, \dots, \Theta^{[L]}\}",
        corrected=r"J(\Theta, b), \quad b = \{b^{[1]}, \dots, b^{[L]}\}",
        explanation=(
            "J depends on the biases too ((2) adds b_i^{[L]}), and (12) differentiates "
            "J(Theta) with respect to b^{[L]}; Theta, 'the set of all weight matrices', leaves "
            "them out of the argument. No value changes."
        ),
    ),
    Note(
        key="rojas-15",
        document=rojas.DOCUMENT,
        location="(15)",
        quote=r"(15) \quad dA^{[L-1]} = (\Theta^{[L]})^T \times dZ^{[L]}",
        printed=r"dA^{[L-1]} = (\Theta^{[L]})^T \times dZ^{[L]}",
        corrected=r"dA^{[L-1]} = (\Theta^{[L]})^T \times dZ^{[L]} = m \frac{\partial J}"
        r"{\partial A^{[L-1]}}",
        explanation=(
            "Right as printed: with his dZ^{[L]} of (7)-(8) it gives the dA^{[L-1]} of (14), "
            "and (D) uses it so. It only inherits (13)'s label dJ/dA^{[L-1]}, which is the "
            "missing 1/m of rojas-missing-m, not a slip of (15)."
        ),
    ),
    Note(
        key="rojas-y-index",
        document=rojas.DOCUMENT,
        location="(5), (7), (10), (14): the targets",
        quote=r"err'\{A_i^{[L](c)}, y_i\} \cdot \alpha'^{[L]}(Z_i^{[L](c)}) \cdot A_j^{[L-1](c)}",
        printed=r"err'\{A_i^{[L](c)}, y_i\}",
        corrected=r"err'\{A_i^{[L](c)}, y_i^{(c)}\}",
        explanation=(
            "Shorthand inside an example-indexed entry: the notation section gives targets "
            "the form y_j^{(i)} and (2) pairs A_i^{[L](c)} with y_i^{(c)}; a target without its "
            "example has no other meaning on the page, so y_i can only be y_i^{(c)}. No value "
            "changes."
        ),
    ),
)

_ZHANG = (
    Note(
        key="zhang-s-n-undefined",
        document=zhang.DOCUMENT,
        location="the index ranges before the derivation, and throughout",
        quote=(
            r"j = 1, 2, \dots, s_{n_l-4}, i = 1, 2, \dots, s_{n_l-3}, k = 1, 2, \dots, "
            r"s_{n_l-2}, q = 1, 2, \dots, s_{n_l-1} \text{ and } p = 1, 2, \dots, s_{n_l}."
        ),
        printed=r"s_{n_l-4}, \dots, s_{n_l}, \quad W^{(n_l-4)}, \dots",
        corrected=(
            r"n_l \text{: the number of layers, so layer } n_l \text{ is the output; } s_l "
            r"\text{: the number of units in layer } l"
        ),
        explanation=(
            "Neither n_l nor s_l is defined anywhere in the document; both are the notation of "
            "the UFLDL tutorial it follows (n_l layers, the output being layer n_l; s_l units "
            "in layer l), which the figure's labels n_l - 4 .. n_l and the index ranges only "
            "suggest. Every value follows once they are read so; no value changes."
        ),
    ),
    Note(
        key="zhang-delta",
        document=zhang.DOCUMENT,
        location="derivation ('The trick') and step 1)",
        quote=(
            r"\left( W_{p \leftarrow q}^{(n_l-1)} \cdot \delta_p^{(n_l)} \right) ... "
            r"\delta_p^{(n_l)} = - \left( y - h_p(W, b; x, y) \right)"
        ),
        printed=(
            r"\delta_p^{(n_l)} = \frac{da_p^{(n_l)}}{dz_p^{(n_l)}} \text{ (derivation)}, \quad "
            r"\delta_p^{(n_l)} = -(y_p - h_p) \frac{da_p^{(n_l)}}{dz_p^{(n_l)}} \text{ (step 1)}"
        ),
        corrected=(
            r"\frac{da_p^{(n_l)}}{dz_p^{(n_l)}} \text{ under its own name in the derivation; } "
            r"\delta \text{ as steps 1)-2) define it}"
        ),
        explanation=(
            "delta means two things. In the derivation it is introduced by substitution for "
            "da_p/dz_p of one output p, and delta_q^{(n_l-1)} = da_q/dz_q W_{p<-q} delta_p "
            "has no sum over p. Step 1) redefines delta_p^{(n_l)} with the factor -(y_p - h_p), "
            "and step 2) at l = n_l - 1 sums over every output p. Each use is right in its "
            "place (both are evaluated against autodiff in nn.closed_form.index_forms.zhang); "
            "the double meaning is why step 3) keeps the derivation's dh_p on its left side "
            "(zhang-step-3)."
        ),
    ),
    Note(
        key="zhang-S",
        document=zhang.DOCUMENT,
        location="step 2)",
        quote=r"\sum_{q=1}^{S_{l+1}}",
        corrected=r"\sum_{q=1}^{s_{l+1}}",
        explanation="Capital S for the unit count written s everywhere else.",
    ),
    Note(
        key="zhang-h-of-y",
        document=zhang.DOCUMENT,
        location="steps 1) and 3)",
        quote=r"h_p(W, b; x, y)",
        corrected=r"h_p(W, b; x)",
        explanation=(
            "The network output does not depend on the target y (the derivation writes "
            "h_p(W, b; x))."
        ),
    ),
    Note(
        key="zhang-k-q-layers",
        document=zhang.DOCUMENT,
        location="after step 2)",
        quote=(
            "they used to be the indexes of the units on the layer  $n_l - 1$  and  $n_l - 2$"
        ),
        printed="k and q ... the indexes of the units on the layer n_l - 1 and n_l - 2",
        corrected="k and q ... the indexes of the units on the layers n_l - 2 and n_l - 1",
        explanation=(
            "k was on layer n_l - 2 and q on n_l - 1; named after 'k and q', the layers come the "
            "other way round (harmless read as a set)."
        ),
    ),
    Note(
        key="zhang-z-bias",
        document=zhang.DOCUMENT,
        location="derivation, first block",
        quote=(
            r"\frac{\partial (W_p^{(n_l-1)} \cdot a^{(n_l-1)})}{\partial W_{i \leftarrow "
            r"j}^{(n_l-4)}} ... \frac{\partial (W_i^{(n_l-4)} \cdot a^{(n_l-4)})}"
            r"{\partial W_{i \leftarrow j}^{(n_l-4)}}"
        ),
        printed=(
            r"z_p^{(n_l)} = W_p^{(n_l-1)} \cdot a^{(n_l-1)}, \quad "
            r"z_i^{(n_l-3)} = W_i^{(n_l-4)} \cdot a^{(n_l-4)}"
        ),
        corrected=(
            r"z_p^{(n_l)} = W_p^{(n_l-1)} \cdot a^{(n_l-1)} + b_p^{(n_l-1)}, \quad "
            r"z_i^{(n_l-3)} = W_i^{(n_l-4)} \cdot a^{(n_l-4)} + b_i^{(n_l-4)}"
        ),
        explanation=(
            "Both pre-activations are written without their bias; the derivatives are "
            "unaffected because b does not depend on W."
        ),
    ),
)

_WICHMANN = (
    Note(
        key="wichmann-m-for-N",
        document=wichmann.DOCUMENT,
        location="(3.2), (3.3), (6.3)-(6.6)",
        quote=(
            r"\Delta^{(L)} = \frac{\partial J}{\partial A^{(L)}} = \frac{1}{m} "
            r"\sum_{i=1}^{N} ... H^{(2)} = \frac{1}{m} (A^{(2)} - Y)"
        ),
        printed=r"\frac{1}{m} \sum_{i=1}^{N} \dots, \quad H^{(2)} = \frac{1}{m} (A^{(2)} - Y)",
        corrected=r"\frac{1}{N} \sum_{i=1}^{N} \dots, \quad H^{(2)} = \frac{1}{N} (A^{(2)} - Y)",
        explanation=(
            "The document counts data points with N ((1.2), (3.1)). (3.2) and (3.3) write 1/m, "
            "where m is not yet defined (it first appears in (3.4) and (3.8) as a summation "
            "index), and section 6 switches to the course's m for the same count (m = 400) "
            "without saying so, in (6.3)-(6.6). m can only be N: no value changes."
        ),
    ),
    Note(
        key="wichmann-Z-blackboard",
        document=wichmann.DOCUMENT,
        location="section 2.2",
        quote=r"the $\mathbb{Z}^{(L)}$ derivative",
        printed=r"\mathbb{Z}^{(L)}",
        corrected=r"Z^{(L)}",
        explanation="Blackboard Z (the integers) for the pre-activation Z^{(L)}.",
    ),
    Note(
        key="wichmann-3.9",
        document=wichmann.DOCUMENT,
        location="(3.9)",
        quote=r"\mathcal{L}(t, a^{(L)}) = -\left[t\log a^{(L)} + (1-t)\log(1-a^{(L)})\right]",
        corrected=(
            r"\mathcal{L}(t, a^{(L)}) = -\sum_{k=1}^{S_L} \left[t_k\log a_k^{(L)} + "
            r"(1-t_k)\log(1-a_k^{(L)})\right]"
        ),
        explanation=(
            "A vector for S_L > 1; the sum over outputs is implicit (section 3.2 has S_L = 1 in "
            "mind, and the loss must be a number)."
        ),
    ),
    Note(
        key="wichmann-2.15-reference",
        document=wichmann.DOCUMENT,
        location="text after (4.11)",
        quote="The formula now takes a form very similar to equation 2.15",
        printed="very similar to equation 2.15",
        corrected="very similar to equation 2.16",
        explanation=(
            "(4.12) mirrors the weight formula (2.16); (2.15) is the definition of H^{(L)}."
        ),
    ),
    Note(
        key="wichmann-damaged",
        document=wichmann.DOCUMENT,
        location="(5.5)-(5.6), (5.11)-(5.12), (5.17)-(5.18)",
        quote=(
            r"\underbrace{\frac{\partial J}{\partial A^{(l)}}}_{\frac{\partial J}"
            r"{\partial A^{(l)}}} \odot"
        ),
        printed="repeated \\underbrace{...}_{...} \\odot ... fragments",
        corrected="(the chain of Hadamard and matrix factors, restated in (5.7), (5.13), (5.19))",
        explanation=(
            "Damaged in the text as received (repeated underbraces, cut-off fractions); the "
            "content is restated by (5.7), (5.13)-(5.15) and (5.19), which were checked instead."
        ),
    ),
    Note(
        key="wichmann-section-6-text",
        document=wichmann.DOCUMENT,
        location="section 6, text",
        quote=(
            r"so $X = \in \mathbb{R}^{2\times 400}$ ... are one-hot encodings of the true "
            r"condition ... The hidden layer has n_h layers"
        ),
        printed=r"X = \in \mathbb{R}^{2\times 400}; \text{one-hot encodings}; n_h \text{ layers}",
        corrected=r"X \in \mathbb{R}^{2\times 400}; \text{0/1 labels}; n_h \text{ units}",
        explanation=(
            "A stray '='; one row of 0/1 labels is not a one-hot encoding; the hidden layer has "
            "n_h units."
        ),
    ),
)

_BLOG = (
    Note(
        key="blog-i-index",
        document=blog.DOCUMENT,
        location="'Derivatives with respect to W^l'",
        quote=r"\frac{\partial L}{\partial {\bf w}_i^l} & =",
        printed=r"\frac{\partial L}{\partial {\bf w}_i^l} = {\bf a}^{l-1} "
        r"\frac{\partial L}{\partial b^l_i}",
        corrected=r"\frac{\partial L}{\partial {\bf w}_k^l} = {\bf a}^{l-1} "
        r"\frac{\partial L}{\partial b^l_k}",
        explanation=(
            "i numbers the samples in L = (1/N) sum_i g(a^L(x_i) - y_i) and in the output "
            "layer's sum, and here the rows of W^l (w_i^l, b_i^l). Harmless where no sum over "
            "samples is written, but the per-sample reading of this section needs both at once."
        ),
    ),
)

NOTES: tuple[Note, ...] = _ROJAS + _ZHANG + _WICHMANN + _BLOG

CHECKS: dict[str, Check] = {
    "rojas-15": Check(
        Target("dA", -2),
        lambda c: c.W[c.L].T @ _rojas_dZ_L(c) / c.m,
        "(15) with his dZ^{[L]} of (7)-(8), divided by m (his dA is m dJ/dA)",
        requires=rojas.applicable,
    ),
    "rojas-y-index": Check(
        Target("dW", -1),
        lambda c: _rojas_dZ_L(c) @ c.A[c.L - 1].T / c.m,
        "(10) with y_i read as y_i^{(c)}",
        requires=rojas.applicable,
    ),
    "wichmann-m-for-N": Check(
        Target("dZ", 2),
        lambda c: (c.A[2] - c.T) / c.m,
        "(6.3) with m read as N",
        requires=wichmann.applicable_two_layer_tanh,
    ),
}
