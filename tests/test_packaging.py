"""What a copy of the package carries: the MIT notice, PEP 561's py.typed for both packages,
one version, a citation of the four documents, floors CI can install."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import autograd_core

try:
    import tomllib
except ImportError:  # Python 3.10, the floor: pytest's own dependency
    import tomli as tomllib  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    # built from a copy: setuptools writes build/ and *.egg-info beside the sources
    source, out = tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("wheel")
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    for package in ("autograd_core", "nn"):
        shutil.copytree(ROOT / package, source / package,
                        ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out),
                    str(source)], check=True, capture_output=True, timeout=300)
    (path,) = out.glob("autograd_core-*.whl")
    return zipfile.ZipFile(path)


def test_the_wheel_carries_the_license_and_py_typed(wheel: zipfile.ZipFile) -> None:
    names = wheel.namelist()
    licenses = [n for n in names if re.fullmatch(r"[^/]+\.dist-info/licenses/LICENSE", n)]
    assert licenses, names
    assert "Permission is hereby granted" in wheel.read(licenses[0]).decode()
    assert "autograd_core/py.typed" in names and "nn/py.typed" in names


def test_the_wheel_metadata_has_the_license_expression_and_the_one_version(
        wheel: zipfile.ZipFile) -> None:
    (metadata,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    text = wheel.read(metadata).decode()
    assert re.search(r"^License-Expression: MIT$", text, re.M)
    assert re.search(r"^License-File: LICENSE$", text, re.M)
    assert re.search(rf"^Version: {re.escape(autograd_core.__version__)}$", text, re.M)


def test_the_version_is_written_once() -> None:
    project = PYPROJECT["project"]
    assert "version" not in project and "version" in project["dynamic"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "autograd_core.__version__"}
    written = [p for p in [ROOT / "pyproject.toml", ROOT / "CITATION.cff",
                           *ROOT.glob("autograd_core/**/*.py"), *ROOT.glob("nn/**/*.py")]
               if autograd_core.__version__ in p.read_text(encoding="utf-8")]
    assert written == [ROOT / "autograd_core" / "__init__.py"]


def test_the_license_is_an_spdx_expression_with_its_file() -> None:
    assert PYPROJECT["project"]["license"] == "MIT"
    assert PYPROJECT["project"]["license-files"] == ["LICENSE"]
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")


def test_mypy_checks_the_oldest_supported_python() -> None:
    floor = re.fullmatch(r">=(\d+\.\d+)", PYPROJECT["project"]["requires-python"])
    assert floor is not None
    assert PYPROJECT["tool"]["mypy"]["python_version"] == floor.group(1)


def test_the_citation_credits_the_four_documents_as_the_readme_names_them() -> None:
    cff = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for title, author in [("Vectorized Back-propagation Derivation", "Rojas"),
                          ("Derivation of the back-propagation algorithm", "Zhang"),
                          ("General feed forward neural networks", "Wichmann"),
                          ("Bro, do you even backprop?", None)]:
        assert f'title: "{title}"' in cff and f"*{title}*" in readme
        if author:
            assert f"family-names: {author}" in cff
    assert cff.count("  - type: ") == 4


def _floors() -> dict[str, str]:
    """{name: version} of every `name>=version` the project declares, extras included."""
    project = PYPROJECT["project"]
    specs = [*project["dependencies"], *(s for extra in project["optional-dependencies"].values()
                                         for s in extra)]
    floors = {}
    for spec in specs:
        if "python_version >= '3.11'" in spec:
            continue  # not installed on 3.10, where the lowest constraints are resolved
        found = re.match(r"([A-Za-z0-9_.-]+)(?:\[[^]]*\])?>=([0-9.]+)", spec)
        assert found, f"{spec!r} declares no floor"
        floors[found.group(1).lower()] = found.group(2)
    return floors


def test_the_lowest_constraints_pin_every_declared_floor() -> None:
    """.ci/run installs these for the oldest job: each must be the floor itself, so that the
    job proves the floor (a constraints file left behind by a raised floor fails here)."""
    pins = dict(re.findall(r"^([a-z0-9_.-]+)==(\S+)$",
                           (ROOT / ".ci" / "constraints-lowest.txt").read_text(), re.M))
    for name, floor in _floors().items():
        assert name in pins, f"{name} is missing from .ci/constraints-lowest.txt"
        assert _release(pins[name]) == _release(floor), \
            f"{name}: pinned {pins[name]}, floor {floor}"


def _release(version: str) -> tuple[int, ...]:
    """7, 7.0 and 7.0.0 alike."""
    parts = [int(p) for p in version.split(".")]
    while parts and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def test_upper_bounds_only_where_a_release_is_known_to_break() -> None:
    dev = PYPROJECT["project"]["optional-dependencies"]["dev"]
    assert any(re.fullmatch(r"mkdocs>=[0-9.]+,<2", s.split(";")[0].strip()) for s in dev)
    assert any(s.startswith("mkdocstrings[python]>=1.0.7") for s in dev)
