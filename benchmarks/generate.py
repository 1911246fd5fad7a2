"""Generate a national-size synthetic forcegraph: the real graph plus synthetic source documents.

The nation's forces, their corporations sole, regions and legislation come from the real graph
(graph/reference), and the curated seeds stay in, so every library query's example parameters
name something. On top, seeded random documents from every policing body over 2012-2025 add
what the seeds hold, in the same shape (docs/curation.md): section 22A agreements with 2-20
parties that establish collaborations (members, lead and host forces), service areas and
services with lead forces, governance bodies reporting to regional summits, amendments that add
a force (with a dated membership and a joining event), extensions, decisions, meetings, money
figures, stated counts (a few wrong, as the documents sometimes are) and recorded conflicts.
Every fact stands in the named graph of a passage whose document and excerpt are in the
provenance graph, and the result conforms to the shapes.

Same seed and size, same bytes. Sizes count the quads of the data files (the ontology and the
inferences come on top).

    python benchmarks/generate.py --triples 100000 --out /tmp/fg-100k
    forcegraph build --graph /tmp/fg-100k --out /tmp/fg-100k-out
"""

from __future__ import annotations

import argparse
import hashlib
import random
import shutil
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pyoxigraph as ox

REPO = Path(__file__).resolve().parents[1]
ID = "https://w3id.org/forcegraph/id/"
FG = "https://w3id.org/forcegraph/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PREFIXES = {
    "dcterms": "http://purl.org/dc/terms/",
    "fg": FG,
    "org": "http://www.w3.org/ns/org#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": XSD,
}
DOCS_PER_FILE = 250

N = ox.NamedNode
_PREDICATES: dict[str, ox.NamedNode] = {}


def term(curie: str) -> ox.NamedNode:
    """fg:party → NamedNode, cached (the generator makes a million of them)."""
    hit = _PREDICATES.get(curie)
    if hit is None:
        prefix, _, local = curie.partition(":")
        hit = _PREDICATES[curie] = N(PREFIXES[prefix] + local)
    return hit


def iri(path: str) -> ox.NamedNode:
    return N(ID + path)


def lit(value) -> ox.Literal:
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=N(XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=N(XSD + "integer"))
    if isinstance(value, date):
        return ox.Literal(value.isoformat(), datatype=N(XSD + "date"))
    return ox.Literal(str(value))


def money(amount: int) -> ox.Literal:
    return ox.Literal(str(amount), datatype=N(XSD + "decimal"))


def financial_year(d: date) -> str:
    start = d.year if d.month >= 4 else d.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


PROVENANCE = iri("graph/provenance")
CONFLICTS = iri("graph/conflicts")
S22A = N("http://www.legislation.gov.uk/id/ukpga/1996/16/section/22A")
A = term("rdf:type")
LABEL = term("rdfs:label")

FUNCTIONS = [
    "Firearms Training", "Dog Unit", "Major Crime", "Roads Policing", "Forensic Services",
    "Occupational Health", "ICT", "Procurement", "Vehicle Fleet", "Cyber Crime", "Marine Unit",
    "Custody", "Legal Services", "Professional Standards", "Digital Forensics", "Surveillance",
    "Economic Crime", "Criminal Justice", "Scientific Services", "Learning and Development",
    "Public Order", "Armed Response", "Collision Investigation", "Intelligence", "Human Resources",
]
COLLABORATION_KINDS = [("Alliance", "Alliance"), ("Consortium", "Consortium"), ("Programme", "Programme"),
                       ("CollaborativeUnit", "Unit")]
AGREEMENT_KINDS = [("CollaborationAgreement", 0.8), ("MemorandumOfUnderstanding", 0.15), ("StatementOfIntent", 0.05)]
FREQUENCIES = ["monthly", "bi-monthly", "quarterly", "twice a year"]
FIRST = ["Alex", "Sam", "Jo", "Chris", "Pat", "Robin", "Kim", "Lee", "Morgan", "Jamie", "Dana", "Casey",
         "Ashley", "Jordan", "Taylor", "Rowan", "Frankie", "Hayden", "Sidney", "Toni"]
LAST = ["Ashworth", "Bramley", "Carlisle", "Dunmore", "Ellwood", "Fairbairn", "Garside", "Hollins",
        "Ingram", "Jessop", "Kershaw", "Lockwood", "Marsden", "Norcross", "Oldham", "Pickering",
        "Quarmby", "Rushton", "Sutcliffe", "Thwaite", "Uttley", "Varley", "Whitworth", "Yates"]


@dataclass
class Force:
    iri: ox.NamedNode
    slug: str
    label: str
    region: str
    chief: ox.NamedNode
    body: ox.NamedNode
    body_is_pcc: bool


@dataclass
class Agreement:
    iri: ox.NamedNode
    label: str
    collaboration: ox.NamedNode
    collaboration_label: str
    forces: list
    in_force: date
    review: date
    expiry: date
    chiefs_only: bool
    joined: dict = field(default_factory=dict)  # force slug -> date it joined by amendment
    left: set = field(default_factory=set)  # slugs of forces that stepped back (they do not rejoin)


class Document:
    """One source document: its description and passages in the provenance graph, facts in
    passage graphs. The document's 'text' is its excerpts; its sha256 is of that text."""

    def __init__(self, out: list, number: int, kind: str, title: str, day: date, issuer, addressed_to=None):
        self.out, self.slug, self.kind, self.title, self.day = out, f"syn-{number:06d}", kind, title, day
        self.iri = iri(f"document/{self.slug}")
        self.issuer, self.addressed_to = issuer, addressed_to
        self.number = number
        self.excerpts: list[str] = []
        self.meta: list = []
        self.passages = 0

    def passage(self, locator: str, excerpt: str) -> ox.NamedNode:
        self.passages += 1
        g = iri(f"passage/{self.slug}/p{self.passages}")
        self.meta += [
            ox.Quad(g, A, term("fg:Passage"), PROVENANCE),
            ox.Quad(g, term("fg:document"), self.iri, PROVENANCE),
            ox.Quad(g, term("fg:locator"), lit(locator), PROVENANCE),
            ox.Quad(g, term("fg:excerpt"), lit(excerpt), PROVENANCE),
        ]
        self.excerpts.append(excerpt)
        return g

    def close(self) -> None:
        d, P = self.iri, PROVENANCE
        text = "\n".join(self.excerpts)
        head = [
            ox.Quad(d, A, term(f"fg:{self.kind}"), P),
            ox.Quad(d, term("dcterms:title"), lit(self.title), P),
            ox.Quad(d, term("dcterms:date"), lit(self.day), P),
            ox.Quad(d, term("fg:issuedBy"), self.issuer, P),
            ox.Quad(d, term("fg:seedFile"), lit(f"synthetic/{self.slug}.txt"), P),
            ox.Quad(d, term("fg:sha256"), lit(hashlib.sha256(text.encode()).hexdigest()), P),
        ]
        if self.kind == "DecisionRecord":
            head.append(ox.Quad(d, term("dcterms:identifier"), lit(f"SYN {self.number:06d}"), P))
        if self.addressed_to is not None:
            head.append(ox.Quad(d, term("fg:addressedTo"), self.addressed_to, P))
        self.out += head + self.meta


# The generator scales the seed graph (seeds/ and reference/), whose every agreement names its
# parties; documents brought in later are not its template.
_NOT_TEMPLATE = ("corpus", "documents")


def _base_files(base: Path) -> list[Path]:
    return [f for f in sorted(base.rglob("*.trig")) if not _outside_template(f, base)]


def _outside_template(f: Path, base: Path) -> bool:
    return any(part in _NOT_TEMPLATE for part in f.relative_to(base).parts)


def national_registry(base: Path) -> list[Force]:
    """The nation's forces with a chief officer and a policing body, from the real reference data."""
    store = ox.Store()
    for f in _base_files(base):
        store.bulk_load(path=str(f), format=ox.RdfFormat.TRIG)
    rows = store.query(
        """PREFIX fg: <https://w3id.org/forcegraph/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?force ?id ?label ?region ?chief ?body ?isPcc WHERE {
          ?force a fg:PoliceForce ; fg:forceId ?id ; rdfs:label ?label ; fg:hasChiefOfficer ?chief ; fg:hasPolicingBody ?body .
          OPTIONAL { ?force fg:region ?region }
          BIND(EXISTS { ?body a fg:PoliceAndCrimeCommissioner } AS ?isPcc)
        } ORDER BY ?id DESC(?isPcc) ?body""",
        use_default_graph_as_union=True,
    )
    forces: dict[str, Force] = {}
    for r in rows:
        fid = r["id"].value
        if fid in forces:  # a force with two policing bodies: keep its PCC
            continue
        region = r["region"].value.rsplit("/", 1)[-1] if r["region"] is not None else "national"
        forces[fid] = Force(r["force"], fid, r["label"].value, region, r["chief"], r["body"], r["isPcc"].value == "true")
    return list(forces.values())


class Generator:
    def __init__(self, forces: list[Force], seed: int):
        self.rng = random.Random(seed)
        self.forces = forces
        self.regions: dict[str, list[Force]] = {}
        for f in forces:
            self.regions.setdefault(f.region, []).append(f)
        self.region_names = sorted(self.regions)
        self.agreements: list[Agreement] = []
        self.summits: dict[str, ox.NamedNode] = {}
        self.national = iri("body/syn-national-collaboration-board")
        self.people: dict[tuple, tuple] = {}
        self.docs = 0
        self.quads: list = []

    # --- shared pieces ----------------------------------------------------------------------

    def day(self, start=date(2012, 11, 22), end=date(2025, 12, 31)) -> date:
        return start + timedelta(days=self.rng.randrange((end - start).days))

    def pcc_holder(self, force: Force, day: date):
        """The person holding the policing body's office at a date (one per election term)."""
        term_start = max(y for y in (2012, 2016, 2021, 2024) if date(y, 5, 1) <= day or y == 2012)
        key = (force.slug, term_start)
        if key not in self.people:
            r = random.Random(f"{force.slug}-{term_start}")
            name = f"{r.choice(FIRST)} {r.choice(LAST)}"
            self.people[key] = (iri(f"person/syn-{force.slug}-{term_start}"), name)
        return self.people[key]

    def summit(self, doc: Document, region: str) -> ox.NamedNode:
        """The region's summit (and the national board above it), described once, where first cited."""
        if region in self.summits:
            return self.summits[region]
        body = self.summits[region] = iri(f"body/syn-{region}-summit")
        name = region.replace("-", " ").title()
        g = doc.passage("Governance", f"The {name} Collaboration Summit reports to the National Collaboration Board.")
        q = self.quads
        q += [ox.Quad(body, A, term("fg:GovernanceBody"), g), ox.Quad(body, LABEL, lit(f"{name} Collaboration Summit (synthetic)"), g),
              ox.Quad(body, term("fg:reportsTo"), self.national, g), ox.Quad(body, term("fg:meetingFrequency"), lit("quarterly"), g)]
        q += [ox.Quad(body, term("fg:member"), f.body, g) for f in self.regions[region]]
        if len(self.summits) == 1:
            q += [ox.Quad(self.national, A, term("fg:GovernanceBody"), g),
                  ox.Quad(self.national, LABEL, lit("National Collaboration Board (synthetic)"), g)]
        return body

    def pick_forces(self, home: Force) -> list[Force]:
        """Mostly a few forces of one region; now and then a national agreement of up to 10."""
        pool = [f for f in self.regions[home.region] if f is not home]
        if pool and self.rng.random() < 0.8:
            k = min(len(pool), 1 + min(int(self.rng.expovariate(0.7)), 6))
        else:
            pool = [f for f in self.forces if f is not home]
            k = self.rng.randint(3, 9)
        return [home] + self.rng.sample(pool, max(1, k))

    # --- documents --------------------------------------------------------------------------

    def new_doc(self, kind, title, day, issuer, addressed_to=None) -> Document:
        self.docs += 1
        return Document(self.quads, self.docs, kind, title, day, issuer, addressed_to)

    def agreement_document(self) -> None:
        rng, q = self.rng, self.quads
        home = rng.choice(self.forces)
        forces = self.pick_forces(home)
        chiefs_only = rng.random() < 0.3 or len(forces) > 10
        n = self.docs + 1
        function = rng.choice(FUNCTIONS)
        region = home.region.replace("-", " ").title()
        kind_class, kind_word = rng.choice(COLLABORATION_KINDS)
        agreement_class = rng.choices([k for k, _ in AGREEMENT_KINDS], [w for _, w in AGREEMENT_KINDS])[0]
        collab_label = f"{region} {function} {kind_word} {n:06d}"
        agreement_label = f"Section 22A agreement for the {collab_label}"
        signed = self.day()
        in_force = signed + timedelta(days=rng.randint(0, 90))
        review = in_force + timedelta(days=365 * rng.randint(1, 3))
        expiry = review + timedelta(days=365 * rng.randint(1, 3))
        doc = self.new_doc("DecisionRecord", f"Decision to sign the {agreement_label}", signed, home.body)
        ag, co = iri(f"agreement/syn-{n:06d}"), iri(f"collaboration/syn-{n:06d}")
        parties = [f.chief for f in forces] + ([] if chiefs_only else [f.body for f in forces])
        names = ", ".join(f.label for f in forces)

        g = doc.passage("Subject", f"{agreement_label} under section 22A of the Police Act 1996")
        q += [ox.Quad(ag, A, term(f"fg:{agreement_class}"), g), ox.Quad(ag, LABEL, lit(agreement_label), g),
              ox.Quad(ag, term("fg:legalBasis"), S22A, g), ox.Quad(ag, term("fg:establishes"), co, g)]
        g = doc.passage("1.1", f"The agreement is made between the chief officers{'' if chiefs_only else ' and policing bodies'} of {names}.")
        q += [ox.Quad(ag, term("fg:party"), p, g) for p in parties]
        g = doc.passage("1.2", f"The agreement is made between {len(parties)} corporations sole.")
        count = iri(f"count/syn-{n:06d}-parties")
        stated = len(parties) + (rng.choice((-1, 1)) if rng.random() < 0.03 else 0)
        q += [ox.Quad(count, A, term("fg:StatedCount"), g), ox.Quad(count, LABEL, lit(f"parties to the {agreement_label}"), g),
              ox.Quad(count, term("fg:value"), lit(stated), g), ox.Quad(count, term("fg:about"), ag, g),
              ox.Quad(count, term("fg:countsProperty"), term("fg:party"), g)]
        g = doc.passage("6.1", f"The agreement comes into force on {in_force:%d %B %Y}, is reviewed by {review:%d %B %Y} and expires on {expiry:%d %B %Y}.")
        q += [ox.Quad(ag, term("fg:signedDate"), lit(signed), g), ox.Quad(ag, term("fg:inForceDate"), lit(in_force), g),
              ox.Quad(ag, term("fg:reviewDate"), lit(review), g), ox.Quad(ag, term("fg:expiryDate"), lit(expiry), g)]

        lead = rng.choice(forces)
        g = label_passage = doc.passage("2.1", f"The {collab_label} brings together {names}, led by {lead.label}.")
        q += [ox.Quad(co, A, term(f"fg:{kind_class}"), g), ox.Quad(co, LABEL, lit(collab_label), g),
              ox.Quad(co, term("fg:leadForce"), lead.iri, g)]
        q += [ox.Quad(co, term("fg:member"), f.iri, g) for f in forces]
        if rng.random() < 0.3:
            host = rng.choice(forces)
            g = doc.passage("2.2", f"{host.label} hosts the {collab_label}.")
            q.append(ox.Quad(co, term("fg:hostForce"), host.iri, g))
        if rng.random() < 0.15:
            q.append(ox.Quad(co, term("skos:altLabel"), lit(f"{function} {n:06d}"), g))

        # Service areas and services, each area led by a member.
        for a in range(rng.choice((0, 1, 1, 2))):
            area, area_lead = iri(f"service-area/syn-{n:06d}-{a}"), rng.choice(forces)
            area_label = f"{function} Services {n:06d}-{a}"
            g = doc.passage(f"3.{a + 1}", f"{area_label}, led by {area_lead.label}, are delivered by the {collab_label}.")
            q += [ox.Quad(area, A, term("fg:ServiceArea"), g), ox.Quad(area, LABEL, lit(area_label), g),
                  ox.Quad(area, term("fg:leadForce"), area_lead.iri, g), ox.Quad(area, term("fg:deliveredBy"), co, g),
                  ox.Quad(co, term("fg:delivers"), area, g)]
            for s in range(rng.randint(1, 4)):
                service = iri(f"service/syn-{n:06d}-{a}-{s}")
                service_label = f"{rng.choice(FUNCTIONS)} service {n:06d}-{a}-{s}"
                g = doc.passage(f"3.{a + 1}.{s + 1}", f"The {service_label} forms part of {area_label}.")
                q += [ox.Quad(service, A, term("fg:Service"), g), ox.Quad(service, LABEL, lit(service_label), g),
                      ox.Quad(service, term("fg:serviceArea"), area, g)]
                if rng.random() < 0.3:
                    q.append(ox.Quad(service, term("fg:leadForce"), rng.choice(forces).iri, g))

        # The board that oversees it, under the regional summit.
        body, chair = iri(f"body/syn-{n:06d}"), rng.choice(parties)
        g = doc.passage("4.1", f"A {collab_label} Board oversees the collaboration and reports to the regional summit.")
        summit = self.summit(doc, home.region)
        q += [ox.Quad(body, A, term("fg:GovernanceBody"), g), ox.Quad(body, LABEL, lit(f"{collab_label} Board"), g),
              ox.Quad(body, term("fg:oversees"), co, g), ox.Quad(body, term("fg:reportsTo"), summit, g),
              ox.Quad(body, term("fg:chair"), chair, g), ox.Quad(body, term("fg:establishedBy"), ag, g),
              ox.Quad(body, term("fg:meetingFrequency"), lit(rng.choice(FREQUENCIES)), g)]
        q += [ox.Quad(body, term("fg:member"), p, g) for p in parties]

        self.decision(doc, ag, agreement_label, home, signed, body)
        if rng.random() < 0.6:
            self.money(doc, co, collab_label, home, signed, "budget")
        if rng.random() < 0.02:
            self.recorded_conflict(doc, co, collab_label, label_passage)
        doc.close()
        self.agreements.append(Agreement(ag, agreement_label, co, collab_label, forces, in_force, review, expiry, chiefs_only))

    def decision(self, doc: Document, approves, what: str, home: Force, day: date, body) -> None:
        q, n = self.quads, doc.number
        decision = iri(f"decision/syn-{n:06d}")
        g = doc.passage("Decision", f"To approve the {what}.")
        q += [ox.Quad(decision, A, term("fg:Decision"), g), ox.Quad(decision, LABEL, lit(f"SYN {n:06d}: to approve the {what}"), g),
              ox.Quad(decision, term("dcterms:identifier"), lit(f"SYN {n:06d}"), g),
              ox.Quad(decision, term("fg:decidedBy"), home.body, g), ox.Quad(decision, term("fg:approves"), approves, g),
              ox.Quad(decision, term("fg:recordedIn"), doc.iri, g), ox.Quad(decision, term("fg:date"), lit(day), g)]
        meeting = iri(f"meeting/syn-{n:06d}-{day.isoformat()}")
        g = doc.passage("Decision Summary", f"The board discussed the proposal at its meeting on {day:%d %B %Y}.")
        q += [ox.Quad(meeting, A, term("fg:Meeting"), g), ox.Quad(meeting, LABEL, lit(f"Board meeting, {day:%d %B %Y} ({n:06d})"), g),
              ox.Quad(meeting, term("fg:meetingOf"), body, g), ox.Quad(meeting, term("fg:date"), lit(day), g),
              ox.Quad(decision, term("fg:discussedAt"), meeting, g)]
        if home.body_is_pcc:
            person, name = self.pcc_holder(home, day)
            g = doc.passage("Signature", f"{name}, Police and Crime Commissioner")
            q += [ox.Quad(decision, term("fg:signedBy"), person, g), ox.Quad(person, A, term("fg:Person"), g),
                  ox.Quad(person, LABEL, lit(name), g), ox.Quad(home.body, term("fg:officeHolder"), person, g)]

    def money(self, doc: Document, collaboration, label: str, home: Force, day: date, measure: str) -> None:
        q = self.quads
        year = financial_year(day)
        figure = iri(f"money/syn-{doc.number:06d}-{measure}")
        amount = self.rng.randrange(20, 4000) * 1000
        g = doc.passage("5.1", f"The {measure.replace('-', ' ')} for the {label} in {year} is £{amount:,}.")
        q += [ox.Quad(figure, A, term("fg:MoneyFigure"), g), ox.Quad(figure, LABEL, lit(f"{label}: {measure.replace('-', ' ')} {year}"), g),
              ox.Quad(figure, term("fg:amountGBP"), money(amount), g), ox.Quad(figure, term("fg:financialYear"), lit(year), g),
              ox.Quad(figure, term("fg:measure"), iri(f"measure/{measure}"), g), ox.Quad(figure, term("fg:organisation"), home.body, g),
              ox.Quad(figure, term("fg:about"), collaboration, g)]
        if day > date(2025, 3, 31):
            q.append(ox.Quad(figure, term("fg:projected"), lit(True), g))

    def recorded_conflict(self, doc: Document, thing, label: str, first) -> None:
        """A passage that misspells a name, and the curator's record of it."""
        q = self.quads
        misspelt = label.replace("a", "e", 1) if "a" in label else label + "s"
        g = doc.passage("Appendix A", f"The {misspelt} is referred to throughout this appendix.")
        q.append(ox.Quad(thing, term("skos:hiddenLabel"), lit(misspelt), g))
        conflict = iri(f"conflict/syn-{doc.number:06d}")
        q += [ox.Quad(conflict, A, term("fg:Conflict"), CONFLICTS), ox.Quad(conflict, LABEL, lit(f"Misspelt name: {misspelt}"), CONFLICTS),
              ox.Quad(conflict, term("rdfs:comment"), lit(f"Appendix A writes '{misspelt}' for the {label}."), CONFLICTS),
              ox.Quad(conflict, term("fg:conflictAbout"), thing, CONFLICTS),
              ox.Quad(conflict, term("fg:conflictPassage"), first, CONFLICTS), ox.Quad(conflict, term("fg:conflictPassage"), g, CONFLICTS)]

    def change_document(self) -> None:
        """An amendment that adds a force (who joins the collaboration) or removes one (who steps
        back), or an extension."""
        rng, q = self.rng, self.quads
        ag = rng.choice(self.agreements)
        home = ag.forces[0]
        n = self.docs + 1
        day = ag.in_force + timedelta(days=rng.randint(60, max(61, (ag.expiry - ag.in_force).days - 30)))
        day = min(day, date(2025, 12, 31))
        outsiders = [f for f in self.regions[home.region] + self.forces if f not in ag.forces and f.slug not in ag.left]
        # Only a force that joined before this day (or was there from the start) can step back.
        leavers = [f for f in ag.forces[1:] if ag.joined.get(f.slug, ag.in_force) < day]
        roll = rng.random()
        if roll < 0.5 and outsiders and len(ag.forces) < 10:
            force, joining = rng.choice(outsiders), True
        elif roll < 0.65 and len(leavers) > 1:
            force, joining = rng.choice(leavers), False
        else:
            force = None
        if force is not None:
            verb = "joins" if joining else "steps back from"
            change, label = iri(f"amendment/syn-{n:06d}"), f"Amendment {n:06d} to the {ag.label}: {force.label} {verb.split()[0]}"
            doc = self.new_doc("DecisionRecord", f"Decision to sign the {label}", day, home.body)
            g = doc.passage("Subject", f"The amended agreement records that {force.label} {verb} the {ag.collaboration_label}.")
            q += [ox.Quad(change, A, term("fg:Amendment"), g), ox.Quad(change, LABEL, lit(label), g),
                  ox.Quad(change, term("fg:amends"), ag.iri, g), ox.Quad(change, term("fg:inForceDate"), lit(day), g),
                  ox.Quad(change, term("fg:legalBasis"), S22A, g)]
            changed = term("fg:addsParty" if joining else "fg:removesParty")
            q += [ox.Quad(change, changed, p, g) for p in [force.chief] + ([] if ag.chiefs_only else [force.body])]
            collab_slug = ag.collaboration.value.rsplit("/", 1)[-1]
            membership, event = iri(f"membership/{collab_slug}/{force.slug}"), iri(f"event/syn-{n:06d}-{'joining' if joining else 'stepping-back'}")
            g = doc.passage("1.1", f"{force.label} {verb} the {ag.collaboration_label} from {day:%d %B %Y}.")
            q += [ox.Quad(membership, A, term("fg:Membership"), g), ox.Quad(membership, term("org:member"), force.iri, g),
                  ox.Quad(membership, term("org:organization"), ag.collaboration, g),
                  ox.Quad(membership, term("fg:startDate" if joining else "fg:endDate"), lit(day), g),
                  ox.Quad(event, A, term("fg:Joining" if joining else "fg:SteppingBack"), g),
                  ox.Quad(event, LABEL, lit(f"{force.label} {verb} the {ag.collaboration_label}"), g),
                  ox.Quad(event, term("fg:agent"), force.iri, g), ox.Quad(event, term("fg:affects"), ag.collaboration, g),
                  ox.Quad(event, term("fg:date"), lit(day), g)]
            if joining:
                q.append(ox.Quad(ag.collaboration, term("fg:member"), force.iri, g))
                ag.forces.append(force)
                ag.joined[force.slug] = day
            else:
                ag.forces.remove(force)
                ag.left.add(force.slug)
            if ag.review > day:
                g = doc.passage("1.2", f"The amended agreement is reviewed by {ag.review:%d %B %Y}.")
                q.append(ox.Quad(change, term("fg:reviewDate"), lit(ag.review), g))
        else:
            change, label = iri(f"extension/syn-{n:06d}"), f"Extension {n:06d} of the {ag.label}"
            doc = self.new_doc("DecisionRecord", f"Decision to sign the {label}", day, home.body)
            ag.expiry = max(ag.expiry, day) + timedelta(days=365 * rng.randint(1, 3))
            g = doc.passage("Subject", f"To extend the {ag.label} to {ag.expiry:%d %B %Y}.")
            q += [ox.Quad(change, A, term("fg:Extension"), g), ox.Quad(change, LABEL, lit(label), g),
                  ox.Quad(change, term("fg:extends"), ag.iri, g), ox.Quad(change, term("fg:expiryDate"), lit(ag.expiry), g)]
        self.decision(doc, change, label, home, day, self.summit(doc, home.region))
        doc.close()

    def finance_document(self) -> None:
        """A yearly report on a collaboration's spend and savings."""
        ag = self.rng.choice(self.agreements)
        home = self.rng.choice(ag.forces)
        day = min(date(2025, 12, 31), ag.in_force + timedelta(days=self.rng.randint(200, 1500)))
        doc = self.new_doc("Report", f"{ag.collaboration_label}: annual finance report", day, home.body, self.summit_of(home))
        for measure in ("spend-on-collaboration", "savings-from-collaboration"):
            self.money(doc, ag.collaboration, ag.collaboration_label, home, day, measure)
        doc.close()

    def summit_of(self, force: Force):
        return self.summits.get(force.region)

    def document(self) -> None:
        roll = self.rng.random()
        if not self.agreements or roll < 0.55:
            self.agreement_document()
        elif roll < 0.8:
            self.change_document()
        else:
            self.finance_document()


def generate(out: Path, triples: int, seed: int = 7, base: Path = REPO / "graph") -> int:
    """Write the base graph and synthetic documents into `out` (replaced); return the quad count."""
    base_store = ox.Store()
    for f in _base_files(base):
        base_store.bulk_load(path=str(f), format=ox.RdfFormat.TRIG)
    gen = Generator(national_registry(base), seed)
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(base, out / "base", ignore=lambda folder, names: [n for n in names if n in _NOT_TEMPLATE])
    total, files = len(base_store), 0
    while total < triples:
        start = len(gen.quads)
        gen.document()
        total += len(gen.quads) - start
        if gen.docs % DOCS_PER_FILE == 0 or total >= triples:
            files += 1
            (out / "synthetic").mkdir(exist_ok=True)
            ox.serialize(gen.quads, out / "synthetic" / f"syn-{files:04d}.trig", format=ox.RdfFormat.TRIG, prefixes=PREFIXES)
            gen.quads = []
    return total


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=10_000, help="about how many quads to write (default 10000)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write (replaced)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    total = generate(args.out, args.triples, args.seed)
    print(f"wrote {total} quads to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
