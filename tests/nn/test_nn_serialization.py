"""nn.save / nn.load: a bit-exact round trip through .npz, and every refusal leaves the
model as it was."""

import os
import pickle
import zipfile

import numpy as np
import pytest

import nn


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


# ---------------------------------------------------------------- refusals


def write_text(path):
    path.write_text("W1 = [[0.1, 0.2]]\n")


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


def write_zip_of_text(path):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("layer1.weight.txt", "0.1 0.2")


def write_object_array(path):
    state = model().state_dict()
    state["layer1.weight"] = np.array([None] * 15, dtype=object).reshape(5, 3)
    np.savez(path, **state)


def write_corrupt_member(path):
    nn.save(model(), path)
    data = bytearray(path.read_bytes())
    start = data.index(b"\x93NUMPY")  # first array's header, inside the zip
    data[start : start + 6] = b"XXXXXX"
    path.write_bytes(bytes(data))


def write_bad_npy_member(path):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("layer1.weight.npy", b"\x93NUMPY\x01\x00garbage")


def write_npy_named_member_of_text(path):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("layer1.weight.npy", "0.1 0.2")


def write_other_names(path):
    np.savez(path, W1=np.ones((5, 3)), b1=np.ones((5, 1)))


def write_missing_name(path):
    state = model().state_dict()
    del state["layer2.bias"]
    np.savez(path, **state)


def write_extra_name(path):
    np.savez(path, **model().state_dict(), extra=np.zeros(2))


def write_wrong_shape(path):
    nn.save(model(sizes=(3, 4, 2)), path)


REFUSALS = {
    "text": (write_text, r"is not an .npz file \(not a zip archive\)"),
    "truncated": (write_truncated, r"is not an .npz file \(not a zip archive\); it may be "
                                   r"truncated"),
    "npy": (write_npy, r"is not an .npz file"),
    "pickle": (write_pickle, r"is not an .npz file"),
    "zip of text": (write_zip_of_text, r"member 'layer1.weight.txt' is not a NumPy array"),
    "object array": (write_object_array, r"holds pickled data, refused"),
    "corrupt member": (write_corrupt_member, r"is truncated or damaged: BadZipFile: Bad CRC-32"),
    "bad npy member": (write_bad_npy_member, r"is damaged or not an .npz file from nn.save: an "
                                             r"array cannot be read"),
    "text named .npy": (write_npy_named_member_of_text,
                        r"member 'layer1.weight.npy' is not a NumPy array"),
    "other names": (write_other_names, r"missing 'layer1.weight'.*unexpected 'W1'.*does not "
                                       r"hold this model's parameters"),
    "missing name": (write_missing_name, r"missing 'layer2.bias'; nothing was loaded"),
    "extra name": (write_extra_name, r"unexpected 'extra'"),
    "wrong shape": (write_wrong_shape, r"'layer1.weight' has shape \(4, 3\), the parameter has "
                                       r"\(5, 3\)"),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_a_bad_file_is_refused_clearly_and_the_model_is_unchanged(tmp_path, case):
    write, message = REFUSALS[case]
    path = tmp_path / "bad.npz"
    write(path)
    target = model(7)
    before = snapshot(target)
    with pytest.raises(ValueError, match=message) as info:
        nn.load(target, path)
    assert str(path) in str(info.value)
    assert_unchanged(target, before)


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
