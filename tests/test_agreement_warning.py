"""An agreement the documents mention without naming parties is a warning, not a violation."""

import forcegraph

from conftest import DATA


def test_agreement_without_named_parties_is_a_warning(tmp_path):
    extra = tmp_path / "unnamed.trig"
    extra.write_text("""
@prefix fg: <https://w3id.org/forcegraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/forcegraph/id/passage/test-doc/p1> {
  <https://w3id.org/forcegraph/id/agreement/unnamed> a fg:MemorandumOfUnderstanding ;
      rdfs:label "Unnamed-parties MoU" .
}
""")
    kg = forcegraph.load([DATA / "valid" / "minimal.trig", extra])
    forcegraph.reason(kg)
    report = forcegraph.validate(kg)
    assert report.conforms
    assert [w.focus_label for w in report.warnings] == ["Unnamed-parties MoU"]
    assert "name no parties" in report.text()
