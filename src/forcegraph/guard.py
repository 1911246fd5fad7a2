"""Guard: the one check every SPARQL text passes before an engine runs it.

Two parsers never agree on everything: rdflib ends a `#` comment at a line feed, Oxigraph at a
carriage return too; Oxigraph reads `\\u` escapes anywhere in the text; parsers give up at
different depths. A check made by one parser on text that another then runs can be fooled
wherever they differ. So the guard does not judge the client's text: it lexes it with SPARQL's
own terminals and writes it out again, token by token (comments dropped, each run of whitespace
one space or its line breaks, strings re-escaped, `\\u` escapes refused outside strings), and
judges the tokens of that new text, which is the only text any engine (Oxigraph, rdflib, a remote
server) is then given. Refused here: SERVICE (federated query, which makes the engine fetch a
URL), every SPARQL Update operation (LOAD among them), and nesting deeper than an engine can
parse safely (Oxigraph's parser overflows its stack past ~2,000 nested groups)."""

from __future__ import annotations

import re
from functools import cache
from dataclasses import dataclass

from .errors import Refused

MAX_DEPTH = 128  # nested (), {} and []; real queries stay far below, engines far above
MAX_LENGTH = 1_000_000  # characters


@dataclass(frozen=True)
class Checked:
    """SPARQL text as the guard wrote it out, and what it learnt reading it."""

    text: str
    form: str  # SELECT, CONSTRUCT, DESCRIBE or ASK
    has_dataset: bool  # the query names its own dataset (FROM / FROM NAMED)


# SPARQL 1.1 terminals (section 19.8), most specific first. A token the pattern cannot read ends
# the scan with a refusal: nothing unread reaches an engine.
_ASCII_NAME_START = r"A-Za-z"
_NAME_START = _ASCII_NAME_START + r"\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\U00010000-\U000EFFFF"
_NAME_EXTRA = r"\u00B7\u0300-\u036F\u203F-\u2040"


def _token_pattern(name_start: str, name_extra: str) -> re.Pattern:
    name_char = name_start + r"_0-9\-" + name_extra
    plx = rf"(?:[{name_char}:]|%[0-9A-Fa-f]{{2}})"
    return re.compile(rf"""
  (?P<ws>[ \t\r\n]+)
| (?P<comment>\#[^\r\n]*)
| (?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
| (?P<string>'''(?:'{{0,2}}(?:[^'\\]|\\.))*'''|\"\"\"(?:\"{{0,2}}(?:[^"\\]|\\.))*\"\"\"
            |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
| (?P<langtag>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)
| (?P<var>[?$][{name_start}_0-9][{name_char}]*)
| (?P<bnode>_:[{name_start}_0-9](?:[{name_char}.]*[{name_char}])?)
| (?P<pname>(?:[{name_start}](?:[{name_char}.]*[{name_char}])?)?:(?:(?:[{name_start}_:0-9]|%[0-9A-Fa-f]{{2}})(?:(?:{plx}|\.)*{plx})?)?)
| (?P<number>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)
| (?P<name>[A-Za-z_][A-Za-z0-9_]*)
| (?P<punct>\^\^|&&|\|\||!=|<=|>=|[{{}}()\[\].,;*/|^!=<>+\-?])
""", re.VERBOSE)


# The same terminals twice: for a text that is all ASCII (nearly every query) a pattern without
# the large Unicode classes, which take tens of milliseconds to compile in every new process;
# outside ASCII, the whole of SPARQL's classes, compiled when first needed.
_ASCII_TOKEN = _token_pattern(_ASCII_NAME_START, "")


@cache
def _unicode_token() -> re.Pattern:
    return _token_pattern(_NAME_START, _NAME_EXTRA)

_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_WRITE = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.DOTALL)

# Words that begin an update or a federated query: refused as a word, as the start of a longer
# word and as (the start of) a prefix name, since a parser that matches keywords without a word
# boundary reads `SERVICEx` and `service:x` as SERVICE followed by something else.
_UPDATE_WORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE")
_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
_OPEN, _CLOSE = "{([", "})]"
_ODD_BREAK = re.compile("[\x0b\x0c\x85\u2028\u2029]")

READ_ONLY = ("This endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, CREATE, DROP, "
             "COPY, MOVE, ADD) is not accepted.")
NO_SERVICE = ("SERVICE (federated query) is not allowed: forcegraph never fetches remote data. "
              "Query each endpoint on its own and join the results yourself.")


def _where(text: str, pos: int) -> str:
    line = text.count("\n", 0, pos) + text.count("\r", 0, pos) - text.count("\r\n", 0, pos) + 1
    column = pos - max(text.rfind("\n", 0, pos), text.rfind("\r", 0, pos))
    return f"line {line}, column {column}"


def _string(token: str, text: str, pos: int) -> str:
    """A string literal's value written back as one double-quoted SPARQL string."""
    quote = 3 if token[:3] in ("'''", '"""') else 1

    def unescape(m: re.Match) -> str:
        code = m.group(1) or m.group(2)
        if code:
            value = chr(int(code, 16)) if int(code, 16) <= 0x10FFFF else ""
            if not value or 0xD800 <= ord(value) <= 0xDFFF:
                raise Refused(400, f"SPARQL syntax error at {_where(text, pos)}: \\u{code} is not a character")
            return value
        if m.group(3) not in _ESCAPES:
            raise Refused(400, f"SPARQL syntax error at {_where(text, pos)}: unknown escape \\{m.group(3)} in a string")
        return _ESCAPES[m.group(3)]

    value = _ESCAPE.sub(unescape, token[quote:-quote])
    if re.search(r"\\[uU]", value):
        # Some engines read \u escapes before parsing; a backslash-u in a value could become one.
        raise Refused(400, f"SPARQL syntax error at {_where(text, pos)}: a string may not contain a backslash followed by u")
    return '"' + "".join(_WRITE.get(c, c) for c in value) + '"'


def check(text: str) -> Checked:
    """Read SPARQL text as a query; return it as the engine must run it, or raise Refused."""
    if len(text) > MAX_LENGTH:
        raise Refused(413, f"The query is longer than {MAX_LENGTH} characters.")
    out: list[str] = []
    words: list[str] = []  # keywords and prefix names, upper case, in order
    depth = pos = breaks = 0
    spaced = False
    token_at = (_ASCII_TOKEN if text.isascii() else _unicode_token()).match
    while pos < len(text):
        m = token_at(text, pos)
        if m is None:
            char = text[pos]
            hint = " (escapes such as \\u are accepted only inside strings)" if char == "\\" else ""
            raise Refused(400, f"SPARQL syntax error at {_where(text, pos)}: unexpected {char!r}{hint}")
        kind, token = m.lastgroup, m.group()
        pos = m.end()
        if kind == "comment" and _ODD_BREAK.search(token):
            raise Refused(400, f"SPARQL syntax error at {_where(text, m.start())}: a comment holds a character "
                               "some parsers take for a line end; remove it")
        if kind in ("ws", "comment"):  # kept only as a separator, with its line breaks
            spaced = True
            breaks += token.count("\n") + token.count("\r") - token.count("\r\n")
            continue
        if kind == "string":
            token = _string(token, text, m.start())
        elif kind in ("name", "pname"):
            word = token.split(":")[0].upper()
            words.append(word)
            if word.startswith("SERVICE"):
                raise Refused(403, NO_SERVICE)
            if word == "ADD" or word.startswith(_UPDATE_WORDS):
                raise Refused(403, READ_ONLY)
        elif token in _OPEN and kind == "punct":
            depth += 1
            if depth > MAX_DEPTH:
                raise Refused(400, f"The query nests brackets more than {MAX_DEPTH} deep "
                                   f"(at {_where(text, m.start())}); flatten it.")
        elif token in _CLOSE and kind == "punct":
            depth -= 1
        if out and spaced:
            out.append("\n" * breaks or " ")
        out.append(token)
        spaced, breaks = False, 0
    form = next((w for w in words if w in _FORMS), None)
    if form is None:
        raise Refused(400, "SPARQL syntax error: not a query (expected SELECT, CONSTRUCT, DESCRIBE or ASK)")
    return Checked("".join(out), form, "FROM" in words)


_ERROR_AT = re.compile(r"error at (\d+):(\d+)|\(line:(\d+), col:(\d+)\)")


def with_caret(message: str, sparql: str) -> str:
    """A syntax error's message with the line of `sparql` it names and a caret under the column."""
    found = _ERROR_AT.search(message)
    if not found:
        return message
    line, column = (int(n) for n in (found.group(1, 2) if found.group(1) else found.group(3, 4)))
    lines = sparql.splitlines()
    if not 1 <= line <= len(lines):
        return message
    if found.group(1):  # Oxigraph's "error at 4:7" in the words the rest of forcegraph uses
        message = message.replace(f": {found.group(0)}", f" at line {line}, column {column}", 1)
    text = lines[line - 1]
    pad = "".join("\t" if c == "\t" else " " for c in text[:column - 1])
    return f"{message}\n  {text}\n  {pad}^"
