"""Review: accept, edit or reject candidate facts, from the command line or a local web page.

Accepting writes the triple into the passage's graph in the TriG file under `graph/` that
describes the document (a new graph block right after that passage's last block, or after its
words when it has no facts yet, so it stands beside them; TriG merges blocks of the same graph),
then marks the candidate accepted. Both files are written whole to a temporary file and
renamed, and the new TriG is parsed before it replaces the old, so a failure leaves both as they
were.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from pathlib import Path

import pyoxigraph as ox

from . import atomic
from . import candidates as store
from .candidates import CandidateError
from .extract import Candidate, Knowledge, read_documents
from .load import data_files, load
from .serialize import Names
from .vocab import PROVENANCE_GRAPH

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
# The web page and the CLI may act at once; one decision at a time keeps each file consistent.
_lock = threading.Lock()


class Project:
    """Where the graph, the candidates and the source texts are."""

    def __init__(self, graph="graph", candidates="candidates", sources="sources"):
        self.graph, self.candidates, self.sources = Path(graph), Path(candidates), Path(sources)

    def documents(self):
        return read_documents(load([self.graph], ontology=False))

    def knowledge(self) -> Knowledge:
        return Knowledge(load([self.graph]))

    def slugs(self) -> list[str]:
        return sorted(p.stem for p in self.candidates.glob("*.trig")) if self.candidates.is_dir() else []

    def all_candidates(self, status: str | None = None) -> list[tuple[str, Candidate]]:
        return [(slug, c) for slug in self.slugs() for c in store.read(self.candidates, slug)
                if status in (None, c.status)]

    def get(self, ref: str) -> tuple[str, Candidate, list[Candidate]]:
        slug, n = store.parse_id(ref)
        found = store.read(self.candidates, slug)
        if not found:
            raise CandidateError(f"no candidates for document {slug!r} in {self.candidates}/")
        match = next((c for c in found if c.n == n), None)
        if match is None:
            raise CandidateError(f"no candidate {slug}/{n}; `forcegraph review list` shows the ids")
        return slug, match, found


def document_file(graph: Path, document) -> Path:
    """The TriG file under `graph` whose provenance graph describes `document`."""
    iri = ox.NamedNode(str(document))
    prov = ox.NamedNode(str(PROVENANCE_GRAPH))
    for path in data_files([graph]):
        # Parsed, not searched as text: a file may spell the IRI in full or relative to its @base.
        if path.suffix == ".trig" and any(
                q.subject == iri and q.predicate == RDF_TYPE and q.graph_name == prov
                for q in ox.parse(path=str(path), format=ox.RdfFormat.TRIG)):
            return path
    raise CandidateError(f"no file under {graph}/ describes the document <{document}>")


def _document_of(project: Project, passage) -> object:
    for doc in project.documents().values():
        if any(p.iri == passage for p in doc.passages):
            return doc.iri
    raise CandidateError(f"the passage <{passage}> is not in the provenance graph under {project.graph}/")


# TriG read as tokens, enough to find where each graph block ends: strings, IRIs and comments
# may hold braces and dots that are not the syntax's.
_TOKENS = re.compile("|".join((
    r'("""|' + r"''')(?:\\.|(?!\1).)*\1",                    # long string
    r'"(?:\\.|[^"\\\n])*"', r"'(?:\\.|[^'\\\n])*'",      # string
    r"<[^>\s]*>", r"#[^\n]*", r"[{}.;,]",                # IRI, comment, punctuation
    r"""[^\s"'<#{}.;,]+(?:\.[^\s"'<#{}.;,]+)*""",        # any other word
)), re.S)


def _blocks(text: str) -> list[tuple[str, list[str], int]]:
    """Each graph block of a TriG text: its name and its subjects as written, and where it ends."""
    blocks, depth, previous, name, subjects, expect = [], 0, None, None, [], False
    for m in _TOKENS.finditer(text):
        token = m.group()
        if token.startswith("#"):
            continue
        if token == "{":
            if depth == 0:
                name, subjects, expect = previous, [], True
            depth += 1
        elif token == "}":
            depth -= 1
            if depth == 0:
                blocks.append((name, subjects, m.end()))
            expect = False
        elif depth == 1 and token == ".":
            expect = True
        elif expect:
            subjects.append(token)
            expect = False
        previous = token
    return blocks


def _add_fact(path: Path, c: Candidate, cid: str) -> None:
    """Write the fact right after the blocks of its passage's graph that follow its words, else after the
    provenance block holding the passage's words, else at the end; IRIs spelt as the file does."""
    old = path.read_text(encoding="utf-8")
    names = Names.declared_in(old)

    def written(term) -> str:
        return term.n3() if hasattr(term, "datatype") else names.iri(str(term))

    passage, prov = set(names.spellings(str(c.passage))), set(names.spellings(str(PROVENANCE_GRAPH)))
    blocks = _blocks(old)
    # After the run of this passage's blocks that follows its words (the first run: a seed file
    # may reopen the graph far below, e.g. for its dated relations), else after its words.
    ours = [i for i, (name, _, _) in enumerate(blocks) if name in passage]
    run = ours[:1]
    while run and run[-1] + 1 in ours:
        run.append(run[-1] + 1)
    words = [end for name, subjects, end in blocks if name in prov and passage & set(subjects)]
    block = (f"# Accepted candidate {cid} ({c.method}) on {dt.date.today().isoformat()}.\n"
             f"{names.iri(str(c.passage))} {{\n  {written(c.s)} {written(c.p)} {written(c.o)} .\n}}")
    if run or words:
        at = blocks[run[-1]][2] if run else words[-1]
        new = old[:at] + "\n" + block + old[at:]
    else:
        new = old + ("" if old.endswith("\n") else "\n") + "\n" + block + "\n"
    try:  # the file must still parse before it replaces the old one
        ox.parse(input=new.encode("utf-8"), format=ox.RdfFormat.TRIG)
    except SyntaxError as e:
        raise CandidateError(f"accepting {cid} would break {path}: {e.msg}") from None
    atomic.write_text(path, new)


def decide(project: Project, ref: str, action: str, value: str | None = None) -> Candidate:
    """accept | reject | edit (a new object, then accept). Returns the candidate as it now is."""
    if action not in ("accept", "reject", "edit"):
        raise CandidateError(f"unknown action {action!r}; expected accept, edit or reject")
    with _lock:
        slug, c, everything = project.get(ref)
        if c.status != "proposed":
            raise CandidateError(f"candidate {slug}/{c.n} is already {c.status}")
        document = _document_of(project, c.passage)
        if action == "edit":
            if value is None or not value.strip():
                raise CandidateError("edit needs the new value of the object")
            c.o = store.parse_object(c.o, value)
        if action in ("accept", "edit"):
            _add_fact(document_file(project.graph, document), c, f"{slug}/{c.n}")
            c.status = "accepted"
        else:
            c.status = "rejected"
        store.write(project.candidates, slug, document, everything)
        return c


def run_extractor(project: Project, refs=(), all_new: bool = False):
    """Propose candidates for the documents named (IRI or slug), or for every document that has
    neither candidates nor facts yet. Yields (document, new proposals, all, path) per document."""
    from .extract import extract, find_document

    known = project.knowledge()
    if all_new:
        with_facts = {g for g, *_ in known.asserted}
        docs = [d for d in known.documents.values()
                if not store.path_for(project.candidates, d.slug).exists()
                and not any(p.iri in with_facts for p in d.passages)]
    else:
        try:
            docs = [find_document(known, ref) for ref in refs]
        except LookupError as e:
            raise CandidateError(e.args[0]) from None
    for doc in docs:
        existing = store.read(project.candidates, doc.slug)
        old_keys = {c.key() for c in existing}
        merged = store.merge(existing, extract(known, doc))
        path = store.write(project.candidates, doc.slug, doc.iri, merged)
        yield doc, [c for c in merged if c.key() not in old_keys], merged, path


# ---------------------------------------------------------------------------------------------
# The local review page: a small JSON API and static files (no CDN; works offline)
# ---------------------------------------------------------------------------------------------

STATIC = Path(__file__).parent / "static" / "review"


def candidate_json(slug: str, c: Candidate, passages: dict) -> dict:
    p = passages.get(c.passage)
    return {"id": f"{slug}/{c.n}", "document": slug, "kind": c.kind, "status": c.status, "method": c.method,
            "confidence": c.confidence, "evidence": c.evidence, "passage": str(c.passage),
            "locator": p.locator if p else "", "excerpt": p.excerpt if p else "",
            "subject": str(c.s), "predicate": str(c.p), "object": str(c.o),
            "objectIsIri": not hasattr(c.o, "datatype"), "triple": store.label_of(c)}


def app(project: Project):
    from starlette.applications import Starlette
    from starlette.responses import FileResponse, JSONResponse
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles

    def passages():
        return {p.iri: p for d in project.documents().values() for p in d.passages}

    async def index(request):
        return FileResponse(STATIC / "index.html")

    async def listing(request):
        status = request.query_params.get("status") or None
        ps = passages()
        return JSONResponse([candidate_json(slug, c, ps) for slug, c in project.all_candidates(status)])

    async def act(request):
        ref = f"{request.path_params['slug']}/{request.path_params['n']}"
        action = request.path_params["action"]
        try:
            body = await request.json() if action == "edit" else {}
        except ValueError:
            return JSONResponse({"error": "the request body is not JSON"}, status_code=400)
        try:
            c = decide(project, ref, action, (body or {}).get("object"))
        except CandidateError as e:
            return JSONResponse({"error": str(e)}, status_code=400)
        return JSONResponse(candidate_json(ref.split("/")[0], c, passages()))

    return Starlette(routes=[
        Route("/", index),
        Route("/api/candidates", listing),
        Route("/api/candidates/{slug}/{n:int}/{action}", act, methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC)),
    ])


def serve(project: Project, port: int) -> None:
    import uvicorn

    # 127.0.0.1 only: the page changes files, so nobody else on the network may reach it.
    uvicorn.run(app(project), host="127.0.0.1", port=port, log_level="warning")
