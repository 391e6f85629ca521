"""``save`` and ``load``: a module's parameters as a NumPy ``.npz`` archive, never a pickle.

The file holds one array per parameter, keyed by its dotted name (``layer1.weight``), exactly
``module.state_dict()``; NumPy, or any zip tool, can read it without this library.

``load`` treats the file as hostile: before it reads any array data it checks every member's
name, declared size, ``.npy`` header, dtype and shape against the model, so a small file can
never make it allocate more than the model's own size (a zip bomb or a header declaring a
huge shape is refused, not attempted); it never unpickles; it refuses NaN and inf weights;
and it changes the module only once everything is valid.
"""

from __future__ import annotations

import errno
import math
import os
import stat
import struct
import warnings
import zipfile
import zlib
from collections import Counter
from contextlib import ExitStack
from pathlib import Path
from typing import IO

import numpy as np
from numpy.lib import format as npy

from autograd_core import Tensor
from autograd_core.atomic import kind_of, os_error, replacing

from .module import Module

PathLike = str | os.PathLike

# Beyond its data, a .npy member holds a magic string and a header (128 bytes for what
# nn.save writes; NumPy pads headers to 64-byte blocks); this much more is allowed.
_HEADER_ALLOWANCE = 4096
# Zip bookkeeping per member beyond twice its name (local and central headers, zip64
# extras, a data descriptor), and per archive (end records, a comment of at most 64 KiB).
_MEMBER_OVERHEAD = 512
_ARCHIVE_OVERHEAD = 65_536 + 1024
# What zipfile and zlib raise on a damaged archive (zipfile also raises ValueError and
# OSError, e.g. for a negative seek; and RuntimeError for an encrypted member).
_DAMAGE = (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, zlib.error,
           struct.error, ValueError, OverflowError, NotImplementedError, RuntimeError,
           KeyError, IndexError)


# ---------------------------------------------------------------- save


def save(module: Module, path: PathLike) -> Path:
    """Write ``module.state_dict()`` to ``path`` as an uncompressed ``.npz``; return the path.

    The file is written exactly at ``path`` (no suffix is added; ``.npz`` is the convention)
    by ``autograd_core.atomic.replacing``, as every file the project writes: a fresh
    temporary file in the same folder, synced, then renamed onto ``path`` in one step. So a
    reader sees the old file or the new one, never half of one; concurrent saves each write
    their own temporary file and the last rename wins; no temporary file is left behind on
    any error; a symlink at ``path`` is replaced, not followed; the file gets the mode of an
    ordinary new file (``0o666 & ~umask``). Errors name ``path``.
    """
    state = module.state_dict()
    with replacing(path, "nn.save") as file:
        _write_npz(file, state)
    return Path(path)


def _write_npz(file: IO[bytes], state: dict[str, np.ndarray]) -> None:
    """What ``np.savez(file, **state)`` writes, without its keyword arguments (a parameter
    named ``file`` or ``allow_pickle`` would collide with them) and never a pickle."""
    with zipfile.ZipFile(file, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        for name, value in state.items():
            with archive.open(name + ".npy", "w", force_zip64=True) as member:
                npy.write_array(member, value, allow_pickle=False)


# ---------------------------------------------------------------- load


def load(module: Module, path: PathLike) -> Module:
    """Load parameters saved by ``save`` into ``module``, in place; return ``module``.

    Raises ``FileNotFoundError`` if there is no file, ``IsADirectoryError`` for a folder,
    ``OSError`` for a FIFO, a device or a socket (each named: a FIFO is never waited on),
    and ``ValueError`` naming the file, the member and the check when anything is wrong: not a
    zip archive, damaged or truncated, a member that is not a ``.npy`` array, a duplicate,
    missing or unexpected name, a member larger than its parameter needs, a wrong shape, a
    wrong dtype, NaN or inf values. On any error the module is left unchanged.

    Dtypes: a member must hold real floating values the parameter's dtype takes exactly
    (``np.can_cast(..., "safe")``): the same dtype (either byte order), or a narrower float
    widened on load (float32 into a float64 model). Integers, complex, bool, structured and
    object (pickled) arrays are refused, and so is a wider float (float64 into float32), which
    would round. Fortran-ordered members (NumPy writes them for F-contiguous arrays) are
    accepted: the layout is lossless, so refusing it would refuse valid files.
    """
    params = dict(module.named_parameters())
    with _open_regular(path) as file:
        try:
            values = _read_archive(file, params)
        except _Refused as refusal:
            reason = str(refusal)
        except _DAMAGE as err:
            reason = f"the archive is truncated or damaged: {type(err).__name__}: {err}"
        else:
            reason = ""
    if reason:
        raise ValueError(f"nn.load: {os.fspath(path)!r}: {reason}; nothing was loaded")
    for name, value in values.items():
        params[name].data[...] = value
    return module


def _open_regular(path: PathLike) -> IO[bytes]:
    """``path`` opened for reading once it is known to be a regular file. It is opened
    non-blocking and checked on the open descriptor: opening a FIFO otherwise waits for a
    writer forever, and a check before opening could be raced."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"nn.load: the path must be a str or os.PathLike, got "
                        f"{type(path).__name__}")
    where = f"nn.load: {os.fspath(path)!r}"
    if os.fspath(path) == "":
        raise ValueError("nn.load: the path is empty; give the file nn.save wrote")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) \
        | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise os_error(FileNotFoundError, errno.ENOENT, f"{where}: no such file") from None
    except IsADirectoryError:
        raise os_error(IsADirectoryError, errno.EISDIR, f"{where} is a folder, not a file "
                                                        f"nn.save wrote") from None
    except OSError as err:
        raise os_error(type(err), err.errno, f"{where}: cannot open it: {err.strerror}") \
            from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        if stat.S_ISDIR(mode):
            raise os_error(IsADirectoryError, errno.EISDIR, f"{where} is a folder, not a file "
                                                            f"nn.save wrote")
        raise os_error(OSError, errno.EINVAL, f"{where} is {kind_of(mode)}, not a regular "
                                              f"file; nn.load reads the file nn.save wrote")
    if hasattr(os, "set_blocking"):
        os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


class _Refused(Exception):
    """A check failed; the message says which (``load`` adds the file's path)."""


def _limit(p: Tensor) -> int:
    """The most bytes a ``.npy`` member for ``p`` can hold: its data in ``p``'s dtype (every
    accepted dtype is at most as wide) and a header."""
    return math.prod(p.shape) * p.dtype.itemsize + _HEADER_ALLOWANCE


def _read_archive(file: IO[bytes], params: dict[str, Tensor]) -> dict[str, np.ndarray]:
    """The checked values of every parameter in the open ``file``, or ``_Refused``."""
    size = os.fstat(file.fileno()).st_size
    most = _ARCHIVE_OVERHEAD + sum(_limit(p) + 2 * len(name) + _MEMBER_OVERHEAD
                                   for name, p in params.items())
    if size > most:
        raise _Refused(f"the file is {size} bytes, more than a save of this model can be "
                       f"({most} at most); it holds another model or something else")
    if not zipfile.is_zipfile(file):
        raise _Refused("the file is not an .npz file (not a zip archive); it may be truncated "
                       "or in another format")
    with zipfile.ZipFile(file) as archive, ExitStack() as stack:
        infos = archive.infolist()
        _check_names([info.filename for info in infos], params)
        for info in infos:
            _check_entry(info, params[info.filename[:-4]])
        headers = []  # every header is checked before any array data is read
        for info in infos:
            name, p = info.filename[:-4], params[info.filename[:-4]]
            stream = _Bounded(stack.enter_context(archive.open(info)), _limit(p) + 1)
            headers.append((name, stream, _read_header(stream, info.filename, name, p)))
        return {name: _read_data(stream, name, *header) for name, stream, header in headers}


def _check_names(members: list[str], params: dict[str, Tensor]) -> None:
    """Refuse a member that is not ``<parameter name>.npy``, or one named twice, missing or
    unexpected (zip allows duplicate names; which one is meant would be ambiguous)."""
    for member in members:
        if not member.endswith(".npy"):
            raise _Refused(f"the file is a zip archive but not an .npz file: member {member!r} "
                           f"is not a NumPy array (its name does not end in .npy)")
    twice = [(m, n) for m, n in Counter(members).items() if n > 1]
    if twice:
        raise _Refused(f"member {twice[0][0]!r} appears {twice[0][1]} times; a duplicate "
                       f"member is ambiguous")
    names = [m[:-4] for m in members]
    problems = [f"missing {name!r}" for name in params if name not in names]
    problems += [f"unexpected {name!r}" for name in names if name not in params]
    if problems:
        raise _Refused(f"the file does not hold this model's parameters: "
                       f"{'; '.join(problems)}")


def _check_entry(info: zipfile.ZipInfo, p: Tensor) -> None:
    """Refuse, from the zip directory alone, a member that cannot be read or is too big."""
    member = info.filename
    if info.flag_bits & 0x1:
        raise _Refused(f"member {member!r} is encrypted")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise _Refused(f"member {member!r} uses zip compression method {info.compress_type}; "
                       f"only stored (nn.save) and deflate (np.savez_compressed) are read")
    if info.file_size > _limit(p):
        raise _Refused(f"member {member!r} declares {info.file_size} bytes uncompressed, more "
                       f"than the parameter (shape {p.shape}, {p.dtype}) needs: at most "
                       f"{_limit(p)} with its header")


class _Bounded:
    """A read-only stream that hands out at most ``budget`` bytes in all: the bound on what
    a member can make ``load`` read, whatever its zip header claims."""

    def __init__(self, stream: IO[bytes], budget: int) -> None:
        self.stream, self.budget = stream, budget

    def read(self, size: int = -1) -> bytes:
        size = self.budget if size < 0 else min(size, self.budget)
        chunks = []
        while size > 0:
            chunk = self.stream.read(size)
            if not chunk:
                break
            chunks.append(chunk)
            size -= len(chunk)
            self.budget -= len(chunk)
        return b"".join(chunks)


def _read_header(stream: _Bounded, member: str, name: str,
                 p: Tensor) -> tuple[tuple[int, ...], bool, np.dtype]:
    """The member's shape, order and dtype from its ``.npy`` header, checked against ``p``."""
    try:
        version = npy.read_magic(stream)
    except ValueError as err:
        raise _Refused(f"member {member!r} is not a NumPy array: {err}") from None
    readers = {(1, 0): npy.read_array_header_1_0, (2, 0): npy.read_array_header_2_0}
    if version not in readers:
        raise _Refused(f"member {member!r} has .npy format version {version}; 1.0 (what "
                       f"nn.save writes) and 2.0 are read")
    try:
        with warnings.catch_warnings():  # NumPy warns about Python 2 era headers it repairs
            warnings.simplefilter("ignore")
            shape, fortran, dtype = readers[version](stream, max_header_size=_HEADER_ALLOWANCE)
    except Exception as err:  # noqa: BLE001 - an untrusted header: NumPy's parser may raise
        # SyntaxError or tokenize's TokenError as well as ValueError; each means "damaged"
        raise _Refused(f"member {member!r} has a damaged .npy header: "
                       f"{type(err).__name__}: {str(err)[:200]}") from None
    if dtype.hasobject:
        raise _Refused(f"member {member!r} has dtype object: it holds pickled data, refused "
                       f"(loading a pickle can run code)")
    if dtype.kind != "f":
        raise _Refused(f"member {member!r} has dtype {dtype}, not a real floating type; the "
                       f"parameter {name!r} is {p.dtype}")
    if not np.can_cast(dtype, p.dtype, "safe"):
        raise _Refused(f"member {member!r} has dtype {dtype}, which the parameter {name!r} "
                       f"({p.dtype}) cannot hold without rounding")
    if shape != p.shape:
        raise _Refused(f"member {member!r}: {name!r} has shape {shape}, the parameter has "
                       f"{p.shape}")
    return shape, fortran, dtype


def _read_data(stream: _Bounded, name: str, shape: tuple[int, ...], fortran: bool,
               dtype: np.dtype) -> np.ndarray:
    """Exactly the bytes the header promises as an array of ``shape``, or ``_Refused``."""
    member, count = f"{name}.npy", math.prod(shape)
    nbytes = count * dtype.itemsize
    data = stream.read(nbytes)
    if len(data) < nbytes:
        raise _Refused(f"member {member!r} is truncated: its header promises {nbytes} bytes "
                       f"of data, it holds {len(data)}")
    if stream.read(1):  # also reads to the end, where zipfile checks the CRC
        raise _Refused(f"member {member!r} holds more than the {nbytes} bytes of data its "
                       f"header declares")
    flat = np.frombuffer(data, dtype=dtype)
    array = flat.reshape(shape[::-1]).T if fortran else flat.reshape(shape)
    bad = count - int(np.count_nonzero(np.isfinite(array)))
    if bad:
        raise _Refused(f"{name!r} has {bad} non-finite value{'s' * (bad != 1)} (NaN or inf) "
                       f"of {count}")
    return array
