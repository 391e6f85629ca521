"""Every file the project writes goes through ``autograd_core.atomic``: a temporary file in
the same folder, then one rename. For each writer: a symlink at the path is replaced, never
followed; the mode is an ordinary new file's under umask 022 and 077; a failure mid-write (a
full disk, simulated with RLIMIT_FSIZE, or a failing fsync or rename) leaves the old file as it
was and no temporary behind, with a message naming the user's path."""

from __future__ import annotations

import errno
import io
import os
import re
import resource
import signal
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stderr
from pathlib import Path

import numpy as np
import pytest

import nn
from autograd_core import Tensor
from autograd_core import atomic as _atomic

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX modes, links and FIFOs")

OLD = b"the old file, which a failed write must leave exactly as it was\n" * 50


def _graph() -> Tensor:
    x = Tensor(np.ones((2, 1)), requires_grad=True, name="x")
    J = ((x * 2.0).tanh()).sum()
    return J


def _render(path: Path) -> None:
    from autograd_core import viz

    viz.render(_graph(), path)


def _animate(path: Path) -> None:
    from autograd_core import viz

    viz.animate(_graph(), path)


def _drawing_save(path: Path) -> None:
    from autograd_core import viz

    viz.draw(_graph()).save(path)


def _drawing_render(path: Path) -> None:
    from autograd_core import viz

    viz.draw(_graph()).render(outfile=path, cleanup=True)


def _save(path: Path) -> None:
    nn.save(nn.MLP([2, 3, 1], rng=0), path)


def _notebook(path: Path) -> None:
    from nn.closed_form.grading.notebook import write

    write("rojas", path)


def _errata(path: Path) -> None:
    from nn.closed_form.errata import markdown

    markdown.write_markdown(path)


def _figure(path: Path) -> None:
    from nn.cli.demo import plot_decision_boundary

    X, Y = nn.flower()
    plot_decision_boundary(nn.MLP([2, 3, 1], output="sigmoid", rng=0), X, Y, path, "test")


def _graph_command(path: Path) -> None:
    from nn.cli import main
    from nn.cli.common import CLIError

    errors = io.StringIO()
    with redirect_stderr(errors):
        status = main(["graph", "-o", str(path)])
    if status:
        raise CLIError(f"backprop graph -o exited {status}: {errors.getvalue()}")


WRITERS: dict[str, tuple[Callable[[Path], None], str]] = {
    "viz.render": (_render, "g.svg"),
    "backprop graph -o": (_graph_command, "g.svg"),
    "viz.animate": (_animate, "steps.html"),
    "Drawing.save": (_drawing_save, "g.gv"),
    "Drawing.render": (_drawing_render, "g.png"),
    "nn.save": (_save, "m.npz"),
    "exercise notebook": (_notebook, "rojas_exercise.ipynb"),
    "errata markdown": (_errata, "errata.md"),
    "demo figure": (_figure, "decision_boundary.png"),
}


@pytest.fixture(params=list(WRITERS))
def writer(request, monkeypatch) -> tuple[Callable[[Path], None], str]:
    if request.param == "errata markdown":  # the text takes seconds to compute; the write
        from nn.closed_form.errata import markdown  # is what is tested here

        monkeypatch.setattr(markdown, "render_markdown", lambda seed=0: "# Errata\n" * 40)
    return WRITERS[request.param]


@contextmanager
def umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


@contextmanager
def disk_full_after(size: int, monkeypatch) -> Iterator[None]:
    """Once the output file is created, writes past ``size`` bytes fail with EFBIG, as on a
    full disk (RLIMIT_FSIZE; set then, so that a renderer's own process is not limited)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    create = _atomic._create

    def create_then_fill(*args):
        opened = create(*args)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, hard))
        return opened

    monkeypatch.setattr(_atomic, "_create", create_then_fill)
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, handler)


def names_the_users_path(message: str, path: Path) -> bool:
    """The error names the path (or, for Drawing.render, its DOT file), never a temporary."""
    return str(path.with_suffix("")) in message and ".tmp" not in message


def test_writes_a_new_file_with_the_modes_of_an_ordinary_one(tmp_path, writer) -> None:
    write, name = writer
    for mask in (0o022, 0o077):
        folder = tmp_path / f"umask{mask:o}"
        folder.mkdir()
        with umask(mask):
            write(folder / name)
        assert os.listdir(folder) == [name]  # no temporary left
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o666 & ~mask


def test_a_symlink_at_the_path_is_replaced_never_followed(tmp_path, writer) -> None:
    write, name = writer
    victim = tmp_path / "victim"
    victim.write_bytes(OLD)
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / name).symlink_to(victim)
    write(folder / name)
    assert victim.read_bytes() == OLD
    assert not (folder / name).is_symlink() and (folder / name).stat().st_size > 0
    assert os.listdir(folder) == [name]


def test_a_full_disk_mid_write_leaves_the_old_file_and_no_temporary(tmp_path, writer,
                                                                    monkeypatch) -> None:
    write, name = writer
    path = tmp_path / name
    path.write_bytes(OLD)
    with pytest.raises(Exception) as info, disk_full_after(40, monkeypatch):
        write(path)
    assert path.read_bytes() == OLD
    assert os.listdir(tmp_path) == [name]
    assert names_the_users_path(str(info.value), path)


@pytest.mark.parametrize("step", ["fsync", "replace"])
def test_a_failed_sync_or_rename_leaves_the_old_file(tmp_path, writer, monkeypatch,
                                                     step) -> None:
    write, name = writer
    path = tmp_path / name
    path.write_bytes(OLD)
    real = getattr(os, step)

    def fail(*args, **kwargs):
        if step == "replace" and not os.fspath(args[0]).endswith(".tmp"):
            return real(*args, **kwargs)  # someone else's rename
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(_atomic.os, step, fail)
    with pytest.raises(Exception) as info:
        write(path)
    assert path.read_bytes() == OLD and os.listdir(tmp_path) == [name]
    assert names_the_users_path(str(info.value), path)
    if isinstance(info.value, OSError):  # code can still tell a full disk
        assert info.value.errno == errno.ENOSPC and "[Errno" not in str(info.value)


# ---------------------------------------------------------------- the helper itself


def test_an_exception_in_the_block_removes_the_temporary(tmp_path) -> None:
    path = tmp_path / "f"
    path.write_bytes(OLD)
    for error in (ValueError("bad"), KeyboardInterrupt()):
        with pytest.raises(type(error)), _atomic.replacing(path, "test") as file:
            file.write(b"half")
            raise error
    assert path.read_bytes() == OLD and os.listdir(tmp_path) == ["f"]


def test_refuses_an_empty_path_a_folder_and_a_fifo_by_name(tmp_path) -> None:
    with pytest.raises(ValueError, match="test: the path is empty"):
        _atomic.write_bytes("", b"x", "test")
    with pytest.raises(IsADirectoryError, match="is a folder"):
        _atomic.write_bytes(tmp_path, b"x", "test")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match=r"is a FIFO \(named pipe\), not a regular file"):
        _atomic.write_bytes(fifo, b"x", "test")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    with pytest.raises(FileNotFoundError, match="the folder .* does not exist") as info:
        _atomic.write_bytes(tmp_path / "absent" / "f", b"x", "test")
    assert str(tmp_path / "absent" / "f") in str(info.value)
    assert sorted(os.listdir(tmp_path)) == ["pipe"]


def test_a_planted_link_at_the_temporary_name_is_never_opened(tmp_path, monkeypatch) -> None:
    victim = tmp_path / "victim"
    victim.write_bytes(OLD)
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / ".f.planted.tmp").symlink_to(victim)
    draws = iter(["planted"])
    real = _atomic.secrets.token_hex
    monkeypatch.setattr(_atomic.secrets, "token_hex", lambda n: next(draws, None) or real(n))
    _atomic.write_text(folder / "f", "new", "test")
    assert victim.read_bytes() == OLD and (folder / "f").read_text() == "new"
    assert sorted(os.listdir(folder)) == [".f.planted.tmp", "f"]


WRITES = re.compile(r"\.write_(text|bytes)\(|mkstemp\(|nbformat\.write\(|os\.replace\(|"
                    r"\.savefig\((?!file)|(?<![.\w])open\([^)]*[\"'][wax]")


def test_no_writer_bypasses_the_helper() -> None:
    """The project's own code writes files only through ``_atomic``: a new writer that
    writes in place (``Path.write_text``, ``open(..., "w")``, ``savefig(path)``) fails here."""
    root = Path(__file__).resolve().parents[1]
    offenders = [f"{file.relative_to(root)}:{n}: {line.strip()}"
                 for package in ("autograd_core", "nn") for file in (root / package).rglob("*.py")
                 if file.name != "atomic.py"
                 for n, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1)
                 if WRITES.search(line.split("#")[0])]
    assert not offenders, "\n".join(offenders)
