package io.asyncudf.fhir;

import com.fasterxml.jackson.databind.JsonNode;
import io.asyncudf.http.HttpStatusException;
import java.io.IOException;

/**
 * A FHIR server refused a request (non-2xx after retries). The message names the status, the
 * request and the OperationOutcome's issues (severity, code, diagnostics); when the body holds no
 * OperationOutcome, the start of the raw body instead.
 */
public class FhirException extends IOException {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final String request;
  private final transient JsonNode operationOutcome;

  FhirException(HttpStatusException cause) {
    this(cause.status(), cause.request(), FhirJson.operationOutcome(cause.body()), cause.bodySnippet(), cause);
  }

  FhirException(int status, String request, JsonNode operationOutcome, String rawBody, Throwable cause) {
    super("FHIR server answered HTTP " + status + " to " + request + ": "
        + (operationOutcome != null ? FhirJson.describeOutcome(operationOutcome) : rawBody), cause);
    this.status = status;
    this.request = request;
    this.operationOutcome = operationOutcome;
  }

  public int status() {
    return status;
  }

  /** {@code METHOD url}, secrets masked. */
  public String request() {
    return request;
  }

  /** The OperationOutcome the server sent, or null. */
  public JsonNode operationOutcome() {
    return operationOutcome;
  }
}
