"""nn.load on hostile bytes: flipped, truncated and hand-built archives of a small model's save.

Whatever the file holds, ``load`` either loads it cleanly (every parameter finite and equal to
what the archive holds, as NumPy reads it) or raises ``ValueError`` with the model unchanged;
never another exception, and never more than a bounded amount of memory.

Run as a script, this file is also an atheris (libFuzzer) harness; ``test_atheris`` runs it
for a bounded number of inputs when atheris is installed.
"""

import io
import os
import subprocess
import sys
import tempfile
import tracemalloc
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.lib import format as npy

import nn

SIZES = [3, 4, 2]  # 26 parameters, 208 bytes of float64; the file is about 1.3 KB
PEAK_LIMIT = 1_000_000  # bytes nn.load may allocate (tracemalloc) on any input


def fresh():
    return nn.MLP(SIZES, rng=1)


def saved_bytes():
    with tempfile.TemporaryDirectory() as folder:
        return nn.save(nn.MLP(SIZES, rng=0), Path(folder) / "m.npz").read_bytes()


VALID = saved_bytes()
SHAPES = {name: value.shape for name, value in fresh().state_dict().items()}


def check(data: bytes) -> None:
    """Load ``data`` from a file into a fresh model; assert the contract."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.npz"
        path.write_bytes(data)
        target = fresh()
        before = target.state_dict()
        tracemalloc.start()
        try:
            nn.load(target, path)
            loaded = True
        except ValueError as err:
            assert str(path) in str(err)
            loaded = False
        finally:
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        assert peak < PEAK_LIMIT, f"nn.load took {peak} bytes on a {len(data)}-byte file"
        after = target.state_dict()
        if not loaded:
            assert all(np.array_equal(after[n], v) for n, v in before.items())
            return
        with np.load(path, allow_pickle=False) as archive:  # an independent reading
            expected = {name: archive[name] for name in archive.files}
        assert expected.keys() == after.keys()
        for name, value in after.items():
            assert np.isfinite(value).all(), name
            assert np.array_equal(value, expected[name].astype(value.dtype)), name


check(VALID)  # imports what load needs once, so the peaks below measure load alone

FUZZ = settings(max_examples=200, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])


def entries_of(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(i.filename, z.read(i)) for i in z.infolist()]


def zip_of(entries: list[tuple[str, bytes]], compression: int = zipfile.ZIP_STORED) -> bytes:
    out = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w", compression) as z:
        warnings.simplefilter("ignore")  # duplicate names, on purpose
        for member, data in entries:
            z.writestr(member, data)
    return out.getvalue()


ENTRIES = entries_of(VALID)
FLIPS = st.lists(st.tuples(st.integers(0, 10**6), st.integers(1, 255)), min_size=1, max_size=6)


def flip(data: bytes, flips: list[tuple[int, int]]) -> bytes:
    out = bytearray(data)
    for at, mask in flips:
        out[at % len(out)] ^= mask
    return bytes(out)


def test_every_truncation_of_a_save():
    for keep in range(len(VALID)):
        check(VALID[:keep])


@FUZZ
@given(FLIPS)
def test_flipped_saves(flips):
    """Flips anywhere: mostly caught by the zip layer (CRC, headers)."""
    check(flip(VALID, flips))


@FUZZ
@given(st.integers(0, len(ENTRIES) - 1), FLIPS, st.integers(0, 200),
       st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]))
def test_flipped_members_with_valid_crcs(which, flips, cut, compression):
    """Flips inside one member's .npy bytes, the zip rebuilt around them (CRC valid), so
    they reach load's own checks: magic, header, dtype, shape, length, values."""
    entries = list(ENTRIES)
    member, data = entries[which]
    data = flip(data, flips)
    entries[which] = (member, data[: len(data) - cut] if cut < 100 else data)
    check(zip_of(entries, compression))


FINITE = [0.5, -3.0, 0.0, 1e-300, 6e4]
DESCRS = ["<f8"] * 14 + [">f8", "<f4", "<f2", "<f16", "<i8", "|b1", "<c16", "|O", "|V8", "<U2"]
SHAPE = st.one_of(st.tuples(), st.tuples(st.integers(0, 6)),
                  st.tuples(st.integers(0, 2**62), st.integers(0, 6)))


@st.composite
def members(draw):
    """A member in place of a parameter's: a header declaring a dtype, shape, order and
    version (each usually right), then data (usually the right length, values usually
    finite)."""
    name = draw(st.sampled_from(list(SHAPES) * 3 + ["extra", "layer1.weight.txt"]))
    descr = draw(st.sampled_from(DESCRS))
    shape = SHAPES.get(name, (1,)) if draw(st.integers(0, 4)) else draw(SHAPE)
    fortran, version = draw(st.booleans()), draw(st.sampled_from([(1, 0), (2, 0)]))
    header = io.BytesIO()
    writer = npy.write_array_header_1_0 if version == (1, 0) else npy.write_array_header_2_0
    writer(header, {"descr": descr, "fortran_order": fortran, "shape": shape})
    count = int(np.prod(shape)) if np.prod(shape, dtype=float) < 64 else 1
    values = np.array(draw(st.lists(st.sampled_from(FINITE), min_size=count, max_size=count)))
    if count and not draw(st.integers(0, 3)):  # a NaN or inf somewhere
        values[draw(st.integers(0, count - 1))] = draw(st.sampled_from([np.nan, np.inf]))
    as_dtype = "<f8" if descr in ("|O", "<U2", "|V8") else descr
    with np.errstate(all="ignore"):  # 1e-300 as float16 is 0: fine, the bytes are what count
        body = values.astype(as_dtype).tobytes("F" if fortran else "C")
    length = draw(st.sampled_from([len(body)] * 6 + [0, len(body) // 2, len(body) + 1]))
    body = (body + b"\0")[:length]
    member = name if name.endswith(".txt") else f"{name}.npy"
    return member, header.getvalue() + body


@st.composite
def archives(draw):
    """A valid save with a few members replaced, dropped, duplicated or added."""
    entries = list(ENTRIES)
    for _ in range(draw(st.sampled_from([1, 1, 1, 2, 3]))):
        entry = draw(members())
        action = draw(st.sampled_from(["replace"] * 6 + ["add", "drop"]))
        names = [n for n, _ in entries]
        if action == "replace" and entry[0] in names:
            entries[names.index(entry[0])] = entry
        elif action == "drop" and entries:
            del entries[draw(st.integers(0, len(entries) - 1))]
        else:
            entries.append(entry)
    return zip_of(entries, draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])))


@FUZZ
@given(archives())
def test_hand_built_archives(data):
    check(data)


def test_a_valid_compressed_save_loads():
    out = io.BytesIO()
    np.savez_compressed(out, **nn.MLP(SIZES, rng=0).state_dict())
    check(out.getvalue())


# ---------------------------------------------------------------- atheris (optional)


def test_atheris(tmp_path):
    """A few thousand coverage-guided mutations of a valid save, in a subprocess."""
    pytest.importorskip("atheris")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "valid.npz").write_bytes(VALID)
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    result = subprocess.run(
        [sys.executable, __file__, "-runs=3000", "-max_len=4096", "-rss_limit_mb=1024",
         f"-artifact_prefix={tmp_path}/", str(corpus)],
        cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Done 3000 runs" in result.stderr


def fuzz_one(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.npz"
        path.write_bytes(data)
        target = fresh()
        try:
            nn.load(target, path)
        except ValueError:
            return
        assert all(np.isfinite(v).all() for v in target.state_dict().values())


if __name__ == "__main__":
    import inspect

    import atheris

    import nn.serialization

    for module in (nn.serialization, zipfile, npy):  # coverage feedback from what parses
        for _, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module.__name__:
                atheris.instrument_func(function)
    atheris.Setup(sys.argv, fuzz_one)
    atheris.Fuzz()
