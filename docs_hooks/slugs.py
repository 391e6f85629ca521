"""MkDocs hook: heading ids that are valid CSS selectors.

The theme's contents sidebar (Bootstrap's scrollspy) looks each id up with ``querySelector``,
which throws on an id that starts with a digit (``## 1. The missing 1/m`` gives
``#1-the-missing-...``), and the sidebar then stops following the page. Such an id gets a
leading ``_``; every other id is Python-Markdown's usual slug.
"""

from __future__ import annotations

from typing import Any

from markdown.extensions.toc import slugify as markdown_slugify
from mkdocs.config.defaults import MkDocsConfig


def slugify(value: str, separator: str) -> str:
    slug = markdown_slugify(value, separator)
    return f"_{slug}" if slug[:1].isdigit() else slug


def on_config(config: MkDocsConfig, **_: Any) -> MkDocsConfig:
    config.mdx_configs.setdefault("toc", {})["slugify"] = slugify
    return config
