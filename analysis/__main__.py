"""The command line: ``python -m analysis COMMAND …``.

Each command is a module exposing ``add_parser(subparsers)`` and ``run(args)``; the CLI adds
nothing the library cannot do. Errors print one line and exit non-zero.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# Modules that each provide one or more commands.
COMMAND_MODULES = (
    "analysis.commands",
    "analysis.ingest.cli",
    "analysis.importers.cli",
    "analysis.synth",
    "analysis.bench",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__.splitlines()[0])
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    from analysis.schema import DataError
    from analysis.store import StoreError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args) or 0
    except (DataError, StoreError, OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted; nothing from the unfinished step was stored", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
