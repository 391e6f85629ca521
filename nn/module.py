"""``Module``: the base of every layer and model; ``Sequential``: modules applied in order.

A module registers its parameters and submodules when they are assigned as attributes, so
``named_parameters()`` is a walk over that tree and every other method (``zero_grad``,
``state_dict``, ``load_state_dict``, the optimizers, ``nn.save``) reads from it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np

from autograd_core import RemovableHandle, Tensor, scope
from autograd_core.hooks import add_hook
from autograd_core.stamps import bump


class Module:
    """Base class: subclasses call ``super().__init__()``, assign parameters and submodules as
    attributes, and define ``forward``; ``module(x)`` calls ``forward(x)``.

    What is registered on assignment:

    - a **parameter**: a leaf ``Tensor`` with ``requires_grad=True`` (``self.weight = ...``);
    - a **submodule**: a ``Module`` (``self.layer1 = Linear(2, 4)``).

    Anything else (a computed tensor, a list, a number) is a plain attribute. Reassigning a
    name replaces what was registered under it. ``named_parameters()`` gives dotted names in
    assignment order (``"layer1.weight"``), the names ``state_dict()`` and ``nn.save`` use.
    """

    _parameters: dict[str, Tensor]
    _modules: dict[str, Module]
    _forward_hooks: dict[int, Callable]
    _stamp = 0  # bumped on every assignment: see autograd_core.stamps

    def __init__(self) -> None:
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "_forward_hooks", {})

    # ------------------------------------------------------------ registration

    def __setattr__(self, name: str, value: Any) -> None:
        registry = self.__dict__.get("_parameters")
        if registry is None:
            raise AttributeError(f"{type(self).__name__}: cannot assign {name!r} before "
                                 f"Module.__init__(); call super().__init__() first")
        self._parameters.pop(name, None)
        self._modules.pop(name, None)
        if isinstance(value, Tensor) and value.requires_grad and value.is_leaf:
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._modules[name] = value
        object.__setattr__(self, name, value)
        bump(self)  # a compiled function that read this module records again

    def __delattr__(self, name: str) -> None:
        self._parameters.pop(name, None)
        self._modules.pop(name, None)
        object.__delattr__(self, name)
        bump(self)

    def _stamp_parts(self) -> tuple[Any, ...]:
        """What compile guards besides this module's stamp (``autograd_core.stamps``): its
        sub-modules, modules it holds in a tuple or list (an MLP's activations), and its
        forward hooks (a hook added or removed records again)."""
        held = [m for value in vars(self).values() if isinstance(value, tuple | list)
                for m in value if isinstance(m, Module)]
        return (*self._modules.values(), *held, self._forward_hooks)

    # ------------------------------------------------------------ the tree

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """The direct submodules with their attribute names, in assignment order."""
        yield from self._modules.items()

    def named_parameters(self) -> Iterator[tuple[str, Tensor]]:
        """Every parameter with its dotted name (``"layer1.weight"``), this module's first,
        then each submodule's in assignment order. A tensor shared by two modules comes once.
        """
        seen: set[int] = set()
        stack: list[tuple[str, Module]] = [("", self)]
        while stack:  # depth first, children in assignment order
            prefix, module = stack.pop()
            for name, p in module._parameters.items():
                if id(p) not in seen:
                    seen.add(id(p))
                    yield prefix + name, p
            stack.extend((f"{prefix}{name}.", child)
                         for name, child in reversed(module._modules.items()))

    def parameters(self) -> list[Tensor]:
        """The parameters, in ``named_parameters()`` order (what an optimizer takes)."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Forget every parameter's gradient (``p.grad = None``), before the next backward."""
        for p in self.parameters():
            p.grad = None

    # ------------------------------------------------------------ calling

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} does not define forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not self._modules:  # a leaf module: a box around one or two ops is noise in a drawing
            output = self.forward(*args, **kwargs)
        else:
            with scope(type(self).__name__):  # a container: its ops are drawn in one box
                output = self.forward(*args, **kwargs)
        if self._forward_hooks:
            for hook in list(self._forward_hooks.values()):
                result = hook(self, args, output)
                if result is not None:
                    output = result
        return output

    def register_forward_hook(self, hook: Callable[[Module, tuple, Any], Any]
                              ) -> RemovableHandle:
        """Call ``hook(module, inputs, output)`` after every forward (PyTorch's name); a
        returned value replaces the output. ``handle.remove()`` stops it. ``nn.MLP`` keeps its
        ``Z[l]``, ``A[l]`` this way."""
        if not callable(hook):
            raise TypeError(f"register_forward_hook: expected a function (module, inputs, "
                            f"output), got {type(hook).__name__}")
        return add_hook(self._forward_hooks, hook)

    # ------------------------------------------------------------ state

    def state_dict(self) -> dict[str, np.ndarray]:
        """Dotted parameter name -> a copy of its values (later training does not change it)."""
        return {name: np.array(p.data, copy=True) for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Copy ``state``'s arrays into the parameters of the same names, in place.

        Refuses (``ValueError`` naming every problem) a missing name, an unexpected name, a
        wrong shape or a non-numeric array; then nothing has been changed. Values are cast to
        each parameter's dtype. The parameter tensors stay the same objects, so an optimizer
        built on them keeps working.
        """
        params = dict(self.named_parameters())
        values = _check_state(params, state, f"{type(self).__name__}.load_state_dict")
        for name, value in values.items():
            params[name].data[...] = value

    # ------------------------------------------------------------ display

    def extra_repr(self) -> str:
        """The arguments shown inside this module's ``repr`` parentheses."""
        return ""

    def __repr__(self) -> str:
        head = f"{type(self).__name__}({self.extra_repr()}"
        if not self._modules:
            return head + ")"
        lines = [head]
        for name, child in self._modules.items():
            body = repr(child).replace("\n", "\n  ")
            lines.append(f"  ({name}): {body}")
        return "\n".join(lines) + "\n)"


def _check_state(params: Mapping[str, Tensor], state: Mapping[str, Any],
                 where: str) -> dict[str, np.ndarray]:
    """``state``'s values as arrays, or ``ValueError`` listing every mismatch with ``params``."""
    problems = [f"missing {name!r}" for name in params if name not in state]
    problems += [f"unexpected {name!r}" for name in state if name not in params]
    values: dict[str, np.ndarray] = {}
    for name, p in params.items():
        if name not in state:
            continue
        value = np.asarray(state[name])
        if value.dtype.kind not in "biuf":
            problems.append(f"{name!r} has non-numeric dtype {value.dtype}")
        elif value.shape != p.shape:
            problems.append(f"{name!r} has shape {value.shape}, the parameter has {p.shape}")
        else:
            values[name] = value
    if problems:
        raise ValueError(f"{where}: {'; '.join(problems)}; nothing was loaded")
    return values


class Sequential(Module):
    """Modules applied in order: ``Sequential(m1, m2, m3)(x) = m3(m2(m1(x)))``.

    The modules are registered as ``"0"``, ``"1"``, ... (parameter names ``"0.weight"``);
    ``seq[i]``, ``len(seq)`` and iteration reach them.
    """

    def __init__(self, *modules: Module) -> None:
        super().__init__()
        for i, module in enumerate(modules):
            if not isinstance(module, Module):
                raise TypeError(f"Sequential: argument {i} is a {type(module).__name__}, "
                                f"not a Module")
            setattr(self, str(i), module)

    def forward(self, x: Any) -> Any:
        for module in self._modules.values():
            x = module(x)
        return x

    def __getitem__(self, index: int) -> Module:
        return list(self._modules.values())[index]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(list(self._modules.values()))
