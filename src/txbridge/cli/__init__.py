"""The ``txbridge`` command. Each command group lives in its own module and registers itself here."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="txbridge",
    help="Tripletex Bridge — send invoices, hours and sales to Tripletex, once and only once.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def root() -> None:
    """Tripletex Bridge."""


@app.command()
def version() -> None:
    """Print the version."""
    from txbridge import __version__

    typer.echo(__version__)


def _register() -> None:
    # Command groups are imported lazily so `txbridge --help` stays fast and a broken optional
    # group never hides the others.
    import importlib

    for name in ("sandbox", "intake"):
        try:
            importlib.import_module(f"txbridge.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"txbridge.cli.{name}":
                raise


def main() -> None:
    _register()
    app()
