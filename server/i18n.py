"""Languages: Simplified Chinese first; English from the catalogue in server/translations.

Message ids are the Chinese texts themselves, so a missing translation still shows Chinese.
The catalogue is compiled (`pybabel compile`) by the setup step; the .po file is the source.
"""

from __future__ import annotations

import os

from flask import Flask, session
from flask_babel import Babel

babel = Babel()


def select_locale() -> str:
    # Chinese unless the user asked for English: an office PC's browser language says little.
    return "en" if session.get("lang") == "en" else "zh"


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES",
                          os.path.join(os.path.dirname(__file__), "translations"))
    babel.init_app(app, locale_selector=select_locale)
