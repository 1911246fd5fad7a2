// A SPARQL 1.1 Protocol and Graph Store Protocol server in which Apache Jena (ARQ, an in-memory
// dataset) answers, with Oxigraph's endpoint layout (/query, /update, /store): a stand-in for
// Fuseki, which Debian does not package, so that `forcegraph push --store` and `query --store`
// are tested against Jena. Run by scripts/jena:  scripts/jena scripts/JenaStore.java PORT
// It keeps its default graph apart from the named graphs, as Fuseki does. Not for production:
// no authentication, one request at a time.
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.jena.graph.Graph;
import org.apache.jena.graph.NodeFactory;
import org.apache.jena.query.*;
import org.apache.jena.rdf.model.Model;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFDataMgr;
import org.apache.jena.sparql.core.DatasetGraph;
import org.apache.jena.sparql.core.DatasetGraphFactory;
import org.apache.jena.sparql.graph.GraphFactory;
import org.apache.jena.update.UpdateAction;

public class JenaStore {
    static final DatasetGraph data = DatasetGraphFactory.createGeneral();

    public static void main(String[] args) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 0);
        server.createContext("/query", JenaStore::query);
        server.createContext("/update", JenaStore::update);
        server.createContext("/store", JenaStore::store);
        server.start();
        System.err.println("JenaStore listening on 127.0.0.1:" + args[0]);
    }

    static Map<String, String> params(HttpExchange x) {
        Map<String, String> out = new HashMap<>();
        String q = x.getRequestURI().getRawQuery();
        if (q != null) for (String pair : q.split("&")) {
            String[] kv = pair.split("=", 2);
            out.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
        return out;
    }

    static String body(HttpExchange x) throws java.io.IOException {
        try (InputStream in = x.getRequestBody()) { return new String(in.readAllBytes(), StandardCharsets.UTF_8); }
    }

    static void reply(HttpExchange x, int status, String type, byte[] bytes) throws java.io.IOException {
        if (type != null) x.getResponseHeaders().set("Content-Type", type);
        x.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = x.getResponseBody()) { out.write(bytes); }
    }

    static synchronized void query(HttpExchange x) throws java.io.IOException {
        try {
            Query q = QueryFactory.create(body(x));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (QueryExecution exec = QueryExecutionFactory.create(q, DatasetFactory.wrap(data))) {
                if (q.isSelectType()) ResultSetFormatter.outputAsJSON(out, exec.execSelect());
                else if (q.isAskType()) ResultSetFormatter.outputAsJSON(out, exec.execAsk());
                else {
                    Model m = q.isConstructType() ? exec.execConstruct() : exec.execDescribe();
                    RDFDataMgr.write(out, m, Lang.NTRIPLES);
                    reply(x, 200, "application/n-triples", out.toByteArray());
                    return;
                }
            }
            reply(x, 200, "application/sparql-results+json", out.toByteArray());
        } catch (Exception e) {
            reply(x, 400, "text/plain", String.valueOf(e.getMessage()).getBytes(StandardCharsets.UTF_8));
        }
    }

    static synchronized void update(HttpExchange x) throws java.io.IOException {
        try {
            UpdateAction.parseExecute(body(x), data);
            reply(x, 204, null, new byte[0]);
        } catch (Exception e) {
            reply(x, 400, "text/plain", String.valueOf(e.getMessage()).getBytes(StandardCharsets.UTF_8));
        }
    }

    static synchronized void store(HttpExchange x) throws java.io.IOException {
        try {
            Map<String, String> p = params(x);
            String method = x.getRequestMethod();
            Graph target = p.containsKey("graph") ? data.getGraph(NodeFactory.createURI(p.get("graph")))
                         : p.containsKey("default") ? data.getDefaultGraph() : null;
            if (method.equals("GET")) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                if (target == null) RDFDataMgr.write(out, data, Lang.NQUADS);
                else RDFDataMgr.write(out, target, Lang.NTRIPLES);
                reply(x, 200, target == null ? "application/n-quads" : "application/n-triples", out.toByteArray());
                return;
            }
            String text = body(x);
            if (target == null) {  // a whole dataset, in N-Quads
                if (method.equals("PUT")) data.clear();
                RDFDataMgr.read(data, new java.io.StringReader(text), null, Lang.NQUADS);
            } else {
                Graph read = GraphFactory.createDefaultGraph();
                RDFDataMgr.read(read, new java.io.StringReader(text), null, Lang.NTRIPLES);
                if (method.equals("PUT")) target.clear();
                read.find().forEachRemaining(target::add);
            }
            reply(x, 204, null, new byte[0]);
        } catch (Exception e) {
            reply(x, 400, "text/plain", String.valueOf(e.getMessage()).getBytes(StandardCharsets.UTF_8));
        }
    }
}
