package io.asyncudf.it.fhir;

import ca.uhn.fhir.rest.annotation.Transaction;
import ca.uhn.fhir.rest.annotation.TransactionParam;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.jetty.http.HttpStatus;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.BundleEntryResponseComponent;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Resource;

/**
 * {@code POST [base]} with a {@code batch} or {@code transaction} Bundle, dispatching each entry
 * ({@link BundleEntryRequest}) to the store's providers. The response Bundle
 * ({@code batch-response} / {@code transaction-response}) has one entry per request entry, in
 * order, with {@code response.status}:
 *
 * <ul>
 *   <li>POST: {@code 201 Created}; with {@code ifNoneExist} and one match {@code 200 OK} and
 *       nothing written, several matches {@code 412 Precondition Failed};
 *   <li>PUT: {@code 201 Created} for a new id, {@code 200 OK} for a new version;
 *   <li>GET: {@code 200 OK} with the resource in {@code entry.resource};
 *   <li>DELETE: {@code 204 No Content};
 *   <li>a missing target {@code 404 Not Found}, a deleted one (GET) {@code 410 Gone}, an entry
 *       that is malformed, of a type not served or whose PUT URL and resource ids differ
 *       {@code 400 Bad Request}.
 * </ul>
 *
 * <p>Successful POST, PUT and GET entries carry {@code response.location}
 * ({@code Type/id/_history/n}) and {@code response.etag} ({@code W/"n"}). In a batch every
 * entry stands alone: a failing one gets its 4xx status and an OperationOutcome in
 * {@code response.outcome}. A transaction is checked
 * whole before anything is written (shape, types, targets, conditional matches, and that no two
 * entries target the same {@code Type/id}); if any entry fails, nothing is written and the
 * request fails with the first failing entry's status and an OperationOutcome with one issue
 * per failing entry. Each entry, and a whole transaction, runs under
 * {@link ResourceStore#atomically}.
 */
public final class BatchTransactionProvider {

  private final ResourceStore store;

  BatchTransactionProvider(ResourceStore store) {
    this.store = store;
  }

  @Transaction
  public Bundle process(@TransactionParam Bundle bundle, RequestDetails request) {
    if (bundle.getType() == BundleType.BATCH) {
      return batch(bundle.getEntry(), request);
    }
    if (bundle.getType() == BundleType.TRANSACTION) {
      return transaction(bundle.getEntry(), request);
    }
    throw new InvalidRequestException(
        "Bundle.type must be batch or transaction, got " + bundle.getTypeElement().getValueAsString());
  }

  private Bundle batch(List<BundleEntryComponent> entries, RequestDetails request) {
    Bundle response = new Bundle().setType(BundleType.BATCHRESPONSE);
    for (int i = 0; i < entries.size(); i++) {
      BundleEntryComponent entry = entries.get(i);
      String where = "Bundle.entry[" + i + "]: ";
      response.addEntry(store.atomically(() -> {
        try {
          return execute(plan(BundleEntryRequest.parse(entry), request), request);
        } catch (BaseServerResponseException e) {
          return new BundleEntryComponent().setResponse(new BundleEntryResponseComponent()
              .setStatus(statusLine(e.getStatusCode()))
              .setOutcome(error(where + e.getMessage())));
        }
      }));
    }
    return response;
  }

  private Bundle transaction(List<BundleEntryComponent> entries, RequestDetails request) {
    return store.atomically(() -> {
      List<PlannedEntry> plans = new ArrayList<>();
      Set<String> targets = new HashSet<>();
      OperationOutcome failures = new OperationOutcome();
      int failureStatus = 0;
      for (int i = 0; i < entries.size(); i++) {
        try {
          PlannedEntry plan = plan(BundleEntryRequest.parse(entries.get(i)), request);
          String target = plan.request().target();
          if (target != null && !targets.add(target)) {
            throw new InvalidRequestException(target + " is the target of more than one entry");
          }
          plans.add(plan);
        } catch (BaseServerResponseException e) {
          failureStatus = failureStatus == 0 ? e.getStatusCode() : failureStatus;
          failures.addIssue(issue("Bundle.entry[" + i + "]: " + e.getMessage()));
        }
      }
      if (failures.hasIssue()) {
        String message = "Transaction rejected, nothing written: "
            + failures.getIssue().size() + " invalid entries";
        throw new UnclassifiedServerFailureException(failureStatus, message, failures);
      }
      Bundle response = new Bundle().setType(BundleType.TRANSACTIONRESPONSE);
      plans.forEach(plan -> response.addEntry(execute(plan, request)));
      return response;
    });
  }

  /** Everything that can fail, decided before anything is written. */
  private PlannedEntry plan(BundleEntryRequest entry, RequestDetails request) {
    InMemoryResourceProvider<?> provider = store.provider(entry.resourceType());
    return switch (entry.method()) {
      case POST -> new PlannedEntry(entry, provider, entry.ifNoneExist() == null
          ? null : provider.singleMatch(entry.ifNoneExist()).orElse(null));
      case PUT -> {
        provider.checkClientId(entry.id());
        yield new PlannedEntry(entry, provider, null);
      }
      case GET -> new PlannedEntry(entry, provider, provider.read(idOf(entry), request));
      case DELETE -> {
        if (!provider.hasEverExisted(entry.id())) {
          throw new ResourceNotFoundException(idOf(entry));
        }
        yield new PlannedEntry(entry, provider, null);
      }
      default -> throw new IllegalStateException("Unexpected method " + entry.method());
    };
  }

  private static BundleEntryComponent execute(PlannedEntry plan, RequestDetails request) {
    BundleEntryRequest entry = plan.request();
    InMemoryResourceProvider<?> provider = plan.provider();
    return switch (entry.method()) {
      case POST -> plan.found() != null
          ? written(200, plan.found().getIdElement())
          : written(201, provider.createUnconditionally(entry.resource(), request).getId());
      case PUT -> {
        entry.resource().setId(idOf(entry));
        MethodOutcome outcome = provider.put(entry.resource(), request);
        yield written(Boolean.TRUE.equals(outcome.getCreated()) ? 201 : 200, outcome.getId());
      }
      case GET -> written(200, plan.found().getIdElement()).setResource((Resource) plan.found());
      case DELETE -> {
        provider.delete(idOf(entry), request);
        yield new BundleEntryComponent()
            .setResponse(new BundleEntryResponseComponent().setStatus(statusLine(204)));
      }
      default -> throw new IllegalStateException("Unexpected method " + entry.method());
    };
  }

  private static IdType idOf(BundleEntryRequest entry) {
    return new IdType(entry.resourceType(), entry.id());
  }

  private static BundleEntryComponent written(int status, IIdType id) {
    return new BundleEntryComponent().setResponse(new BundleEntryResponseComponent()
        .setStatus(statusLine(status))
        .setLocation(id.toUnqualified().getValue())
        .setEtag("W/\"" + id.getVersionIdPart() + "\""));
  }

  private static String statusLine(int status) {
    return status + " " + HttpStatus.getMessage(status);
  }

  private static OperationOutcome error(String diagnostics) {
    return new OperationOutcome().addIssue(issue(diagnostics));
  }

  private static OperationOutcome.OperationOutcomeIssueComponent issue(String diagnostics) {
    return new OperationOutcome.OperationOutcomeIssueComponent()
        .setSeverity(IssueSeverity.ERROR)
        .setCode(IssueType.PROCESSING)
        .setDiagnostics(diagnostics);
  }

  /**
   * @param found the conditional-create match (POST) or the resource read (GET), else null
   */
  private record PlannedEntry(
      BundleEntryRequest request, InMemoryResourceProvider<?> provider, IBaseResource found) {}
}
