"""The admin web app and the place of the REST API: ``create_app(settings)`` (FastAPI), run by
``txbridge serve``. Server-rendered (Jinja2 + htmx), bokmål first, English by the user's choice."""

from txbridge.web.app import create_app

__all__ = ["create_app"]
