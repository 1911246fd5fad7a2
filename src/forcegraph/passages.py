"""Split a document's text into passages the way its authors numbered it.

A passage starts at a numbered paragraph ("1.1", "3.2.1", "12."), a Markdown heading, a field of a
decision record ("Decision<TAB>…", "Date: …"), a table row (cells between tabs or `|`), a list item,
or a paragraph after a blank line; a short Title Case or UPPER CASE paragraph is a heading. Lines
that start nothing new continue the passage before them, so a paragraph wrapped over several lines
(as PDFs give them) is one passage. Every excerpt is an exact slice of the text: `text[position:
position + len(excerpt)] == excerpt`."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Passage:
    locator: str     # "3.1", "Decision", "row 4", "3.4 item 2", "para 5", or a heading's words
    excerpt: str     # verbatim text of the passage (without its number, bullet or field name)
    position: int    # character offset of the excerpt in the text


# One character or tag at a time, possessive: "DATED_____…" must not make the regex backtrack for ever.
_MARKUP = r"(?:[*_\s]|</?(?:b|strong|i|em)>)*+"
_BULLET = r"[-–•*·▪●◦]"
_NUMBERED = re.compile(rf"^[ \t]*(?:{_BULLET}[ \t]+)?{_MARKUP}(\d{{1,3}}(?:\.\d{{1,3}})+|\d{{1,3}}\.)\.?(?=[ \t]+\S)[ \t]+")
_MD_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+")
_FIELD = re.compile(r"^([A-Z][A-Za-z()'’/&\- ]{0,38}?)[ \t]*(?:\t+|:[ \t]*)(?=\S)")
_LIST = re.compile(rf"^[ \t]*(?:{_BULLET}|\(?[a-z0-9]{{1,3}}\))[ \t]+(?=\S)")
_MD_RULE = re.compile(r"^[ \t|:\-]*-{3,}[ \t|:\-]*$")
_SMALL = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with", "–", "-", "&"}


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Narrow [start, end) past whitespace and emphasis markup at either end."""
    lead = re.match(_MARKUP, text[start:end])
    start += lead.end()
    tail = re.search(rf"{_MARKUP}$", text[start:end])
    return start, start + tail.start()


def _is_heading(words: str) -> bool:
    ws = re.findall(r"[^\s]+", words)
    if not ws or len(ws) > 10 or "," in words or words.rstrip()[-1:] in ".,;:" or not re.search(r"[A-Za-z]", words):
        return False
    if words.isupper():
        return True
    big = [w for w in ws if w.lower() not in _SMALL]
    return bool(big) and sum(w[0].isupper() or not w[0].isalpha() for w in big) / len(big) >= 0.75


class _Splitter:
    def __init__(self, text: str):
        self.text = text
        self.out: list[Passage] = []
        self.block = None          # [kind, locator, start, end, after_blank]
        self.section = None        # the number or heading passages without their own number fall under
        self.counts: dict[str, int] = {}

    def count(self, key: str) -> int:
        self.counts[key] = self.counts.get(key, 0) + 1
        return self.counts[key]

    def close(self):
        if self.block is None:
            return
        kind, locator, start, end, after_blank = self.block
        self.block = None
        start, end = _trim(self.text, start, end)
        excerpt = self.text[start:end]
        if len(excerpt.strip()) < 3:
            return
        if kind == "para":
            if after_blank and _is_heading(excerpt):
                locator = re.sub(r"\s+", " ", excerpt).strip("*#_ ")[:60]
                self.section = locator
            else:
                n = self.count(f"para {self.section}")
                locator = f"{self.section} para {n}" if self.section else f"para {n}"
        self.out.append(Passage(locator, excerpt, start))

    def open(self, kind, locator, start, end, after_blank=False):
        self.close()
        self.block = [kind, locator, start, end, after_blank]

    def line(self, start: int, end: int, after_blank: bool):
        s = self.text[start:end]
        if m := _MD_HEADING.match(s):
            body = start + m.end()
            self.close()  # the passage before keeps the section it stood in
            if n := _NUMBERED.match(self.text[body:end]):
                self.section = n.group(1).rstrip(".")
                self.open("heading", self.section, body + n.end(), end)
            else:
                b, e = _trim(self.text, body, end)
                self.section = re.sub(r"\s+", " ", self.text[b:e])[:60] or self.section
                self.open("heading", self.section, body, end)
            self.close()
        elif m := _NUMBERED.match(s):
            number = m.group(1).rstrip(".")
            self.open("numbered", number, start + m.end(), end)
            self.section = number
        elif _MD_RULE.match(s):
            self.close()
        elif s.count("\t") >= 2 or (s.count("|") >= 2 and s.lstrip().startswith("|")) or (
                "\t" in s.strip() and not _FIELD.match(s)):
            self.open("row", f"row {self.count('row')}", start, end)
            self.close()
        elif m := _FIELD.match(s):
            # "Date: 25 May 2019" reads as one statement; "Decision<TAB>To extend…" is a label and a value.
            value = start + (m.end() if "\t" in m.group() else 0)
            self.open("field", m.group(1).strip(), value, end)
            self.close()
        elif m := _LIST.match(s):
            n = self.count(f"item {self.section}")
            self.open("item", f"{self.section} item {n}" if self.section else f"item {n}", start + m.end(), end)
        elif self.block is not None and self.block[0] in ("para", "numbered", "item"):
            self.block[3] = end  # the passage runs on
        else:
            self.open("para", None, start, end, after_blank)


def split(text: str, start: int = 0) -> list[Passage]:
    """The passages of `text[start:]`, in order, with positions in `text`."""
    sp = _Splitter(text)
    after_blank = True
    for m in re.finditer(r"[^\n]*(?:\n|$)", text[start:]):
        if not m.group():
            break
        b, e = start + m.start(), start + m.end()
        line_end = e - 1 if text[e - 1:e] == "\n" else e
        if text[line_end - 1:line_end] == "\r":
            line_end -= 1
        if not text[b:line_end].strip():
            sp.close()
            after_blank = True
            continue
        sp.line(b, line_end, after_blank)
        after_blank = False
    sp.close()
    return sp.out


def slug(locator: str) -> str:
    """The passage IRI's last segment: "3.1" → "p3-1", "row 4" → "row-4", "Decision" → "decision"."""
    s = locator.lower()
    if re.match(r"^\d", s):
        s = "p" + s
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")[:60].strip("-") or "passage"
