"""The bundled demo outlet, "The Demo Insight": a WordPress-style news site served locally.

:mod:`archiver.demo.site` turns the bundled content into pages (no networking);
:mod:`archiver.demo.server` serves them over HTTP (``python -m archiver.demo.server``) and
:class:`~archiver.demo.server.DemoServer` runs that server as a subprocess.
"""

from __future__ import annotations

from archiver.demo.site import DEMO_HOST, DemoArticle, DemoAuthor, DemoResponse, DemoSite

__all__ = ["DEMO_HOST", "DemoArticle", "DemoAuthor", "DemoResponse", "DemoSite"]
