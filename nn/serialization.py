"""``save`` and ``load``: a module's parameters as a NumPy ``.npz`` archive, never a pickle.

The file holds one array per parameter, keyed by its dotted name (``layer1.weight``), exactly
``module.state_dict()``; NumPy, or any zip tool, can read it without this library. ``load``
reads with ``allow_pickle=False``, so a file can never run code, and checks everything before
it changes anything.
"""

from __future__ import annotations

import os
import zipfile
import zlib
from pathlib import Path

import numpy as np

from .module import Module, _check_state

PathLike = str | os.PathLike


def save(module: Module, path: PathLike) -> Path:
    """Write ``module.state_dict()`` to ``path`` as an uncompressed ``.npz``; return the path.

    The file is written exactly at ``path`` (no suffix is added; ``.npz`` is the convention),
    through a temporary file that replaces ``path`` only once complete, so an interrupted
    save never leaves a half-written file behind.
    """
    path = Path(path)
    state = module.state_dict()
    partial = path.with_name(path.name + ".partial")
    try:
        with open(partial, "wb") as file:
            np.savez(file, **state)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def load(module: Module, path: PathLike) -> Module:
    """Load parameters saved by ``save`` into ``module``, in place; return ``module``.

    Raises ``FileNotFoundError`` if there is no file, and ``ValueError`` saying what is wrong
    when the file is not an ``.npz`` archive (another format, a pickle, a truncated or damaged
    file) or does not fit the module (a missing or unexpected parameter name, a wrong shape).
    On any error the module is left unchanged.
    """
    path = Path(path)
    where = f"nn.load: {str(path)!r}"
    if not path.is_file():
        raise FileNotFoundError(f"{where}: no such file")
    state = _read_npz(path, where)
    params = dict(module.named_parameters())
    try:
        values = _check_state(params, state, where)
    except ValueError as err:
        raise ValueError(f"{err} (the file does not hold this model's parameters)") from None
    for name, value in values.items():
        params[name].data[...] = value
    return module


def _read_npz(path: Path, where: str) -> dict[str, np.ndarray]:
    """Every array of the archive at ``path``, read eagerly, or ``ValueError`` saying why not."""
    if not zipfile.is_zipfile(path):
        raise ValueError(f"{where} is not an .npz file (not a zip archive); it may be "
                         f"truncated or in another format")
    try:
        with np.load(path, allow_pickle=False) as archive:
            members = archive.zip.namelist()
            arrays = {name: archive[name] for name in archive.files}
    except ValueError as err:
        reason = ("it holds pickled data, refused (loading a pickle can run code)"
                  if "allow_pickle" in str(err) else f"an array cannot be read ({err})")
        raise ValueError(f"{where} is damaged or not an .npz file from nn.save: {reason}") \
            from None
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error, KeyError) as err:
        raise ValueError(f"{where} is truncated or damaged: {type(err).__name__}: {err}") \
            from None
    # NumPy hands back the raw bytes of a member that is not a .npy array
    foreign = [n for n in members if not n.endswith(".npy")]
    foreign += [f"{n}.npy" for n, value in arrays.items() if not isinstance(value, np.ndarray)]
    if foreign:
        raise ValueError(f"{where} is a zip archive but not an .npz file: member "
                         f"{foreign[0]!r} is not a NumPy array")
    return arrays
