"""The oracle for compile(): the same function run eagerly and compiled, on two copies of the
same parameters and inputs, compared bit for bit (values, dtypes, shapes, signs of zeros)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autograd_core import Tensor, compile, no_grad

DTYPES = [np.float64, np.float32]


def assert_same(actual: Any, expected: Any, what: str = "") -> None:
    """Bit for bit: same shape, dtype and bytes (so -0.0 differs from 0.0, nan from 1)."""
    assert actual is not None and expected is not None, f"{what}: {actual!r} vs {expected!r}"
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} != {expected.shape}"
    assert actual.dtype == expected.dtype, f"{what}: dtype {actual.dtype} != {expected.dtype}"
    if not np.array_equal(actual, expected, equal_nan=True):
        worst = np.nanmax(np.abs(actual.astype(np.float64) - expected.astype(np.float64)))
        raise AssertionError(f"{what}: values differ (largest difference {worst!r})\n"
                             f"compiled {actual!r}\neager    {expected!r}")
    assert actual.tobytes() == expected.tobytes(), f"{what}: bits differ (signed zeros?)"


def assert_same_grad(actual: Any, expected: Any, what: str) -> None:
    if expected is None:
        assert actual is None, f"{what}: compiled has a gradient where eager has none"
        return
    assert actual is not None, f"{what}: compiled has no gradient where eager has one"
    assert_same(actual, expected, what)


def rand(shape, seed, dtype=np.float64, low=None, kinks=False):
    """Standard normal values; |x| + low when ``low`` is given (log, sqrt, reciprocals);
    nudged off 0 when ``kinks`` (abs, relu)."""
    values = np.random.default_rng(seed).standard_normal(shape)
    if low is not None:
        values = np.abs(values) + low
    if kinks:
        values = np.where(np.abs(values) < 0.1, np.sign(values + 1e-12) * 0.1, values)
    return np.asarray(values, dtype=dtype)


def seed_for(out: Tensor, seed: int) -> np.ndarray | None:
    """backward's seed: None for a 0-d result, a fixed random array otherwise."""
    if out.ndim == 0:
        return None
    return rand(out.shape, seed).astype(out.dtype)


class Counted:
    """``fn`` that counts its calls: a replay must not call it."""

    def __init__(self, inner: Callable) -> None:
        self.inner, self.calls = inner, 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return self.inner(*args, **kwargs)


def outputs(out: Any) -> list[Tensor]:
    return list(out) if isinstance(out, tuple | list) else [out]


def as_args(arrays: Sequence[Any], kinds: Sequence[str], eager: bool) -> list[Any]:
    """Fresh arguments: "g" a Tensor that requires grad, "t" a constant Tensor, "a" the
    ndarray itself (a constant Tensor of it for the eager call: an ndarray argument reaches
    the compiled fn as one), "c" the value as is (a constant of the recording)."""
    args = []
    for a, kind in zip(arrays, kinds):
        if kind == "g":
            args.append(Tensor(np.array(a), requires_grad=True))
        elif kind == "t":
            args.append(Tensor(np.array(a)))
        elif kind == "a":
            args.append(Tensor(np.array(a)) if eager else np.array(a))
        else:
            args.append(a)
    return args


def check_against_eager(build: Callable[[], tuple[Callable, list[Tensor]]],
                        calls: Sequence[Sequence[Any]], kinds: Sequence[str] | None = None,
                        lr: float | None = 0.1, zero: bool = True,
                        seed: int = 0) -> Any:
    """Run ``fn`` eagerly and compiled for each input list in ``calls`` (same shapes), and
    compare: the results, then after ``backward`` (seeded with fixed random arrays) every
    parameter's and every argument's ``.grad``; then update the parameters in place
    (``p -= lr * p.grad`` under no_grad) on both sides, and zero the gradients (unless
    ``zero`` is False: they accumulate across calls). ``build()`` returns ``(fn, params)``
    and is called twice: each side gets its own, equal parameters.

    Returns the compiled function, after checking it recorded once (one call of ``fn``, one
    plan, the same plan object all along) and replayed every later call."""
    fn_e, params_e = build()
    fn_c, params_c = build()
    counted = Counted(fn_c)
    compiled = compile(counted)
    kinds = kinds or ["g"] * len(calls[0])
    first_plans = None
    for k, arrays in enumerate(calls):
        args_e, args_c = as_args(arrays, kinds, True), as_args(arrays, kinds, False)
        outs_e, outs_c = outputs(fn_e(*args_e)), outputs(compiled(*args_c))
        assert len(outs_e) == len(outs_c)
        for j, (oe, oc) in enumerate(zip(outs_e, outs_c)):
            assert isinstance(oc, Tensor)
            assert_same(oc.data, oe.data, f"call {k}: result {j}")
            assert oc.requires_grad == oe.requires_grad, f"call {k}: result {j} requires_grad"
        with_grad = [(oe, oc) for oe, oc in zip(outs_e, outs_c) if oe.requires_grad]
        for j, (oe, oc) in enumerate(with_grad):
            g = seed_for(oe, seed + 1000 * k + j)
            retain = j < len(with_grad) - 1
            oe.backward(g, retain_graph=retain)
            oc.backward(None if g is None else g.copy(), retain_graph=retain)
        for n, (pe, pc) in enumerate(zip(params_e, params_c)):
            assert_same_grad(pc.grad, pe.grad, f"call {k}: parameter {n} ({pe.name}) grad")
        for n, (ae, ac) in enumerate(zip(args_e, args_c)):
            if isinstance(ac, Tensor):
                assert_same_grad(ac.grad, ae.grad, f"call {k}: argument {n} grad")
        if lr is not None:
            with no_grad():
                for pe, pc in zip(params_e, params_c):
                    if pe.grad is not None:
                        pe -= lr * pe.grad
                        pc -= lr * pc.grad
            for pe, pc in zip(params_e, params_c):
                assert_same(pc.data, pe.data, f"call {k}: parameter {pe.name} updated")
        if zero:
            for p in [*params_e, *params_c]:
                p.grad = None
        if k == 0:
            first_plans = list(compiled.plans.values())
    assert counted.calls == 1, f"fn was called {counted.calls} times: recorded again"
    assert len(compiled.plans) == 1
    assert all(a is b for a, b in zip(compiled.plans.values(), first_plans))
    return compiled


def inputs(shapes: Sequence[Any], n_calls: int, seed: int, dtype=np.float64,
           makers: Sequence[Callable] | None = None) -> list[list[np.ndarray]]:
    """``n_calls`` lists of fresh values for arguments of ``shapes``."""
    makers = makers or [lambda s, k, d: rand(s, k, d)] * len(shapes)
    return [[make(shape, seed + 97 * k + 13 * i, dtype)
             for i, (shape, make) in enumerate(zip(shapes, makers))] for k in range(n_calls)]
