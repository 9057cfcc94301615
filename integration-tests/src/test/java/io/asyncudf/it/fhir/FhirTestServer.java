package io.asyncudf.it.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.FifoMemoryPagingProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import java.util.List;
import org.eclipse.jetty.ee9.servlet.ServletContextHandler;
import org.eclipse.jetty.ee9.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;

/**
 * A real HAPI FHIR R4 server in an embedded Jetty on a free port of 127.0.0.1, holding
 * resources in memory, for tests.
 *
 * <p>It serves Patient and Observation: create (honouring {@code If-None-Exist:
 * identifier=[system|]value}), read, vread, update (a PUT may create a resource with a client id
 * that is not purely numeric), delete, history, search (all, {@code _id}, {@code identifier}); a
 * system-level batch and transaction endpoint ({@link BatchTransactionProvider}); and
 * {@code Patient/$merge} ({@link PatientMergeOperation}). Responses default to JSON.
 *
 * <p>Searches are paged: {@code _count} (default {@link #DEFAULT_PAGE_SIZE}, capped at
 * {@link #MAX_PAGE_SIZE}) resources per page, and {@code link[next]} is an absolute URL a client
 * follows verbatim. A search's results are a snapshot taken when it ran; the server keeps the
 * last {@link #STORED_SEARCHES} searches for paging.
 */
public final class FhirTestServer implements AutoCloseable {

  public static final int DEFAULT_PAGE_SIZE = 50;
  public static final int MAX_PAGE_SIZE = 1000;
  public static final int STORED_SEARCHES = 1000;

  private final Server jetty;
  private final ResourceStore store;
  private final String baseUrl;

  private FhirTestServer(Server jetty, ResourceStore store, String baseUrl) {
    this.jetty = jetty;
    this.store = store;
    this.baseUrl = baseUrl;
  }

  /** Starts a server with {@link #DEFAULT_PAGE_SIZE}. */
  public static FhirTestServer start() {
    return start(DEFAULT_PAGE_SIZE);
  }

  /**
   * Starts a server whose searches return {@code defaultPageSize} resources per page unless
   * {@code _count} says otherwise. The first start in a JVM pays HAPI's R4 model scan (about
   * 3 s on two idle cores); later starts share {@link FhirContext#forR4Cached()} and take tens of
   * milliseconds.
   */
  public static FhirTestServer start(int defaultPageSize) {
    if (defaultPageSize < 1 || defaultPageSize > MAX_PAGE_SIZE) {
      throw new IllegalArgumentException(
          "defaultPageSize must be in [1, " + MAX_PAGE_SIZE + "], got " + defaultPageSize);
    }
    FhirContext fhir = FhirContext.forR4Cached();
    InMemoryResourceProvider<Patient> patients = new InMemoryResourceProvider<>(fhir, Patient.class);
    ResourceStore store = new ResourceStore(
        List.of(patients, new InMemoryResourceProvider<>(fhir, Observation.class)));

    RestfulServer restful = new RestfulServer(fhir);
    restful.registerProviders(store.providers());
    restful.registerProviders(
        List.of(new BatchTransactionProvider(store), new PatientMergeOperation(patients)));
    restful.setPagingProvider(new FifoMemoryPagingProvider(STORED_SEARCHES)
        .setDefaultPageSize(defaultPageSize)
        .setMaximumPageSize(MAX_PAGE_SIZE));
    restful.setDefaultResponseEncoding(EncodingEnum.JSON);

    QueuedThreadPool threads = new QueuedThreadPool();
    threads.setName("fhir-test-server");
    threads.setDaemon(true);
    Server jetty = new Server(threads);
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    ServletHolder servlet = new ServletHolder(restful);
    servlet.setInitOrder(1);
    context.addServlet(servlet, "/fhir/*");
    jetty.setHandler(context);
    try {
      jetty.start();
    } catch (Exception e) {
      stop(jetty);
      throw new IllegalStateException("FHIR test server did not start", e);
    }
    return new FhirTestServer(jetty, store, "http://127.0.0.1:" + connector.getLocalPort() + "/fhir");
  }

  /** The FHIR base, {@code http://127.0.0.1:PORT/fhir}, without a trailing slash. */
  public String baseUrl() {
    return baseUrl;
  }

  /** Resources of {@code resourceType} currently stored and not deleted; a type not served throws. */
  public int resourceCount(String resourceType) {
    return store.provider(resourceType).liveCount();
  }

  /** Forgets every resource, its history and the id sequence, as if freshly started. */
  public void clear() {
    store.atomically(() -> {
      store.providers().forEach(InMemoryResourceProvider::clear);
      return null;
    });
  }

  @Override
  public void close() {
    stop(jetty);
  }

  private static void stop(Server jetty) {
    try {
      jetty.stop();
    } catch (Exception e) {
      throw new IllegalStateException("FHIR test server did not stop", e);
    }
  }
}
