"""The briefing and the path finder, worked out by hand from the seed documents
(/work/shared/seeds/004: the Seven Force agreement, its 2019 extension, the Chiltern Transport
Consortium agreement and its 2019 amendment; 003: Cambridgeshire's spending and savings table)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from forcegraph import paths, report

from conftest import SEED_ARGS

ID = "https://w3id.org/forcegraph/id/"
SEVEN = ID + "agreement/seven-force-s22a-2015"
CTC = ID + "agreement/chiltern-transport-s22a-2016"
AS_OF = date(2019, 6, 1)


@pytest.fixture(scope="module")
def briefing(seed_kg):
    return report.build(seed_kg, AS_OF)


def steps(bar):
    return {(s["step"], s["date"].isoformat()) for s in bar.steps}


def bar(briefing, iri):
    return next(b for b in briefing.bars if b.agreement == iri)


def test_seven_force_timeline_dates_are_the_agreements(briefing):
    # Agreement 6.1: "shall come into force on 22 October 2015 and shall continue until 31 March
    # 2017 with a review of the Agreement at 21 October 2016"; CPCC 2019-007: "extended for a
    # further two years until 31st March 2021"; "the original agreement made in 2016".
    b = bar(briefing, SEVEN)
    assert (b.start, b.end, b.in_force) == (date(2015, 10, 22), date(2021, 3, 31), True)
    assert steps(b) == {("in force", "2015-10-22"), ("review", "2016-10-21"), ("expiry", "2017-03-31"),
                        ("extended to", "2021-03-31"), ("signed", "2016-01-01")}
    assert all(s["refs"] for s in b.steps)  # every marker has its passage


def test_chiltern_timeline_has_the_amendment_and_btp_joining(briefing):
    # CPCC 2019-008 / BCB 16 May 2019: the s22A agreement of December 2016, amended for British
    # Transport Police to join from 1 May 2019; reviews in March 2019 and by 30 April 2022.
    b = bar(briefing, CTC)
    assert (b.start, b.end, b.in_force) == (date(2016, 12, 1), None, True)
    assert {("signed", "2016-12-01"), ("amendment", "2019-05-01"), ("joining", "2019-05-01"),
            ("review", "2019-03-01"), ("review", "2022-04-30")} <= steps(b)
    joining = next(s for s in b.steps if s["step"] == "joining")
    assert joining["party"] == "Chief Constable of British Transport Police"


def test_due_in_the_next_twelve_months(seed_kg):
    # On 2016-06-01 the Seven Force review (21 October 2016) falls due within the year; the
    # expiry (31 March 2017) is ten months on and is due too.
    due = report.build(seed_kg, date(2016, 6, 1)).due
    assert [(d["step"], d["date"].isoformat()) for d in due if d["agreement"] == SEVEN] == [
        ("review", "2016-10-21"), ("expiry", "2017-03-31")]


def test_cambridgeshire_money_values_are_the_table_in_the_report(briefing):
    # Seed 003, 7.1: Spend £m 21.998 37.280 38.284 38.903 40.181; Savings £m 0.920 0.630 1.090 0.256 0.021
    figures = briefing.money["Cambridgeshire Constabulary"]
    spend = {f["year"]: float(f["amount"]) for f in figures if f["measure"] == "Spend on collaboration"}
    savings = {f["year"]: float(f["amount"]) for f in figures if f["measure"] == "Savings from collaboration"}
    assert spend == {"2016/17": 21_998_000, "2017/18": 37_280_000, "2018/19": 38_284_000,
                     "2019/20": 38_903_000, "2020/21": 40_181_000}
    assert savings == {"2016/17": 920_000, "2017/18": 630_000, "2018/19": 1_090_000,
                       "2019/20": 256_000, "2020/21": 21_000}
    assert {f["year"] for f in figures if f["projected"]} == {"2018/19", "2019/20", "2020/21"}
    assert all(f["refs"] for f in figures)
    assert "£21,998,000" in briefing.html


def test_the_path_from_thames_valley_to_cambridgeshire_goes_through_chiltern(seed_kg):
    found = paths.find(seed_kg, "Thames Valley Police", "Cambridgeshire Constabulary")
    best = found.paths[0]
    assert [found.label(n) for n in best.nodes] == [
        "Thames Valley Police", "Chiltern Transport Consortium", "Cambridgeshire Constabulary"]
    assert all(s.passages for s in best.steps)
    assert [p.length for p in found.paths] == sorted(p.length for p in found.paths)


def test_a_path_as_of_a_date_respects_when_btp_joined(seed_kg):
    # BTP joined the Chiltern Transport Consortium from 1 May 2019.
    before = paths.find(seed_kg, "Thames Valley Police", "British Transport Police", as_of=date(2018, 6, 1))
    after = paths.find(seed_kg, "Thames Valley Police", "British Transport Police", as_of=AS_OF)
    assert before.paths == []
    assert ID + "collaboration/chiltern-transport-consortium" in after.paths[0].nodes


def test_a_report_for_one_force_shows_only_what_concerns_it(seed_kg):
    kent = report.build(seed_kg, AS_OF, force="Kent")
    assert {b.agreement for b in kent.bars} == {SEVEN}  # Kent is party to the Seven Force agreement only
    assert set(kent.money) == {"Seven Force Strategic Collaboration Programme"}  # its budget; Kent is a member
    assert "Chiltern" not in kent.html.split('id="passages"')[0]
    cambs = report.build(seed_kg, AS_OF, force="Cambridgeshire")
    assert CTC in {b.agreement for b in cambs.bars}
    assert set(cambs.money) == {"Cambridgeshire Constabulary", "Bedfordshire, Cambridgeshire and Hertfordshire Strategic Policing Alliance",
                                "Seven Force Strategic Collaboration Programme"}


def test_report_cli_writes_html_and_pdf(run_cli, tmp_path):
    result = run_cli("report", *SEED_ARGS, "--as-of", "2019-06-01", "--region", "Eastern Region", "--out", tmp_path / "r", "-q")
    assert result.exit_code == 0, result.output
    assert "Report on Eastern Region as of 2019-06-01" in result.output
    assert (tmp_path / "r" / "report.html").read_text().startswith("<!doctype html>")
    assert (tmp_path / "r" / "report.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("args, words", [
    (("--force", "Kent", "--region", "Eastern Region"), "not both"),
    (("--force", "Atlantis"), "no force is called 'Atlantis'"),
    (("--as-of", "2019-02-30"), "is not a date"),
])
def test_report_cli_refuses_bad_input_and_writes_nothing(run_cli, tmp_path, args, words):
    result = run_cli("report", *SEED_ARGS, *args, "--out", tmp_path / "r", "-q")
    assert result.exit_code == 2
    assert words in result.output
    assert not (tmp_path / "r").exists()


def test_path_cli_json_and_unknown_name(run_cli):
    result = run_cli("path", "Thames Valley Police", "Cambridgeshire Constabulary", *SEED_ARGS, "--format", "json",
                     "--max-length", "2")
    assert result.exit_code == 0
    answer = json.loads(result.output)
    assert [n["label"] for n in answer["paths"][0]["nodes"]][1] == "Chiltern Transport Consortium"
    assert answer["paths"][0]["steps"][0]["passages"][0]["excerpt"]
    table = run_cli("path", "Thames Valley Police", "Cambridgeshire Constabulary", *SEED_ARGS, "--max-length", "2")
    assert table.output.splitlines()[2] == "1. Thames Valley Police → Chiltern Transport Consortium → Cambridgeshire Constabulary  (2 steps)"
    assert "   Chiltern Transport Consortium — member — Thames Valley Police" in table.output
    svg = run_cli("path", "Thames Valley Police", "Cambridgeshire Constabulary", *SEED_ARGS, "--format", "svg")
    assert svg.output.startswith("<?xml") and ">Chiltern Transport" in svg.output
    bad = run_cli("path", "Nowhere Constabulary", "Kent", *SEED_ARGS)
    assert bad.exit_code == 2 and "no entity is called 'Nowhere Constabulary'" in bad.output
