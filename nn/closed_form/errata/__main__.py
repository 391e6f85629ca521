"""``python -m nn.closed_form.errata [--check] [--output docs/errata.md]``: write the errata
document from code (see ``report``), or check that the committed one is up to date."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .markdown import render_markdown, write_markdown


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m nn.closed_form.errata",
        description="Evaluate every erratum of the four documents against autodiff on a real "
        "nn.MLP and write the Markdown report (deterministic: fixed seeds).",
    )
    parser.add_argument("--output", "-o", default="docs/errata.md",
                        help="where to write it (default: docs/errata.md, from the repository "
                        "root)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if the file differs from what the code gives")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of the networks' weights (default 0, what docs/errata.md uses)")
    args = parser.parse_args(argv)
    path = Path(args.output)
    if args.check:
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current != render_markdown(args.seed):
            print(f"{path} is out of date: run python -m nn.closed_form.errata", file=sys.stderr)
            return 1
        print(f"{path} is up to date")
        return 0
    print(f"wrote {write_markdown(path, args.seed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
