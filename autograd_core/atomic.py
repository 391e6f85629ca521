"""The one way the project writes a file: a temporary file beside it, then one rename.

Every output (``viz.render`` and ``backprop graph -o``, ``viz.animate``'s step page,
``nn.save``, the exercise notebooks, the demo's figure, the errata markdown) goes through
:func:`replacing` (or :func:`write_bytes` / :func:`write_text` on it), so each has the same
guarantees:

- a reader sees the old file or the new one, never half of one: the data go to a fresh
  temporary file in the same folder (same file system), are synced, then ``os.replace`` puts
  it at the path in one step;
- on any failure (a full disk, a refused permission, an exception of the code writing, Ctrl-C)
  the old file is untouched and no temporary file is left behind;
- the temporary file is created exclusively (``O_EXCL | O_NOFOLLOW``), so a file or a link
  planted under its name is never opened; a symlink at the path itself is replaced by the new
  file, never followed (its target is left alone);
- the new file has the mode an ordinary new file gets, ``0o666 & ~umask`` (``0o644`` under
  umask 022), as ``open(path, "w")`` would give it; ``tempfile.mkstemp``'s ``0o600`` would
  make a page on a course server unreadable;
- errors name the user's path, never the temporary's; an empty path, a missing folder, a
  folder or a device at the path are refused with a message that says which.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

# public: nn and the CLI write through it
__all__ = ["kind_of", "os_error", "replacing", "write_bytes", "write_text"]

PathLike = str | os.PathLike[str]

_FLAGS = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
          | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
_TRIES = 100


def _target(path: PathLike, who: str) -> Path:
    """``path`` as a ``Path`` once it is known to be somewhere a file can be written."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{who}: the path must be a str or os.PathLike, got "
                        f"{type(path).__name__}")
    if os.fspath(path) == "":  # Path("") would be ".", the current folder
        raise ValueError(f"{who}: the path is empty; give a file name")
    target = Path(path)
    try:
        info = target.lstat()
    except FileNotFoundError:
        return target
    except OSError as err:
        raise _named(err, who, target) from None
    if stat.S_ISDIR(info.st_mode):
        raise os_error(IsADirectoryError, errno.EISDIR, f"{who}: {str(target)!r} is a folder, "
                                                        f"not a file; give a file name inside it")
    if not (stat.S_ISREG(info.st_mode) or stat.S_ISLNK(info.st_mode)):
        raise os_error(OSError, errno.EINVAL, f"{who}: {str(target)!r} is "
                                              f"{kind_of(info.st_mode)}, not a regular file; "
                                              f"give a file name")
    return target


def os_error(kind: type[OSError], number: int | None, message: str) -> OSError:
    """``kind(message)`` with ``errno`` set: the message reads as written, with no
    ``[Errno N]`` in front, and code can still test ``error.errno``."""
    error = kind(message)
    error.errno = number
    return error


def kind_of(mode: int) -> str:
    """``"a FIFO (named pipe)"``, ``"a folder"``...: what a non-regular file is, in words."""
    kinds = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
             (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
             (stat.S_ISSOCK, "a socket"), (stat.S_ISLNK, "a symbolic link"),
             (stat.S_ISREG, "a regular file"))
    return next((words for test, words in kinds if test(mode)), "not a regular file")


def _named(err: OSError, who: str, path: Path, doing: str = "cannot write",
           temporary: str = "") -> OSError:
    """``err`` again, its message naming ``path`` (never the temporary file)."""
    reason = err.strerror or str(err)
    if err.filename is not None and os.fsdecode(err.filename) not in (temporary, str(path)):
        reason += f" ({os.fsdecode(err.filename)!r})"  # another file: the block's own
    message = f"{who}: {doing} {str(path)!r}: {reason}"
    return os_error(type(err), err.errno, message)


def _create(target: Path, who: str) -> tuple[int, str]:
    """A new file beside ``target``, opened for writing, created by this call."""
    folder = target.parent
    for _ in range(_TRIES):  # a name taken by chance, or planted: draw another
        temporary = os.path.join(folder, f".{target.name[:32]}.{secrets.token_hex(8)}.tmp")
        try:
            return os.open(temporary, _FLAGS, 0o666), temporary  # the umask applies
        except FileExistsError:
            continue
        except FileNotFoundError:
            raise os_error(FileNotFoundError, errno.ENOENT, f"{who}: cannot write "
                           f"{str(target)!r}: the folder {str(folder)!r} does not exist") \
                from None
        except OSError as err:
            raise _named(err, who, target, "cannot create a file beside") from None
    raise os_error(FileExistsError, errno.EEXIST, f"{who}: cannot write {str(target)!r}: no "
                   f"fresh temporary name in {str(folder)!r} after {_TRIES} tries")


@contextmanager
def replacing(path: PathLike, who: str) -> Iterator[BinaryIO]:
    """``with replacing(path, "nn.save") as file: file.write(...)``: a binary file that
    becomes ``path`` when the block ends normally, and vanishes if it raises.

    ``who`` starts every error message (the function the user called). An ``OSError`` from
    the block or the replacement is raised again naming ``path``; anything else is raised
    unchanged, after the temporary file is removed.
    """
    target = _target(path, who)
    fd, temporary = _create(target, who)
    try:
        with os.fdopen(fd, "wb") as file:
            yield file  # type: ignore[misc]
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException as err:
        try:
            os.unlink(temporary)
        except OSError:  # already gone, or the folder's permissions changed: the error
            pass  # that matters is the one being raised
        if not isinstance(err, OSError):
            raise
        raise _named(err, who, target, temporary=temporary) from None


def write_bytes(path: PathLike, data: bytes, who: str) -> Path:
    """Write ``data`` to ``path`` through :func:`replacing`; return the path."""
    with replacing(path, who) as file:
        file.write(data)
    return Path(path)


def write_text(path: PathLike, text: str, who: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` as is (no newline translation) through :func:`replacing`."""
    return write_bytes(path, text.encode(encoding), who)
