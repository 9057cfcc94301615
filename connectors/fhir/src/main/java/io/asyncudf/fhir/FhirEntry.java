package io.asyncudf.fhir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * One entry of a batch or transaction Bundle: what to do with which resource. Immutable.
 *
 * @param method HTTP verb of the entry: POST, PUT, GET or DELETE
 * @param url the entry's {@code request.url}, relative to the FHIR base ({@code Patient}, {@code Patient/123})
 * @param resource the resource for POST and PUT, else null
 * @param ifNoneExist a search query for conditional create, else null
 */
public record FhirEntry(String method, String url, ObjectNode resource, String ifNoneExist) {

  public FhirEntry {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(url, "url");
  }

  /** POST: the server assigns the id. */
  public static FhirEntry create(JsonNode resource) {
    ObjectNode object = FhirJson.resource(resource);
    return new FhirEntry("POST", object.get("resourceType").asText(), object, null);
  }

  /** POST unless a resource matching {@code ifNoneExist} (e.g. {@code identifier=system|value}) exists. */
  public static FhirEntry conditionalCreate(JsonNode resource, String ifNoneExist) {
    ObjectNode object = FhirJson.resource(resource);
    return new FhirEntry("POST", object.get("resourceType").asText(), object, Objects.requireNonNull(ifNoneExist));
  }

  /** PUT to {@code Type/id} taken from the resource: create or update with a client-assigned id. */
  public static FhirEntry update(JsonNode resource) {
    ObjectNode object = FhirJson.resource(resource);
    String id = object.path("id").asText("");
    if (id.isEmpty()) {
      throw new IllegalArgumentException("update needs a resource with an id");
    }
    return new FhirEntry("PUT", object.get("resourceType").asText() + "/" + id, object, null);
  }

  /**
   * The entry that writes {@code resourceJson}: an {@link #update} when the resource has an id, else a
   * {@link #create}.
   *
   * @throws IllegalArgumentException if {@code resourceJson} is null, not JSON, or not a resource
   */
  public static FhirEntry write(String resourceJson) {
    if (resourceJson == null) {
      throw new IllegalArgumentException("resource is null");
    }
    ObjectNode resource = FhirJson.resource(resourceJson);
    return resource.hasNonNull("id") ? update(resource) : create(resource);
  }

  /** GET {@code Type/id}. */
  public static FhirEntry read(String type, String id) {
    return new FhirEntry("GET", type + "/" + id, null, null);
  }

  /** DELETE {@code Type/id}. */
  public static FhirEntry delete(String type, String id) {
    return new FhirEntry("DELETE", type + "/" + id, null, null);
  }

  ObjectNode toBundleEntry() {
    ObjectNode entry = FhirJson.MAPPER.createObjectNode();
    if (resource != null) {
      entry.set("resource", resource);
    }
    ObjectNode request = entry.putObject("request").put("method", method).put("url", url);
    if (ifNoneExist != null) {
      request.put("ifNoneExist", ifNoneExist);
    }
    return entry;
  }
}
