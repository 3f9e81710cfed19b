"""Reading a PDF back as a person (or a search box) would: its pages and their text."""

import io
import re
from dataclasses import dataclass

from pypdf import PdfReader


@dataclass(frozen=True)
class ReadPdf:
    pages: list[str]  # each page's text, whitespace folded to single spaces
    page_sizes: list[tuple[float, float]]  # points
    title: str | None

    @property
    def text(self) -> str:
        return " ".join(self.pages)

    def count(self, phrase: str) -> int:
        return self.text.count(phrase)


def read_pdf(content: bytes) -> ReadPdf:
    assert content.startswith(b"%PDF-"), "not a PDF"
    reader = PdfReader(io.BytesIO(content))
    pages = [re.sub(r"\s+", " ", page.extract_text() or "") for page in reader.pages]
    sizes = [(float(page.mediabox.width), float(page.mediabox.height)) for page in reader.pages]
    title = reader.metadata.title if reader.metadata else None
    return ReadPdf(pages, sizes, title)
