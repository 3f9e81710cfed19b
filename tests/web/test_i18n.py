"""Interface text: complete Dutch catalogue, language negotiation, and the page environment."""

import re

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.testclient import TestClient

from app.paths import APP_DIR, LOCALE_DIR, TEMPLATES_DIR
from app.web import i18n
from app.web.templating import environment, render, static_url

ROOT = APP_DIR.parent
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def extracted_messages() -> set[str]:
    """Every msgid the "messages" domain's sources use, as babel.cfg defines them."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = extract_from_dir(
        str(ROOT),
        method_map,
        options_map,
        keywords={"_": None, "gettext": None, "N_": None, "ngettext": (1, 2)},
    )
    ids = set()
    for _filename, _lineno, message, _comments, _context in found:
        ids.update([message] if isinstance(message, str) else message)
    return ids


def catalogue(language: str) -> dict[str, str]:
    with (LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as po_file:
        return {m.id: m.string for m in read_po(po_file) if m.id and isinstance(m.id, str)}


def test_every_interface_message_has_a_dutch_translation():
    dutch = catalogue("nl")
    missing = sorted(m for m in extracted_messages() if not dutch.get(m))
    assert missing == [], "run scripts/update-catalogues.sh and translate these"


def test_the_english_catalogue_lists_the_same_messages():
    assert set(catalogue("en")) >= extracted_messages()


def test_dutch_translations_keep_every_placeholder():
    for message, translation in catalogue("nl").items():
        assert sorted(PLACEHOLDER.findall(message)) == sorted(PLACEHOLDER.findall(translation)), (
            message
        )


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, "nl"),
        ("", "nl"),
        ("en", "en"),
        ("en-GB,en;q=0.9", "en"),
        ("de-DE,de;q=0.9,en;q=0.5,nl;q=0.4", "en"),
        ("fr, nl;q=0.1", "nl"),
        ("en;q=0, nl", "nl"),
        ("de", "nl"),
        ("en;q=bogus", "nl"),
    ],
)
def test_the_browsers_language_is_negotiated(header: str | None, language: str):
    assert i18n.negotiate(header) == language


def test_dates_are_shown_on_dutch_clocks_in_the_readers_language():
    from datetime import UTC, datetime

    moment = datetime(2026, 1, 15, 23, 30, tzinfo=UTC)
    assert i18n.format_datetime(moment, "nl") == "16 januari 2026, 00:30"
    assert i18n.format_datetime(moment, "en") == "January 16, 2026, 12:30\u202fAM"


def test_templates_have_no_inline_styles_or_scripts():
    """The CSP allows neither; a script tag needs the nonce. Covers coach pages too."""
    for template in TEMPLATES_DIR.rglob("*.html"):
        if template.is_relative_to(TEMPLATES_DIR / "email"):
            continue  # e-mails are not pages: mail clients need inline styles
        text = re.sub(r"\{#.*?#\}", "", template.read_text(), flags=re.S)  # comments may say it
        assert " style=" not in text and "<style" not in text, template
        for tag in re.findall(r"<script[^>]*>", text):
            assert 'nonce="{{ csp_nonce }}"' in tag, template
        assert not re.search(r"\son[a-z]+=", text), template  # no inline event handlers


def test_render_escapes_values_inside_translated_text():
    template = environment().from_string('{{ _("About %(party)s", party=name) }}')
    assert (
        template.render(language="nl", name="<b>A & B</b>") == "Over &lt;b&gt;A &amp; B&lt;/b&gt;"
    )


@pytest.mark.parametrize(
    ("state_language", "header", "expected"),
    [("en", "nl", "en"), (None, "en-US", "en"), (None, None, "nl"), ("xx", "en", "en")],
)
def test_render_chooses_the_route_language_before_the_browsers(
    state_language: str | None, header: str | None, expected: str
):
    app = FastAPI()

    @app.get("/")
    def page(request: Request) -> Response:
        if state_language:
            request.state.language = state_language
        return render(request, "errors/error.html", {"status": 409}, status_code=409)

    answer = TestClient(app).get("/", headers={"accept-language": header} if header else {})
    assert answer.status_code == 409
    assert f'<html lang="{expected}">' in answer.text
    assert 'href="#main"' in answer.text and 'id="main"' in answer.text


def test_static_urls_carry_a_content_hash_and_refuse_paths_outside_static():
    assert re.fullmatch(
        r"/static/css/trustmeter\.css\?v=[0-9a-f]{12}", static_url("css/trustmeter.css")
    )
    with pytest.raises(ValueError):
        static_url("../config.py")
    with pytest.raises(ValueError):
        static_url("css/missing.css")
