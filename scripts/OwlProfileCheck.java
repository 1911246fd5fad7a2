// The OWL API's OWL 2 DL profile check over the union of the given ontology files: prints each
// violation and then "violations: N". Run by scripts/owl-dl-check (Debian's libowlapi-java).
import java.io.File;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.*;
import org.semanticweb.owlapi.profiles.*;

public class OwlProfileCheck {
    public static void main(String[] args) throws Exception {
        OWLOntologyManager m = OWLManager.createOWLOntologyManager();
        OWLOntology o = m.createOntology();
        for (String a : args) {
            OWLOntology part = m.loadOntologyFromOntologyDocument(new File(a));
            m.addAxioms(o, part.axioms());
        }
        OWLProfileReport r = new OWL2DLProfile().checkOntology(o);
        r.getViolations().forEach(v -> System.out.println(v));
        System.out.println("violations: " + r.getViolations().size());
    }
}
