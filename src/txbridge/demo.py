"""`make demo`: the main job end to end on the embedded default (SQLite + the built-in sandbox)."""

from __future__ import annotations


def main() -> None:
    print("Tripletex Bridge demo: the export flow is not built yet.")


if __name__ == "__main__":
    main()
