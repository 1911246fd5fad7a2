"""Candidate facts: patterns over the graph's own vocabulary, run on a document's passages.

The extractor reads what the graph already knows (every name, alternative name, hidden name and
data.police.uk id of every thing, and each thing's class) and proposes, passage by passage, facts
in the ontology's own terms: mentions of known things, new organisations, dates with what they
date, money, counts, agreements and their kind, parties, members, lead and host forces, and
decisions. Every proposal is one triple with the words it rests on, the rule that found it and a
confidence. Nothing here writes files: `candidates.py` stores proposals, `review.py` accepts them.

Why patterns and no NLP model: the things that matter are named in the graph already, documents
write them in a handful of ways, and the relations are stated with a few fixed phrases ("is the
lead force", "the Parties", "shall come into force on"). `benchmarks/extract.py` measures this.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import RDF, RDFS, XSD, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from . import library
from .knowledge import KnowledgeGraph
from .query import run_sparql
from .vocab import FG, ID

S22A = URIRef("http://www.legislation.gov.uk/id/ukpga/1996/16/section/22A")


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "x"


# ---------------------------------------------------------------------------------------------
# What the graph knows
# ---------------------------------------------------------------------------------------------

@dataclass
class Passage:
    iri: URIRef
    document: URIRef
    locator: str
    excerpt: str
    position: int | None = None


@dataclass
class Document:
    iri: URIRef
    kind: URIRef
    identifier: str | None = None
    issuer: URIRef | None = None
    subject: URIRef | None = None
    files: list[str] = field(default_factory=list)   # relative to sources/, text file first
    passages: list[Passage] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return str(self.iri).rsplit("/", 1)[-1]


# Words that on their own name nothing in particular: a name made only of them ("Oversight Group",
# "Collaboration Agreement", "Police Authority") would tie every document to one thing.
GENERIC = set("""police constabulary authority commissioner commissioners crime and the of for board group
panel committee summit agreement agreements collaboration collaborative programme alliance strategic service
services unit team office chief executive officer constable constables oversight meeting regional region
national joint support operational organisational protective s22a s 22a 22 section memorandum understanding
audit business plan force forces a an to in on""".split())


def tokens(text: str) -> list[tuple[str, int, int]]:
    """Words as (normal form, start, end). Case, '&'/'and', 'Constabulary'/'Police', possessives,
    hyphens and line breaks all fall away here, so names match however a document writes them."""
    out = []
    for m in re.finditer(r"[A-Za-z0-9]+|&", text):
        word = m.group().lower()
        if word == "s" and m.start() > 0 and text[m.start() - 1] in "'’":
            continue  # possessive: "Cambridgeshire's" is "Cambridgeshire"
        word = {"&": "and", "constabulary": "police", "coordination": "co ordination",
                "organised": "organised", "organized": "organised"}.get(word, word)
        for part in word.split():
            out.append((part, m.start(), m.end()))
    # "co-ordination" arrives as "co" + "ordination"; "coordination" was split above to match it.
    return out


def name_key(name: str) -> tuple[str, ...]:
    words = [w for w, _, _ in tokens(name)]
    while words and words[0] == "the":
        words = words[1:]
    return tuple(words)


class Knowledge:
    """The names and classes the extractor may use, read from a loaded graph minus `exclude`
    (graph IRIs), so a benchmark can hide a document's own passage graphs."""

    def __init__(self, kg: KnowledgeGraph, exclude: frozenset = frozenset()):
        self.kg = kg
        self.superclasses: dict[URIRef, set] = {}
        for r in run_sparql(kg, library.internal("extract-superclasses")).rows:
            self.superclasses.setdefault(r[0], set()).add(r[1])
        self.classes: dict[URIRef, set] = {}
        for e, c, g in run_sparql(kg, library.internal("extract-types")).rows:
            if g not in exclude:
                self.classes.setdefault(e, set()).add(c)
        self.names: dict[tuple, set] = {}      # name key -> things
        self.acronyms: set[str] = set()        # names matched only in capitals ("BCB", "CTC")
        self.labels: dict[URIRef, str] = {}
        for e, name, how, g in run_sparql(kg, library.internal("extract-names")).rows:
            if g in exclude:
                continue
            name = str(name)
            if how == RDFS.label:
                self.labels.setdefault(e, name)
            self._add_name(name, e)
        self.corporations: dict[URIRef, tuple] = {}
        for force, body, chief in run_sparql(kg, library.internal("extract-corporations")).rows:
            self.corporations[force] = (body, chief)
            label = self.labels.get(force, "")
            county = re.sub(r"\s+(Constabulary|Police)$", "", label)
            if county and county != label:
                # Documents write a force by its county alone ("Bedfordshire, Cambridgeshire and
                # Hertfordshire"), and its PCC and chief constable in several word orders.
                self._add_name(county, force)
                for name in (f"{county} Police and Crime Commissioner", f"{county} PCC", f"PCC for {county}",
                             f"Police and Crime Commissioner for {county}", f"{county} Commissioner"):
                    body and self._add_name(name, body)
                for name in (f"{county} Chief Constable", f"Chief Constable of {county}",
                             f"Chief Constable for {county}"):
                    chief and self._add_name(name, chief)
        self.asserted: set = set()             # (passage, s, p, o) already in the graph
        for g, s, p, o in run_sparql(kg, library.internal("extract-passage-facts")).rows:
            if g not in exclude:
                self.asserted.add((g, s, p, o))
        self.maxlen = max((len(k) for k in self.names), default=1)
        self.documents = read_documents(kg)

    def _add_name(self, name: str, entity: URIRef) -> None:
        key = name_key(name)
        if not key or all(w in GENERIC or w.isdigit() for w in key):
            return
        if re.fullmatch(r"[A-Z][A-Z0-9&.]{1,6}", name.strip()):
            self.acronyms.add(key[0])
        self.names.setdefault(key, set()).add(URIRef(entity))

    def most_specific(self, entity) -> URIRef | None:
        classes = self.classes.get(entity, set())
        narrowest = [c for c in classes if not any(c in self.superclasses.get(d, ()) for d in classes if d != c)]
        return sorted(narrowest)[0] if narrowest else None

    def is_a(self, entity, cls: URIRef) -> bool:
        return any(c == cls or cls in self.superclasses.get(c, ()) for c in self.classes.get(entity, ()))


def read_documents(kg: KnowledgeGraph) -> dict[URIRef, Document]:
    docs: dict[URIRef, Document] = {}
    iri = lambda v: URIRef(v) if v is not None else None  # noqa: E731  (records() gives plain str)
    for r in run_sparql(kg, library.internal("extract-documents")).records():
        r = {**r, **{k: iri(r.get(k)) for k in ("document", "kind", "issuer", "subject")}}
        d = docs.get(r["document"])
        if d is None or r["kind"] != FG.SourceDocument:
            keep = d.passages if d else []
            d = docs[r["document"]] = Document(r["document"], r["kind"], r.get("identifier"), r.get("issuer"),
                                               r.get("subject"), passages=keep)
            d.files = [str(r[k]) for k in ("textFile", "sourceFile", "seedFile") if r.get(k)]
    for r in run_sparql(kg, library.internal("extract-passages")).records():
        r = {**r, "document": URIRef(r["document"]), "passage": URIRef(r["passage"])}
        if r["document"] in docs:
            pos = r.get("position")
            docs[r["document"]].passages.append(
                Passage(r["passage"], r["document"], str(r.get("locator") or ""), str(r["excerpt"]),
                        int(pos) if pos is not None else None))
    for d in docs.values():
        d.passages.sort(key=lambda p: (p.position if p.position is not None else 10**9, str(p.iri)))
        d.identifier = str(d.identifier) if d.identifier else None
    return docs


def find_document(known: Knowledge, ref: str) -> Document:
    """A document by IRI or slug; LookupError with a message a person can act on."""
    for iri, d in known.documents.items():
        if ref in (str(iri), d.slug):
            return d
    raise LookupError(f"no document {ref!r} in the provenance graph (give its IRI or slug, e.g. cpcc-2019-007)")


# ---------------------------------------------------------------------------------------------
# Candidates
# ---------------------------------------------------------------------------------------------

@dataclass
class Candidate:
    kind: str            # mention | new-entity | date | money | count | agreement | relation | decision
    s: URIRef
    p: URIRef
    o: object
    passage: URIRef
    evidence: str
    method: str
    confidence: float
    status: str = "proposed"
    n: int | None = None

    def key(self):
        return (URIRef(self.passage), self.s, self.p, self.o)


@dataclass
class Mention:
    entity: URIRef
    start: int
    end: int
    ambiguous: int = 1


def find_mentions(known: Knowledge, text: str) -> list[Mention]:
    """Known things named in `text`, longest name first, left to right (never inside a URL)."""
    urls = [(m.start(), m.end()) for m in re.finditer(r"(?:https?://|www\.)\S+|\S+@\S+", text)]
    toks = [t for t in tokens(text) if not any(a <= t[1] < b for a, b in urls)]
    found, i = [], 0
    while i < len(toks):
        for n in range(min(known.maxlen, len(toks) - i), 0, -1):
            key = tuple(w for w, _, _ in toks[i:i + n])
            things = known.names.get(key)
            if not things:
                continue
            start, end = toks[i][1], toks[i + n - 1][2]
            if n == 1 and key[0] in known.acronyms and not text[start:end].isupper():
                continue  # "soh" inside ordinary prose is not the Single Online Home
            for e in sorted(things):
                found.append(Mention(e, start, end, len(things)))
            i += n
            break
        else:
            i += 1
    return found


MONTHS = {m: i + 1 for i, m in enumerate(
    "january february march april may june july august september october november december".split())}
MONTH_RE = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
DATE_PATTERNS = [
    ("day-month-year", re.compile(rf"\b(\d{{1,2}})\s*(?:st|nd|rd|th)?\s+(?:of\s+)?({MONTH_RE})\.?,?\s+(\d{{4}})\b", re.I)),
    ("month-day-year", re.compile(rf"\b({MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I)),
    ("iso", re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")),
    ("numeric", re.compile(r"(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?![\d/-])")),
    ("month-year", re.compile(rf"\b({MONTH_RE})\s+(\d{{4}})\b", re.I)),
]
# What a date dates, from the words just before it (checked in this order).
DATE_CUES = [
    (FG.reviewDate, r"review"),
    (FG.expiryDate, r"expir|terminat|until|end(?:s|ing)? on|cease"),
    (FG.inForceDate, r"in ?to force|in force|commenc|effective|with effect|start"),
    (FG.signedDate, r"sign|executed|dated|made on"),
    ("meeting", r"meeting|met on|held on"),
    ("golive", r"go(?:es)? live|went live|launch"),
]
AGREEMENT_DATES = {FG.reviewDate, FG.expiryDate, FG.inForceDate, FG.signedDate}


def month_number(word: str) -> int:
    word = word.lower().rstrip(".")
    return next(n for m, n in MONTHS.items() if m.startswith(word[:3]))


def find_dates(text: str):
    """(start, end, literal, pattern) for each date; a day-less month gives an xsd:gYearMonth."""
    taken, out = [], []
    for name, rx in DATE_PATTERNS:
        for m in rx.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            g = m.groups()
            try:
                if name == "day-month-year":
                    y, mo, d = int(g[2]), month_number(g[1]), int(g[0])
                elif name == "month-day-year":
                    y, mo, d = int(g[2]), month_number(g[0]), int(g[1])
                elif name == "iso":
                    y, mo, d = map(int, g)
                elif name == "numeric":
                    d, mo, y = map(int, g)
                    y += 2000 if y < 100 else 0
                else:
                    y, mo, d = int(g[1]), month_number(g[0]), None
                if not (1 <= mo <= 12 and 1900 < y < 2100 and (d is None or 1 <= d <= 31)):
                    continue
            except (StopIteration, ValueError):
                continue
            lit = (Literal(f"{y:04d}-{mo:02d}", datatype=XSD.gYearMonth) if d is None
                   else Literal(f"{y:04d}-{mo:02d}-{d:02d}", datatype=XSD.date))
            taken.append((m.start(), m.end()))
            out.append((m.start(), m.end(), lit, name))
    return sorted(out, key=lambda t: t[0])


MONEY_RE = re.compile(r"£\s?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(million|mn|m|bn|billion|k|thousand)?\b", re.I)
UNITS = {"m": 10**6, "mn": 10**6, "million": 10**6, "bn": 10**9, "billion": 10**9, "k": 10**3, "thousand": 10**3}
YEAR_RE = re.compile(r"\b(20\d\d)\s*[/-]\s*(20)?(\d\d)\b")
MEASURES = [("savings-target", r"saving\w* target|target\w* saving"), ("savings-from-collaboration", r"saving"),
            ("consultancy-budget", r"consultan"), ("budget", r"budget"), ("spend-on-collaboration", r"spend|cost")]

NUMBERS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve "
                                      "thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty".split())}
COUNT_RE = re.compile(
    r"\b(\d{1,3}|" + "|".join(NUMBERS) + r")[\s-]+((?:police\s+)?(?:force\s+)?(?:forces?|areas?|parties|partners|"
    r"members|organisations|PCCs|Chief Constables|Commissioners|regions|counties))\b", re.I)

AGREEMENT_KINDS = [
    (FG.MemorandumOfUnderstanding, "kind:mou", re.compile(r"memorand(?:um|a) of understanding|\bMoUs?\b", re.I)),
    (FG.StatementOfIntent, "kind:statement-of-intent", re.compile(r"statement of intent", re.I)),
    (FG.CollaborationAgreement, "kind:s22a", re.compile(r"(?:section|s\.?)\s*22\s*A\b[^.]{0,80}agreement|agreement[^.]{0,80}(?:section|s\.?)\s*22\s*A\b|\bS22A agreement", re.I)),
    (FG.CollaborationAgreement, "kind:collaboration-agreement", re.compile(r"collaboration agreement", re.I)),
]

NEW_ORG_RE = re.compile(
    r"\b((?:[A-Z][\w’'&-]*\s+(?:(?:of|and|for|the|&)\s+)?){1,6}"
    r"(Unit|Consortium|Alliance|Collaboration|Board|Panel|Group|Company|Service|Programme|Partnership|"
    r"Committee|Summit|Team|Agency|Network|Hub|Centre))\b")
NEW_ORG_CLASS = {"Unit": (FG.CollaborativeUnit, "collaboration"), "Consortium": (FG.Consortium, "collaboration"),
                 "Alliance": (FG.Alliance, "collaboration"), "Collaboration": (FG.Programme, "collaboration"),
                 "Programme": (FG.Programme, "collaboration"), "Partnership": (FG.Collaboration, "collaboration"),
                 "Service": (FG.Service, "service"), "Company": (FG.Organisation, "organisation"),
                 "Agency": (FG.Organisation, "organisation"), "Team": (FG.Office, "organisation"),
                 "Network": (FG.CollaborativeUnit, "collaboration"), "Hub": (FG.CollaborativeUnit, "collaboration"),
                 "Centre": (FG.CollaborativeUnit, "collaboration")}

PARTY_CUE = re.compile(r"\bpart(?:y|ies)\b|\bbetween\b|signator|entered into|made by", re.I)
MEMBER_CUE = re.compile(r"\bmembers?\b|\bcompris|\bconsist|\bbetween\b|\bpartners?\b|\bmade up\b|\bjoin|"
                        r"\bwork together\b|\bforces\b|\bareas?\b|\binclud", re.I)
LEAD_AFTER = re.compile(r"^\W{0,3}(?:is|are|was|will be|as|acts as|has been|remains)\s+(?:the\s+)?lead(?:ing)?\b", re.I)
LEAD_BEFORE = re.compile(r"(?:\bled by|\blead force(?:\s+(?:is|was|will be))?:?|\blead(?:ing)? force for \w+ is)\s*(?:the\s+)?$", re.I)
HOST_AFTER = re.compile(r"^\W{0,3}(?:is|are|was|will be|as|acts as)\s+(?:the\s+)?host", re.I)
HOST_BEFORE = re.compile(r"(?:\bhosted by|\bhost force(?:\s+(?:is|was|will be))?:?)\s*(?:the\s+)?$", re.I)
APPROVE_CUE = re.compile(r"approv|agree|extend|sign|enter into", re.I)


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    a = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start))
    b_candidates = [i for i in (text.find(". ", end), text.find("\n", end)) if i != -1]
    return a + 1 if a >= 0 else 0, min(b_candidates) + 1 if b_candidates else len(text)


class Extractor:
    """Runs the rules over one document; `known` says what the graph holds besides it."""

    COLLAB_LIKE = (FG.Collaboration, FG.GovernanceBody, FG.ServiceArea, FG.Service)

    def __init__(self, known: Knowledge):
        self.k = known

    def run(self, doc: Document) -> list[Candidate]:
        self.doc, self.out, self.counter = doc, [], {}
        # Things the whole document talks about: a fall-back subject for dates and counts.
        whole = " ".join(p.excerpt for p in doc.passages)
        self.doc_things = [m.entity for m in find_mentions(self.k, whole)]
        for p in doc.passages:
            self.passage(p)
        seen, unique = set(), []
        for c in self.out:  # one proposal per triple per passage, keeping the most confident
            if c.key() in seen or (c.passage, c.s, c.p, c.o) in self.k.asserted:
                continue
            seen.add(c.key())
            unique.append(c)
        return unique

    def new_iri(self, kind: str, hint: str = "") -> URIRef:
        base = f"{kind}/{self.doc.slug}" + (f"-{slugify(hint)}" if hint else "")
        self.counter[base] = self.counter.get(base, 0) + 1
        return ID[base if self.counter[base] == 1 else f"{base}-{self.counter[base]}"]

    def add(self, kind, s, p, o, passage, evidence, method, confidence):
        self.out.append(Candidate(kind, URIRef(s), URIRef(p), o, passage.iri, evidence.strip(), method,
                                  round(confidence, 2)))

    def nearest(self, mentions, pos: int, test) -> URIRef | None:
        options = [m for m in mentions if test(m.entity)]
        return min(options, key=lambda m: abs(m.start - pos)).entity if options else None

    def passage(self, p: Passage) -> None:
        # Web addresses and e-mail addresses are blanked (same length, so offsets still hold):
        # "16-02-25-BCB-...-Seven-Force" in a URL is neither a date nor a count.
        text = re.sub(r"(?:https?://|www\.)\S+|\S+@\S+", lambda m: " " * len(m.group()), p.excerpt)
        mentions = find_mentions(self.k, text)
        spans = [(m.start, m.end) for m in mentions]
        inside = lambda a, b: any(s <= a and b <= e for s, e in spans)  # noqa: E731
        self.mentions(p, text, mentions)
        self.new_orgs(p, text, spans)
        agreement = self.agreements(p, text, mentions)
        self.dates(p, text, mentions, agreement)
        self.money(p, text, mentions)
        self.counts(p, text, mentions, inside)
        self.relations(p, text, mentions, agreement)
        self.decision(p, text, agreement)

    # -- rules ---------------------------------------------------------------------------------

    def mentions(self, p, text, mentions):
        for m in mentions:
            cls = self.k.most_specific(m.entity)
            if cls is None:
                continue
            conf = 0.9 if m.ambiguous == 1 else 0.5 / m.ambiguous
            self.add("mention", m.entity, RDF.type, cls, p, text[m.start:m.end], "mention:name", conf)

    def new_orgs(self, p, text, spans):
        for m in NEW_ORG_RE.finditer(text):
            name = re.sub(r"^(?:The|A|An|This|That|Our|Each|Any)\s+", "", m.group(1)).strip()
            if len(name.split()) < 2 or any(a < m.end() and m.start() < b for a, b in spans):
                continue
            if name_key(name) in self.k.names or all(w in GENERIC for w in name_key(name)):
                continue
            cls, folder = NEW_ORG_CLASS.get(m.group(2), (FG.GovernanceBody, "body"))
            iri = ID[f"{folder}/{slugify(name)}"]
            if iri in self.k.classes:  # the IRI is known under another name: a new alternative name
                self.add("mention", iri, SKOS.altLabel, Literal(name), p, name, "mention:new-name", 0.5)
                continue
            self.add("new-entity", iri, RDF.type, cls, p, name, "new-entity:capitalised-name", 0.6)
            self.add("new-entity", iri, RDFS.label, Literal(name), p, name, "new-entity:capitalised-name", 0.6)

    def agreements(self, p, text, mentions) -> URIRef | None:
        """The agreement this passage is about (known or new), proposing its kind where stated."""
        is_agreement = lambda e: self.k.is_a(e, FG.Agreement) or self.k.is_a(e, FG.AgreementChange)  # noqa: E731
        known = self.nearest(mentions, 0, is_agreement)
        for cls, method, rx in AGREEMENT_KINDS:
            m = rx.search(text)
            if not m:
                continue
            subject = known or self.document_agreement()
            if subject is None:
                subject = self.doc_agreement = self.new_iri("agreement")
            if not self.k.is_a(subject, FG.AgreementChange):
                self.add("agreement", subject, RDF.type, cls, p, m.group(), method, 0.7 if known else 0.5)
            if re.search(r"22\s*A", m.group(), re.I):
                self.add("agreement", subject, FG.legalBasis, S22A, p, m.group(), method, 0.7)
            return subject
        return known

    def document_agreement(self) -> URIRef | None:
        if getattr(self, "doc_agreement", None) and self.doc_agreement.startswith(str(ID["agreement/" + self.doc.slug])):
            return self.doc_agreement
        if self.doc.subject is not None:
            return self.doc.subject
        return next((e for e in self.doc_things if self.k.is_a(e, FG.Agreement) or self.k.is_a(e, FG.AgreementChange)), None)

    def dates(self, p, text, mentions, agreement):
        for start, end, lit, pattern in find_dates(text):
            a, _ = sentence_around(text, start, end)
            before = text[max(a, start - 90):start].lower()
            cue = next((pred for pred, rx in DATE_CUES if re.search(rx, before)), None)
            evidence = text[max(a, start - 60):end]
            locator = p.locator.lower()
            if cue is None and locator.startswith("date") or re.search(r"\bdate\s*:?\s*$", before):
                if self.doc.kind == FG.DecisionRecord:
                    self.add("date", ID[f"decision/{self.doc.slug}"], FG.date, lit, p, evidence, "date:decision-date", 0.8)
                else:
                    self.add("date", self.doc.iri, DCTERMS.date, lit, p, evidence, "date:document-date", 0.8)
                continue
            if cue in AGREEMENT_DATES:
                subject = agreement or self.document_agreement()
                if subject is None:
                    subject = self.doc_agreement = self.new_iri("agreement")
                pred = cue
                if lit.datatype == XSD.gYearMonth:
                    if cue != FG.signedDate:
                        continue  # a month is not a day: only "signed in December 2016" is kept
                    pred = FG.signedPeriod
                self.add("date", subject, pred, lit, p, evidence, f"date:cue:{pred.split('#')[1]}", 0.75)
            elif cue == "meeting":
                body = self.nearest(mentions, start, lambda e: self.k.is_a(e, FG.GovernanceBody)) or self.doc.iri
                meeting = ID[f"meeting/{str(body).rsplit('/', 1)[-1]}-{lit}"]
                self.add("date", meeting, RDF.type, FG.Meeting, p, evidence, "date:meeting", 0.6)
                self.add("date", meeting, FG.meetingOf, body, p, evidence, "date:meeting", 0.6)
                self.add("date", meeting, FG.date, lit, p, evidence, "date:meeting", 0.6)
            else:
                event = self.new_iri("event", "go-live" if cue == "golive" else "")
                pred = FG.period if lit.datatype == XSD.gYearMonth else FG.date
                self.add("date", event, RDF.type, FG.GoLive if cue == "golive" else FG.Event, p, evidence, "date:event", 0.3)
                self.add("date", event, pred, lit, p, evidence, "date:event", 0.4)
                thing = self.nearest(mentions, start, lambda e: self.k.is_a(e, FG.Collaboration) or self.k.is_a(e, FG.Service))
                if thing is not None:
                    self.add("date", event, FG.affects, thing, p, evidence, "date:event", 0.3)

    def money(self, p, text, mentions):
        for m in MONEY_RE.finditer(text):
            amount = Decimal(m.group(1).replace(",", "") + (m.group(2) or ""))
            unit = (m.group(3) or "").lower()
            if unit == "m" and not re.match(r"£\s?[\d.,]+\s?m\b", m.group(), re.I):
                unit = ""
            amount = (amount * UNITS.get(unit, 1)).normalize()
            a, b = sentence_around(text, m.start(), m.end())
            sentence = text[a:b]
            # The measure is read from this figure's own words, not from a neighbouring figure's.
            others = [o for o in MONEY_RE.finditer(text) if o.start() != m.start()]
            lo = max([a] + [o.end() for o in others if o.end() <= m.start()])
            hi = min([b, m.end() + 60] + [o.start() for o in others if o.start() >= m.end()])
            iri = self.new_iri("money")
            evidence = text[max(a, m.start() - 40):min(b, m.end() + 40)]
            add = lambda pred, obj, conf: self.add("money", iri, pred, obj, p, evidence, "money:pound-sign", conf)  # noqa: E731
            add(RDF.type, FG.MoneyFigure, 0.8)
            add(FG.amountGBP, Literal(f"{amount:f}", datatype=XSD.decimal), 0.8)
            year = YEAR_RE.search(sentence)
            if year:
                add(FG.financialYear, Literal(f"{year.group(1)}/{year.group(3)}"), 0.6)
            after = text[m.end():m.end() + 25].lower()
            if re.search(r"per annum|a year|each year|annual|p\.a\.", after):
                add(FG.perAnnum, Literal(True), 0.7)
            if re.search(r"(approximately|around|about|circa|c\.|some|over|more than)\s*$", text[max(a, m.start() - 20):m.start()], re.I):
                add(FG.approximate, Literal(True), 0.6)
            measure = next((ID[f"measure/{name}"] for name, rx in MEASURES if re.search(rx, text[lo:hi], re.I)), None)
            if measure is not None:
                add(FG.measure, measure, 0.5)
            thing = self.nearest(mentions, m.start(), lambda e: self.k.is_a(e, FG.Collaboration))
            if thing is not None:
                add(FG.about, thing, 0.4)

    def counts(self, p, text, mentions, inside):
        for m in COUNT_RE.finditer(text):
            if inside(m.start(), m.end()):
                continue  # "Seven Force" inside "Seven Force Strategic Collaboration Programme"
            word = m.group(1).lower()
            value = int(word) if word.isdigit() else NUMBERS[word]
            if value < 2:
                continue
            iri = self.new_iri("count")
            what = m.group(2).lower()
            add = lambda pred, obj, conf: self.add("count", iri, pred, obj, p, m.group(), "count:number-noun", conf)  # noqa: E731
            add(RDF.type, FG.StatedCount, 0.7)
            add(FG.value, Literal(value), 0.7)
            add(RDFS.label, Literal(m.group(2)), 0.5)
            thing = self.nearest(mentions, m.start(), lambda e: self.k.is_a(e, FG.Collaboration) or self.k.is_a(e, FG.Agreement))
            if thing is not None:
                add(FG.about, thing, 0.4)
                prop = FG.party if "part" in what else FG.member if re.search(r"force|area|member", what) else None
                if prop is not None:
                    add(FG.countsProperty, prop, 0.4)

    def relations(self, p, text, mentions, agreement):
        forces = [m for m in mentions if self.k.is_a(m.entity, FG.PoliceForce)]
        corps = [m for m in mentions if self.k.is_a(m.entity, FG.CorporationSole)]
        # Lead and host force: fixed phrases around a force's name.
        for m in forces:
            after, before = text[m.end:m.end + 40], text[max(0, m.start - 40):m.start]
            for pred, rx_after, rx_before in ((FG.leadForce, LEAD_AFTER, LEAD_BEFORE), (FG.hostForce, HOST_AFTER, HOST_BEFORE)):
                if rx_after.search(after) or rx_before.search(before):
                    thing = self.nearest(mentions, m.start, lambda e: any(self.k.is_a(e, c) for c in self.COLLAB_LIKE))
                    thing = thing or next((e for e in self.doc_things if self.k.is_a(e, FG.Collaboration)), None)
                    if thing is not None:
                        ev = text[max(0, m.start - 40):m.end + 40]
                        self.add("relation", thing, pred, m.entity, p, ev, f"relation:{pred.split('#')[1]}", 0.7)
        # Parties: corporations sole named, or forces with "Commissioner"/"Chief Constable" nearby.
        if agreement is not None and PARTY_CUE.search(text) and not self.k.is_a(agreement, FG.AgreementChange):
            parties = {m.entity: m for m in corps}
            pcc = re.search(r"commissioner|\bPCCs?\b", text, re.I)
            cc = re.search(r"chief constable", text, re.I)
            for m in forces:
                body, chief = self.k.corporations.get(m.entity, (None, None))
                for corp, cue in ((body, pcc), (chief, cc)):
                    if corp is not None and cue:
                        parties.setdefault(corp, m)
            for corp, m in parties.items():
                self.add("relation", agreement, FG.party, corp, p, text[m.start:m.end], "relation:party", 0.6)
        # Members: a collaboration named beside forces, with a word that says they belong.
        collab = self.nearest(mentions, 0, lambda e: self.k.is_a(e, FG.Collaboration))
        if collab is None and len(forces) >= 2 and MEMBER_CUE.search(text):
            collab = next((e for e in self.doc_things if self.k.is_a(e, FG.Collaboration)), None)
        if collab is not None and forces and MEMBER_CUE.search(text):
            conf = 0.6 if len(forces) >= 2 else 0.4
            method = "relation:joining" if re.search(r"\bjoin", text, re.I) else "relation:member"
            for m in forces:
                self.add("relation", collab, FG.member, m.entity, p, text[m.start:m.end], method, conf)

    def decision(self, p, text, agreement):
        """A decision record records one decision, made by its issuer."""
        first = next((q for q in self.doc.passages if q.locator.lower().startswith("decision")), self.doc.passages[0])
        if self.doc.kind != FG.DecisionRecord or p is not first and not p.locator.lower().startswith("decision"):
            return
        decision = ID[f"decision/{self.doc.slug}"]
        ev = text[:120]
        if p is first:
            self.add("decision", decision, RDF.type, FG.Decision, p, ev, "decision:record", 0.8)
            self.add("decision", decision, FG.recordedIn, self.doc.iri, p, ev, "decision:record", 0.8)
            if self.doc.issuer is not None:
                self.add("decision", decision, FG.decidedBy, self.doc.issuer, p, ev, "decision:issuer", 0.7)
        if p.locator.lower() == "decision" and agreement is not None and APPROVE_CUE.search(text):
            self.add("decision", decision, FG.approves, agreement, p, ev, "decision:approves", 0.5)


def extract(known: Knowledge, doc: Document) -> list[Candidate]:
    return Extractor(known).run(doc)
