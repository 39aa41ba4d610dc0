"""Each member's own data: what every app stores about them, and how each app forgets them.

Apps register an exporter (a JSON-ready part of the download on /profil/daten/) and an eraser
(called inside the deletion transaction, before the account itself goes) in AppConfig.ready().
"""

from collections.abc import Callable
from typing import Any

Exporter = Callable[[Any], Any]
Eraser = Callable[[Any], None]

_exporters: dict[str, Exporter] = {}
_erasers: dict[str, Eraser] = {}


def register_exporter(key: str, exporter: Exporter) -> None:
    _exporters[key] = exporter


def register_eraser(key: str, eraser: Eraser) -> None:
    _erasers[key] = eraser


def exporters() -> dict[str, Exporter]:
    return dict(_exporters)


def erasers() -> dict[str, Eraser]:
    return dict(_erasers)
