"""Read a document into the text its passages are quoted from: plain text, Markdown, HTML, PDF, DOCX.

Each format is read by a library made for it (Beautiful Soup, pdfplumber, python-docx); this module
only decides what is a block of text and what is a line. A file that cannot be read raises
`DocumentError` with a message a curator can act on."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DocumentError

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | {".pdf", ".docx"}


@dataclass
class Document:
    text: str                      # the text excerpts are quoted from
    plain: bool                    # True if `text` is the file itself (no separate text file needed)
    kind: str                      # "text", "html", "pdf" or "docx"
    meta: dict = field(default_factory=dict)  # what the format itself says: title, url


def sniff(data: bytes) -> str:
    """What the bytes are, whatever the file is called: pdf, zip, ole (old .doc), binary or text."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "zip"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    if b"\x00" in data[:65536]:
        return "binary"
    return "text"


_LOOKS_LIKE = {"pdf": "a PDF", "zip": "a ZIP archive (DOCX, XLSX…)", "ole": "an old Word/Excel file",
               "binary": "binary data", "text": "plain text"}


def read(path: Path) -> Document:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise DocumentError(f"unsupported file type {suffix or '(none)'!r}; "
                            "add a .txt, .md, .html, .pdf or .docx file")
    try:
        data = path.read_bytes()
    except OSError as e:
        raise DocumentError(f"cannot read it ({e.strerror or e}); check the path and its permissions") from None
    if not data.strip():
        raise DocumentError("the file is empty; nothing to add")
    found = sniff(data)
    expected = "pdf" if suffix == ".pdf" else "zip" if suffix == ".docx" else "text"
    if found != expected:
        if found == "binary":
            raise DocumentError(f"is binary data, not a {suffix} document; check you picked the right file")
        raise DocumentError(f"is named {suffix} but its content is {_LOOKS_LIKE[found]}; "
                            "rename it with the right extension (or save it as .docx/.pdf/.txt)")
    if suffix == ".pdf":
        doc = _read_pdf(path)
    elif suffix == ".docx":
        doc = _read_docx(path)
    else:
        text = _decode(data)
        doc = _read_html(text) if suffix in HTML_SUFFIXES else Document(text, True, "text")
    if not doc.text.strip():
        raise DocumentError("no text could be read from it")
    return doc


def _decode(data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise DocumentError(f"is not UTF-8 text (byte {e.start}); save it as UTF-8 and add it again") from None
    # Control characters other than tab/newline/form feed mean this is not prose.
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\t\n\r\f")
    if controls > max(2, len(text) // 1000):
        raise DocumentError("looks like binary data, not text; check you picked the right file")
    return text


# --- HTML ------------------------------------------------------------------------------------------

_DROP = ["script", "style", "nav", "noscript", "template", "svg", "header", "footer", "form", "iframe"]
_BLOCKS = {"p", "div", "section", "article", "main", "aside", "h1", "h2", "h3", "h4", "h5", "h6", "li",
           "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "table", "tr", "caption", "figcaption",
           "address", "hr", "body"}
_P, _T, _BR = "\x00P", "\x00T", "\x00B"   # markers for block break, table cell, line break


def _read_html(html: str) -> Document:
    from bs4 import BeautifulSoup, NavigableString

    soup = BeautifulSoup(html, "lxml")
    title = soup.title.get_text(" ", strip=True) if soup.title else None
    for tag in soup(_DROP + ["head"]):
        tag.decompose()
    # HTML collapses whitespace in text; line structure comes only from the elements.
    for node in soup.find_all(string=True):
        if isinstance(node, NavigableString) and not node.find_parent("pre"):
            node.replace_with(re.sub(r"\s+", " ", str(node)))
    for br in soup("br"):
        br.replace_with(_BR)
    for cell in soup(["td", "th"]):
        cell.insert_after(_T)
    for el in soup.find_all(_BLOCKS):
        el.insert_before(_P)
        el.insert_after(_P)
    raw = soup.get_text()
    text = raw.replace(_BR, "\n").replace(_T, "\t").replace(_P, "\n\n")
    lines = [re.sub(r" *\t *", "\t", ln).strip(" \t") for ln in text.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"
    return Document(text, False, "html", {"title": title} if title else {})


# --- PDF -------------------------------------------------------------------------------------------

def _read_pdf(path: Path) -> Document:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        with pdfplumber.open(path) as pdf:
            pages = [_page_text(p) for p in pdf.pages]
            title = (pdf.metadata or {}).get("Title")
    except Exception as e:  # pdfminer raises many kinds of error for a broken file; pdfplumber wraps them
        if _is_password_error(e, PDFPasswordIncorrect):
            raise DocumentError("is encrypted with a password; save an unlocked copy (print to PDF) and add that") from None
        raise DocumentError(f"is not a readable PDF ({type(e).__name__}); open it and save it again as PDF") from None
    if not any(p.strip() for p in pages):
        raise DocumentError("has no text layer (a scanned image?); run OCR on it (e.g. ocrmypdf) and add the result")
    # Pages are joined by a line break, not a paragraph break: a paragraph may run on over a page.
    text = "\n".join(p for p in pages if p.strip()).strip() + "\n"
    return Document(text, False, "pdf", {"title": title.strip()} if isinstance(title, str) and title.strip() else {})


def _is_password_error(e: BaseException, password_error: type) -> bool:
    seen = [e]
    while seen:
        x = seen.pop()
        if isinstance(x, password_error) or re.search(r"password|encrypt", type(x).__name__ + str(x), re.I):
            return True
        seen += [a for a in getattr(x, "args", ()) if isinstance(a, BaseException)]
        seen += [c for c in (x.__cause__, x.__context__) if c is not None]
    return False


_PAGE_NUMBER = re.compile(r"^(page\s+)?\d+(\s+of\s+\d+)?$", re.I)


def _page_text(page) -> str:
    """The page's lines, with a blank line where the gap above a line is larger than a line's
    spacing: PDFs have no paragraphs, only where the text stands."""
    lines = [ln for ln in page.extract_text_lines(strip=True) if ln["text"].strip()]
    out, prev = [], None
    for ln in lines:
        if prev is not None:
            height = max(prev["bottom"] - prev["top"], 1.0)
            if ln["top"] - prev["bottom"] > 0.45 * height:
                out.append("")
        out.append(ln["text"])
        prev = ln
    # Running page numbers are furniture, not text of the document.
    while out and _PAGE_NUMBER.match(out[-1].strip()):
        out.pop()
    return "\n".join(out)


# --- DOCX ------------------------------------------------------------------------------------------

def _read_docx(path: Path) -> Document:
    import docx
    from docx.table import Table

    try:
        with zipfile.ZipFile(path) as z:
            if "word/document.xml" not in z.namelist():
                raise DocumentError("is a ZIP archive but not a Word document; save it as .docx") from None
        d = docx.Document(str(path))
    except DocumentError:
        raise
    except Exception as e:
        raise DocumentError(f"is not a readable Word document ({type(e).__name__}); open it and save it again as .docx") from None
    blocks = []
    for item in d.iter_inner_content():  # paragraphs and tables in document order
        if isinstance(item, Table):
            blocks.append("\n".join("\t".join(c.text.strip() for c in row.cells) for row in item.rows))
        elif item.text.strip():
            blocks.append(item.text.strip())
    title = d.core_properties.title
    return Document("\n\n".join(blocks) + "\n", False, "docx", {"title": title} if title else {})
