"""Check the system libraries the application needs, naming the Debian package that provides each.

Run as ``python -m coodyssee.syscheck`` by ``make run`` before anything else; exits 1 with the
``apt-get install`` line to type when something is missing.
"""

from __future__ import annotations

import sys


def _load_weasyprint() -> None:
    import weasyprint  # noqa: F401 - loading it dlopens Pango, HarfBuzz and fontconfig


def missing_system_libraries() -> list[tuple[str, str]]:
    problems = []
    try:
        _load_weasyprint()
    except OSError as error:
        problems.append(
            (
                f"WeasyPrint cannot load its system libraries ({error}).",
                "Install Pango: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0",
            )
        )
    return problems


def main() -> int:
    if sys.version_info[:2] != (3, 11):
        print(f"Python 3.11 is required, this is {sys.version.split()[0]}.", file=sys.stderr)
        return 1
    problems = missing_system_libraries()
    for message, hint in problems:
        print(f"{message}\n  → {hint}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
