"""nn.save / nn.load: a bit-exact round trip through .npz, a save that is atomic and never
follows a link, and a load that refuses every bad file clearly, within bounded memory, leaving
the model as it was."""

import io
import os
import pickle
import struct
import threading
import tracemalloc
import warnings
import zipfile

import numpy as np
import pytest
from numpy.lib import format as npy

import nn
import nn.serialization
from autograd_core import atomic as _atomic


def model(seed=0, sizes=(3, 5, 2), dtype=np.float64):
    return nn.MLP(list(sizes), rng=seed, dtype=dtype)


def snapshot(module):
    return {name: value.copy() for name, value in module.state_dict().items()}


def assert_unchanged(module, before):
    after = module.state_dict()
    assert after.keys() == before.keys()
    for name, value in after.items():
        assert np.array_equal(value, before[name]), name


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_round_trip_is_bit_exact(tmp_path, dtype):
    source, target = model(0, dtype=dtype), model(1, dtype=dtype)
    for p in source.parameters():  # values with every bit set somewhere
        p.data[...] = np.random.default_rng(2).standard_normal(p.shape) * 1e-3 + np.pi
    path = nn.save(source, tmp_path / "model.npz")
    assert path == tmp_path / "model.npz"
    assert nn.load(target, path) is target
    for (name, p), q in zip(target.named_parameters(), source.parameters()):
        assert p.dtype == dtype and p.data.tobytes() == q.data.tobytes(), name


def test_the_file_is_a_plain_npz_keyed_by_parameter_name(tmp_path):
    source = model()
    nn.save(source, tmp_path / "m.npz")
    with zipfile.ZipFile(tmp_path / "m.npz") as z:  # uncompressed, as np.savez writes
        assert {i.compress_type for i in z.infolist()} == {zipfile.ZIP_STORED}
    with np.load(tmp_path / "m.npz", allow_pickle=False) as archive:
        assert sorted(archive.files) == sorted(source.state_dict())
        assert np.array_equal(archive["layer2.weight"], source.W[2].data)


def test_save_writes_exactly_the_given_path_and_no_leftovers(tmp_path):
    nn.save(model(), tmp_path / "weights")
    assert os.listdir(tmp_path) == ["weights"]
    nn.load(model(1), tmp_path / "weights")


def test_load_keeps_the_parameter_tensors(tmp_path):
    source, target = model(0), model(1)
    nn.save(source, tmp_path / "m.npz")
    weight = target.W[1]
    nn.load(target, tmp_path / "m.npz")
    assert target.W[1] is weight and np.array_equal(weight.data, source.W[1].data)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        nn.load(model(), tmp_path / "absent.npz")


def test_load_says_what_a_path_that_is_no_file_is(tmp_path):
    with pytest.raises(IsADirectoryError, match="is a folder, not a file nn.save wrote"):
        nn.load(model(), tmp_path)
    with pytest.raises(ValueError, match="the path is empty"):
        nn.load(model(), "")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_load_refuses_a_fifo_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "m.npz"
    os.mkfifo(fifo)
    outcome = []

    def run():
        try:
            nn.load(model(), fifo)
        except Exception as err:  # checked below, in the test's thread
            outcome.append(err)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(10)
    if thread.is_alive():  # unblock the open so the thread ends, then fail
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("nn.load waited on a FIFO")
    assert len(outcome) == 1 and isinstance(outcome[0], OSError)
    assert "is a FIFO (named pipe), not a regular file" in str(outcome[0])
    assert str(fifo) in str(outcome[0])


def test_save_refuses_an_empty_path_and_a_folder_by_name(tmp_path):
    with pytest.raises(ValueError, match="nn.save: the path is empty"):
        nn.save(model(), "")
    with pytest.raises(IsADirectoryError, match="is a folder, not a file") as info:
        nn.save(model(), tmp_path)
    assert str(tmp_path) in str(info.value) and os.listdir(tmp_path) == []


# ---------------------------------------------------------------- save: atomic, no links


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_a_symlink_planted_at_any_name_is_never_followed(tmp_path, monkeypatch):
    victim = tmp_path / "victim"
    victim.write_text("precious")
    folder = tmp_path / "models"
    folder.mkdir()
    path = folder / "m.npz"
    # the old fixed name, and the random name save draws first (forced here)
    os.symlink(victim, folder / "m.npz.partial")
    os.symlink(victim, folder / ".m.npz.planted.tmp")
    draws = iter(["planted"])
    real = _atomic.secrets.token_hex
    monkeypatch.setattr(_atomic.secrets, "token_hex",
                        lambda n: next(draws, None) or real(n))
    nn.save(model(), path)
    assert victim.read_text() == "precious"
    assert sorted(os.listdir(folder)) == [".m.npz.planted.tmp", "m.npz", "m.npz.partial"]
    os.symlink(victim, folder / "link.npz")  # the target itself: the link is replaced
    nn.save(model(), folder / "link.npz")
    assert victim.read_text() == "precious" and not (folder / "link.npz").is_symlink()
    nn.load(model(1), folder / "link.npz")


def test_concurrent_saves_to_one_path_both_succeed(tmp_path):
    path, models = tmp_path / "m.npz", [model(0), model(1)]
    errors, start = [], threading.Barrier(2)

    def run(m):
        try:
            start.wait()
            for _ in range(10):
                nn.save(m, path)
        except Exception as err:  # reported below, in the test's thread
            errors.append(err)

    threads = [threading.Thread(target=run, args=(m,)) for m in models]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and os.listdir(tmp_path) == ["m.npz"]
    target = nn.load(model(2), path)
    assert any(all(np.array_equal(a, b) for a, b in zip(target.state_dict().values(),
                                                         m.state_dict().values()))
               for m in models)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_the_saved_file_gets_the_usual_permissions(tmp_path):
    mask = os.umask(0o022)
    os.umask(mask)
    nn.save(model(), tmp_path / "m.npz")
    assert (tmp_path / "m.npz").stat().st_mode & 0o777 == 0o666 & ~mask


def test_saving_into_a_missing_folder_names_the_users_path(tmp_path):
    path = tmp_path / "absent" / "m.npz"
    with pytest.raises(FileNotFoundError, match="does not exist") as info:
        nn.save(model(), path)
    assert str(path) in str(info.value) and ".tmp" not in str(info.value)
    assert os.listdir(tmp_path) == []


def fail_replace(src, dst):
    raise PermissionError(13, "Permission denied", src, None, dst)


def fail_fsync(fd):
    raise OSError(28, "No space left on device")


def fail_write(file, state):
    file.write(b"PK half")
    raise KeyboardInterrupt


@pytest.mark.parametrize("where, fake, error", [("os.replace", fail_replace, PermissionError),
                                                ("os.fsync", fail_fsync, OSError),
                                                ("_write_npz", fail_write, KeyboardInterrupt)])
def test_a_failed_save_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch, where, fake,
                                                            error):
    path = tmp_path / "m.npz"
    nn.save(model(0), path)
    before = path.read_bytes()
    owner, _, name = where.rpartition(".")
    monkeypatch.setattr(getattr(nn.serialization, owner) if owner else nn.serialization,
                        name, fake)
    with pytest.raises(error) as info:
        nn.save(model(1), path)
    if error is not KeyboardInterrupt:
        assert str(path) in str(info.value) and ".tmp" not in str(info.value)
    assert os.listdir(tmp_path) == ["m.npz"] and path.read_bytes() == before


# ---------------------------------------------------------------- hostile archives, by hand


def npy_bytes(array=None, *, shape=None, descr=None, fortran=False, data=None,
              version=(1, 0)):
    """A .npy member: a header declaring anything, then ``data`` (the array's by default)."""
    array = np.zeros(1) if array is None else array
    header = {"descr": descr or npy.dtype_to_descr(array.dtype), "fortran_order": fortran,
              "shape": array.shape if shape is None else shape}
    out = io.BytesIO()
    {(1, 0): npy.write_array_header_1_0, (2, 0): npy.write_array_header_2_0}[version](out, header)
    order = "F" if fortran else "C"
    return out.getvalue() + (array.tobytes(order) if data is None else data)


def members(seed=0, **replace):
    """(member name, bytes) of a valid save of ``model(seed)``, with some members replaced
    (a value of None drops one)."""
    state = {name: npy_bytes(value) for name, value in model(seed).state_dict().items()}
    state.update(replace)
    return [(f"{name}.npy", data) for name, data in state.items() if data is not None]


def write_zip(path, entries, compression=zipfile.ZIP_STORED):
    with warnings.catch_warnings(), zipfile.ZipFile(path, "w", compression) as z:
        warnings.simplefilter("ignore")  # a duplicate name, on purpose
        for name, data in entries:
            z.writestr(name, data)


def declare_size(path, member, size):
    """Rewrite the uncompressed size the zip headers declare for ``member``: a liar."""
    data, name = bytearray(path.read_bytes()), member.encode()
    for signature, field, name_at in [(b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)]:
        at = data.find(signature)
        while at >= 0:
            if data[at + name_at: at + name_at + len(name)] == name:
                struct.pack_into("<I", data, at + field, size)
            at = data.find(signature, at + 1)
    path.write_bytes(bytes(data))


W1 = model(0).state_dict()["layer1.weight"]  # (5, 3) float64, 120 bytes


def write_text(path):
    path.write_text("W1 = [[0.1, 0.2]]\n")


def write_big(path):
    path.write_bytes(b"\0" * 200_000)


def write_truncated(path):
    nn.save(model(), path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def write_npy(path):
    with open(path, "wb") as f:
        np.save(f, np.ones((5, 3)))


def write_pickle(path):
    with open(path, "wb") as f:
        pickle.dump({"layer1.weight": np.ones((5, 3))}, f)


def write_object_array(path):
    state = model().state_dict()
    state["layer1.weight"] = np.array([None] * 15, dtype=object).reshape(5, 3)
    np.savez(path, **state)


def write_corrupt_member(path):
    nn.save(model(), path)
    data = bytearray(path.read_bytes())
    start = data.index(b"\x93NUMPY")  # first array's header, inside the zip
    data[start: start + 6] = b"XXXXXX"
    path.write_bytes(bytes(data))


def write_huge_declared_size(path):
    write_zip(path, members())
    declare_size(path, "layer1.weight.npy", 0xFFFF_FFF0)


def write_zip_bomb(path):  # declares a plausible size, inflates to 10 MB
    write_zip(path, members(**{"layer1.weight": npy_bytes(W1) + bytes(10_000_000)}),
              zipfile.ZIP_DEFLATED)
    declare_size(path, "layer1.weight.npy", len(npy_bytes(W1)))


def write_other_names(path):
    np.savez(path, W1=np.ones((5, 3)), b1=np.ones((5, 1)))


def write_extra_member(path):
    write_zip(path, members() + [("README.txt", b"hello")])


W = "layer1.weight"
BAD = np.where(np.arange(15).reshape(5, 3) % 7 == 1, np.nan, W1)  # 2 NaN
INF = np.full((2, 1), -np.inf)
REFUSALS = {  # name: (writer, what the message says)
    "text": (write_text, r"is not an .npz file \(not a zip archive\)"),
    "big": (write_big, r"the file is 200000 bytes, more than a save of this model can be"),
    "truncated": (write_truncated, r"is not an .npz file \(not a zip archive\); it may be "
                                   r"truncated"),
    "npy": (write_npy, r"is not an .npz file"),
    "pickle": (write_pickle, r"is not an .npz file"),
    "zip of text": (lambda p: write_zip(p, [("layer1.weight.txt", "0.1 0.2")]),
                    r"member 'layer1.weight.txt' is not a NumPy array \(its name does not"),
    "extra non-npy member": (write_extra_member, r"member 'README.txt' is not a NumPy array"),
    "duplicate": (lambda p: write_zip(p, members() + members(1)[:1]),
                  r"member 'layer1.weight.npy' appears 2 times"),
    "other names": (write_other_names, r"does not hold this model's parameters: missing "
                                       r"'layer1.weight'.*unexpected 'W1'"),
    "missing name": (lambda p: write_zip(p, members(**{"layer2.bias": None})),
                     r"missing 'layer2.bias'; nothing was loaded"),
    "extra name": (lambda p: write_zip(p, members() + [("extra.npy", npy_bytes())]),
                   r"unexpected 'extra'"),
    "huge declared size": (write_huge_declared_size, r"member 'layer1.weight.npy' declares "
                                                     r"4294967280 bytes uncompressed, more than"),
    "zip bomb": (write_zip_bomb, r"BadZipFile: Bad CRC-32 for file .layer1.weight.npy."),
    "corrupt member": (write_corrupt_member, r"is truncated or damaged: BadZipFile: Bad CRC-32"),
    "text named .npy": (lambda p: write_zip(p, members(**{W: b"0.1 0.2 0.3 0.4"})),
                        r"member 'layer1.weight.npy' is not a NumPy array: the magic string"),
    "bad npy header": (lambda p: write_zip(p, members(**{W: b"\x93NUMPY\x01\x00garbage"})),
                       r"member 'layer1.weight.npy' has a damaged .npy header"),
    "bad descr": (lambda p: write_zip(p, members(**{W: npy_bytes(W1, descr="nonsense")})),
                  r"'layer1.weight.npy' has a damaged .npy header: ValueError: descr is not"),
    "npy version 3": (lambda p: write_zip(p, members(**{W: b"\x93NUMPY\x03\x00" + bytes(60)})),
                      r"'layer1.weight.npy' has .npy format version \(3, 0\)"),
    "huge declared shape": (lambda p: write_zip(p, members(**{W: npy_bytes(
        shape=(10**12, 10**12), data=b"")})), r"'layer1.weight' has shape \(1000000000000, "
                                              r"1000000000000\), the parameter has \(5, 3\)"),
    "wrong shape": (lambda p: nn.save(model(sizes=(3, 4, 2)), p),
                    r"'layer1.weight' has shape \(4, 3\), the parameter has \(5, 3\)"),
    "int": (lambda p: write_zip(p, members(**{W: npy_bytes(W1.astype(np.int64))})),
            r"'layer1.weight.npy' has dtype int64, not a real floating type"),
    "complex": (lambda p: write_zip(p, members(**{W: npy_bytes(W1.astype(complex))})),
                r"has dtype complex128, not a real floating type"),
    "bool": (lambda p: write_zip(p, members(**{W: npy_bytes(W1 > 0)})), r"has dtype bool"),
    "structured": (lambda p: write_zip(p, members(**{W: npy_bytes(W1, descr=[("x", "<f8")])})),
                   r"has dtype \[\('x', '<f8'\)\], not a real floating type"),
    "object array": (write_object_array, r"'layer1.weight.npy' has dtype object: it holds "
                                         r"pickled data, refused"),
    "long double": (lambda p: write_zip(p, members(**{W: npy_bytes(W1.astype(np.longdouble))})),
                    r"cannot hold without rounding"),
    "truncated data": (lambda p: write_zip(p, members(**{W: npy_bytes(W1)[:-20]})),
                       r"'layer1.weight.npy' is truncated: its header promises 120 bytes of "
                       r"data, it holds 100"),
    "trailing data": (lambda p: write_zip(p, members(**{W: npy_bytes(W1) + b"x"})),
                      r"'layer1.weight.npy' holds more than the 120 bytes of data"),
    "nan": (lambda p: write_zip(p, members(**{W: npy_bytes(BAD)})),
            r"'layer1.weight' has 2 non-finite values \(NaN or inf\) of 15"),
    "inf": (lambda p: write_zip(p, members(**{"layer2.bias": npy_bytes(INF)})),
            r"'layer2.bias' has 2 non-finite values \(NaN or inf\) of 2"),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_a_bad_file_is_refused_clearly_and_the_model_is_unchanged(tmp_path, case):
    write, message = REFUSALS[case]
    path = tmp_path / "bad.npz"
    write(path)
    target = model(7)
    before = snapshot(target)
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=message) as info:
            nn.load(target, path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(path) in str(info.value) and "nothing was loaded" in str(info.value)
    assert peak < 2_000_000, f"{peak} bytes to refuse a {path.stat().st_size}-byte file"
    assert_unchanged(target, before)


class Endless(io.RawIOBase):
    """A member stream that never ends: what a zip reader trusting no size would hand out."""

    def __init__(self, stream):
        self.stream = stream

    def readable(self):
        return True

    def close(self):
        self.stream.close()
        super().close()

    def readinto(self, buffer):
        data = self.stream.read(len(buffer)) or bytes(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def test_the_bound_holds_even_when_zipfile_would_read_on(tmp_path, monkeypatch):
    path = tmp_path / "m.npz"
    nn.save(model(0), path)
    original = zipfile.ZipFile.open
    monkeypatch.setattr(zipfile.ZipFile, "open",
                        lambda self, *args, **kwargs: Endless(original(self, *args, **kwargs)))
    with pytest.raises(ValueError, match=r"'layer1.weight.npy' holds more than the 120 bytes"):
        nn.load(model(7), path)


def test_a_pickled_member_never_runs(tmp_path):
    marker = tmp_path / "ran"
    payload = pickle.dumps(Trap(str(marker)))
    write_zip(tmp_path / "evil.npz", members(**{W: npy_bytes(shape=(5, 3), descr="|O",
                                                              data=payload)}))
    with pytest.raises(ValueError, match="pickled data, refused"):
        nn.load(model(), tmp_path / "evil.npz")
    assert not marker.exists()


@pytest.mark.parametrize("stored, into, ok", [(np.float32, np.float64, True),
                                              (np.float16, np.float32, True),
                                              (np.float64, np.float32, False),
                                              (np.float32, np.float16, False)])
def test_a_float_is_widened_exactly_never_narrowed(tmp_path, stored, into, ok):
    source = model(0, dtype=stored)
    nn.save(source, tmp_path / "m.npz")
    target = model(1, dtype=into)
    before = snapshot(target)
    if ok:
        nn.load(target, tmp_path / "m.npz")
        for name, value in source.state_dict().items():
            assert np.array_equal(target.state_dict()[name], value.astype(into)), name
    else:
        with pytest.raises(ValueError, match=f"has dtype {np.dtype(stored)}, which the "
                                             f"parameter 'layer1.weight' \\({np.dtype(into)}"
                                             f"\\) cannot hold without rounding"):
            nn.load(target, tmp_path / "m.npz")
        assert_unchanged(target, before)


@pytest.mark.parametrize("variant", ["fortran", "big endian", "npy 2.0", "compressed"])
def test_other_valid_layouts_load(tmp_path, variant):
    source, path = model(0), tmp_path / "m.npz"
    state = source.state_dict()
    if variant == "compressed":
        np.savez_compressed(path, **state)
    else:
        entries = [(f"{name}.npy", npy_bytes(value.astype(">f8")) if variant == "big endian"
                    else npy_bytes(np.asfortranarray(value), fortran=True)
                    if variant == "fortran" else npy_bytes(value, version=(2, 0)))
                   for name, value in state.items()]
        write_zip(path, entries)
    target = nn.load(model(1), path)
    for name, value in target.state_dict().items():
        assert np.array_equal(value, state[name]) and value.dtype == np.float64, name


class Trap:
    """Unpickling this would create a file: proof that load ran code."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_a_pickle_never_runs(tmp_path):
    marker = tmp_path / "ran"
    with open(tmp_path / "evil.npz", "wb") as f:
        pickle.dump(Trap(str(marker)), f)
    with pytest.raises(ValueError):
        nn.load(model(), tmp_path / "evil.npz")
    assert not marker.exists()


def test_a_header_numpy_cannot_even_tokenize_is_refused_as_damaged(tmp_path):
    """Found by the fuzz test: NumPy's header parser raised SyntaxError, not ValueError."""
    import zipfile

    from numpy.lib import format as npy

    model = nn.MLP([3, 4, 1], rng=0)
    path = tmp_path / "m.npz"
    nn.save(model, path)
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    first = next(iter(members))
    header = b"{'descr': '<f8', 'fortran_order': False, 'shape': (4, 3), |"
    header = header.ljust(118) + b"\n"
    members[first] = npy.magic(1, 0) + len(header).to_bytes(2, "little") + header + bytes(96)
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    before = [np.array(p.data) for p in model.parameters()]
    with pytest.raises(ValueError, match="damaged .npy header"):
        nn.load(model, path)
    for p, b in zip(model.parameters(), before):
        np.testing.assert_array_equal(p.data, b)
