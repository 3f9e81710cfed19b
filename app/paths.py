"""Where the package's own files live."""

from pathlib import Path

APP_DIR = Path(__file__).resolve().parent
STATIC_DIR = APP_DIR / "static"
TEMPLATES_DIR = APP_DIR / "templates"
LOCALE_DIR = APP_DIR / "locale"
