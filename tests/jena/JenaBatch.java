// Many Jena runs in one JVM, for the partner tests: a JVM start costs seconds, and the tests ask
// Jena dozens of questions. Run by scripts/jena, which puts Debian's Jena on the class path:
//   scripts/jena tests/jena/JenaBatch.java query ASSEMBLER OUTDIR QUERY.rq…
//     each query against the dataset the assembler describes (as `tdb2.tdbquery --desc`),
//     its answer written as OUTDIR/NAME.csv (as `--results csv`)
//   scripts/jena tests/jena/JenaBatch.java shacl OUTDIR SHAPES DATA [SHAPES DATA]…
//     each pair validated (as `shacl validate`), the n-th report written as OUTDIR/n.ttl
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import org.apache.jena.graph.Graph;
import org.apache.jena.query.*;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFDataMgr;
import org.apache.jena.shacl.ShaclValidator;
import org.apache.jena.shacl.Shapes;
import org.apache.jena.shacl.ValidationReport;
import org.apache.jena.tdb2.TDB2Factory;

public class JenaBatch {
    public static void main(String[] args) throws Exception {
        if (args[0].equals("query")) {
            Dataset dataset = TDB2Factory.assembleDataset(args[1]);
            for (int i = 3; i < args.length; i++) {
                String name = Path.of(args[i]).getFileName().toString().replaceFirst("\\.rq$", "");
                Query query = QueryFactory.read(args[i]);
                try (OutputStream out = new FileOutputStream(Path.of(args[2], name + ".csv").toFile())) {
                    dataset.begin(ReadWrite.READ);
                    try (QueryExecution exec = QueryExecutionFactory.create(query, dataset)) {
                        ResultSetFormatter.outputAsCSV(out, exec.execSelect());
                    } finally {
                        dataset.end();
                    }
                }
            }
        } else if (args[0].equals("shacl")) {
            for (int i = 2, n = 0; i + 1 < args.length; i += 2, n++) {
                Shapes shapes = Shapes.parse(RDFDataMgr.loadGraph(args[i]));
                Graph data = RDFDataMgr.loadGraph(args[i + 1]);
                ValidationReport report = ShaclValidator.get().validate(shapes, data);
                try (OutputStream out = new FileOutputStream(Path.of(args[1], n + ".ttl").toFile())) {
                    RDFDataMgr.write(out, report.getModel(), Lang.TTL);
                }
            }
        } else {
            System.err.println("JenaBatch: expected query or shacl, got " + args[0]);
            System.exit(2);
        }
    }
}
