package io.asyncudf.fhir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The outcome of one batch or transaction entry, from the response Bundle's entry at the same
 * position.
 *
 * @param status the HTTP status of the entry ({@code 201} from {@code "201 Created"})
 * @param location {@code response.location}, e.g. {@code Patient/123/_history/1}, or null
 * @param etag {@code response.etag}, or null
 * @param resourceId the id from the location (or the returned resource), or null
 * @param versionId the version from the location or etag, or null
 * @param resource the resource the server returned in the entry, or null
 * @param outcome the entry's OperationOutcome, or null
 */
public record FhirEntryResult(
    int status, String location, String etag, String resourceId, String versionId, JsonNode resource, JsonNode outcome) {

  /** True for a 2xx status. */
  public boolean isSuccess() {
    return status / 100 == 2;
  }

  static FhirEntryResult from(JsonNode entry) {
    JsonNode response = entry.path("response");
    String statusText = response.path("status").asText("");
    int status = parseStatus(statusText);
    String location = textOrNull(response.path("location"));
    String etag = textOrNull(response.path("etag"));
    JsonNode resource = entry.hasNonNull("resource") ? entry.get("resource") : null;
    JsonNode outcome = response.hasNonNull("outcome") ? response.get("outcome") : null;
    String id = null;
    String version = null;
    if (location != null) {
      String[] parts = location.replaceFirst("^.*?/?([A-Z][A-Za-z]+/[^/]+(/_history/[^/]+)?)$", "$1").split("/");
      id = parts.length >= 2 ? parts[1] : null;
      version = parts.length >= 4 ? parts[3] : null;
    }
    if (id == null && resource != null) {
      id = textOrNull(resource.path("id"));
    }
    if (version == null && etag != null) {
      version = etag.replaceAll("^W/\"|\"$", "");
    }
    return new FhirEntryResult(status, location, etag, id, version, resource, outcome);
  }

  private static int parseStatus(String statusText) {
    String code = statusText.trim().split("\\s+", 2)[0];
    try {
      return Integer.parseInt(code);
    } catch (NumberFormatException e) {
      throw new IllegalStateException("batch response entry has no numeric status: '" + statusText + "'");
    }
  }

  private static String textOrNull(JsonNode node) {
    return node.isTextual() && !node.asText().isEmpty() ? node.asText() : null;
  }
}
