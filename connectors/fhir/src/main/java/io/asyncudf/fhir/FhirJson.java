package io.asyncudf.fhir;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** JSON helpers for FHIR resources and OperationOutcomes. */
final class FhirJson {

  static final ObjectMapper MAPPER = new ObjectMapper();

  private FhirJson() {}

  /** Parses a resource, naming what was wrong when it is not a JSON object with a resourceType. */
  static ObjectNode resource(String json) {
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("resource is not valid JSON: " + e.getOriginalMessage(), e);
    }
    return resource(node);
  }

  static ObjectNode resource(JsonNode node) {
    if (!(node instanceof ObjectNode object) || !object.path("resourceType").isTextual()) {
      throw new IllegalArgumentException("a FHIR resource must be a JSON object with a resourceType");
    }
    return object;
  }

  static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The OperationOutcome in {@code body}, or null when the body is not one. */
  static JsonNode operationOutcome(String body) {
    if (body == null || body.isBlank()) {
      return null;
    }
    try {
      JsonNode node = MAPPER.readTree(body);
      return node != null && "OperationOutcome".equals(node.path("resourceType").asText()) ? node : null;
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /** One line per issue: {@code severity code: diagnostics (expression)}, joined by "; ". */
  static String describeOutcome(JsonNode outcome) {
    List<String> issues = new ArrayList<>();
    for (JsonNode issue : outcome.path("issue")) {
      StringBuilder text = new StringBuilder()
          .append(issue.path("severity").asText("error")).append(' ')
          .append(issue.path("code").asText("unknown"));
      String details = issue.path("diagnostics").asText(issue.path("details").path("text").asText(""));
      if (!details.isEmpty()) {
        text.append(": ").append(details);
      }
      if (issue.path("expression").size() > 0) {
        text.append(" (").append(issue.path("expression").get(0).asText()).append(')');
      }
      issues.add(text.toString());
    }
    return issues.isEmpty() ? "OperationOutcome without issues" : String.join("; ", issues);
  }
}
