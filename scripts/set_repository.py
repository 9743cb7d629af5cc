"""Name the repository the course lives in: the address behind the launch, GitHub and issue
buttons.

    python scripts/set_repository.py owner/name      # or https://github.com/owner/name
    python scripts/set_repository.py ""              # no repository: no buttons

Writes `repository.url` in `_config.yml`, after checking that the file has the
`repository:` block to write it in (a failure leaves the file as it was), and writes the
file whole. Commit it. The publish workflow sets the buttons from GITHUB_REPOSITORY by
itself (book/_ext/course_repository.py). The lessons name no repository: their launched
notebooks install coursecode from PyPI.
"""

import argparse
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))

from course_repository import repository_address  # noqa: E402


def set_repository(address: str, root: Path = ROOT) -> str:
    """Write ``address`` into ``root``'s config; return the URL written ("" for none).

    The address and the config's ``repository:`` block are checked first; only then is the
    file written, whole (a temporary file renamed over it), so a failure leaves it as it was.
    """
    url = repository_address({"COURSE_REPOSITORY": address}) if address else ""
    config = root / "_config.yml"
    text, count = re.subn(
        r"(?m)^(repository:\n  url: ).*$",
        lambda m: f'{m.group(1)}"{url}"',
        config.read_text(encoding="utf-8"),
    )
    if count != 1:
        raise SystemExit(f"{config}: no `repository:` block with `url:` as its first line")
    _write_whole(config, text)
    return url


def _write_whole(path: Path, content: str) -> None:
    """Write ``content`` to ``path`` through a temporary file beside it, renamed over it:
    a reader never sees it half-written."""
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_text(content, encoding="utf-8")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("address", help='owner/name, https://github.com/owner/name, or "" for none')
    url = set_repository(parser.parse_args().address)
    print(f"repository: {url or '(none)'}; now commit _config.yml")


if __name__ == "__main__":
    main()
