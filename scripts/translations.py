"""Write translations/en.json from strings.json, resolving [%key:...%] references.

Home Assistant resolves these references only for its own integrations at build time;
a custom integration ships the resolved file. Run with --check to fail when it is stale.
"""

from __future__ import annotations

import json
from pathlib import Path
import re
import sys
from typing import Any

ROOT = Path(__file__).resolve().parent.parent / "custom_components" / "magnesium"
REFERENCE = re.compile(r"\[%key:component::magnesium::([a-z0-9_:]+)%\]")


def resolve(strings: dict[str, Any]) -> dict[str, Any]:
    """Copy of strings with every reference replaced by its text."""

    def lookup(path: str) -> str:
        node: Any = strings
        for part in path.split("::"):
            node = node[part]
        if not isinstance(node, str):
            raise ValueError(f"reference to a non-string: {path}")
        return REFERENCE.sub(lambda match: lookup(match.group(1)), node)

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {key: walk(value) for key, value in node.items()}
        if isinstance(node, str):
            return REFERENCE.sub(lambda match: lookup(match.group(1)), node)
        return node

    return walk(strings)


def main() -> int:
    strings = json.loads((ROOT / "strings.json").read_text(encoding="utf-8"))
    text = json.dumps(resolve(strings), indent=2, ensure_ascii=False) + "\n"
    target = ROOT / "translations" / "en.json"
    if "--check" in sys.argv:
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            print("translations/en.json is stale: run scripts/translations.py", file=sys.stderr)
            return 1
        return 0
    target.parent.mkdir(exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
