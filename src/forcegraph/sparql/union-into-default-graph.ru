# For a server whose default graph is not the union of its graphs: copy every named graph's
# triples into the default graph, so queries written for the union run there unchanged
# (remote.RemoteStore.push).
INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }
