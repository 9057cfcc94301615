package io.asyncudf.it.fhir;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.BundleEntryRequestComponent;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.Resource;

/**
 * One entry of a batch or transaction Bundle whose shape has been checked: {@code POST Type}
 * with a resource of that type (optionally {@code ifNoneExist}), {@code PUT Type/id} with a
 * resource of that type whose id, if any, is {@code id}, {@code GET Type/id}, {@code DELETE
 * Type/id}. Anything else is a 400.
 *
 * @param id null for POST
 * @param resource null for GET and DELETE
 * @param ifNoneExist null unless a conditional POST
 */
record BundleEntryRequest(
    HTTPVerb method, String resourceType, String id, Resource resource, IdentifierQuery ifNoneExist) {

  static BundleEntryRequest parse(BundleEntryComponent entry) {
    BundleEntryRequestComponent request = entry.getRequest();
    if (!request.hasMethod() || !request.hasUrl()) {
      throw new InvalidRequestException("request.method and request.url are required");
    }
    String url = request.getUrl();
    if (url.contains("?")) {
      throw new InvalidRequestException("Searches are not supported in a Bundle: " + url);
    }
    String[] path = url.split("/", -1);
    HTTPVerb method = request.getMethod();
    Resource resource = entry.getResource();
    switch (method) {
      case POST -> {
        requirePath(path, 1, method, url);
        requireResource(resource, path[0]);
        IdentifierQuery ifNoneExist =
            request.hasIfNoneExist() ? IdentifierQuery.parseCriteria(request.getIfNoneExist()) : null;
        return new BundleEntryRequest(method, path[0], null, resource, ifNoneExist);
      }
      case PUT -> {
        requirePath(path, 2, method, url);
        requireResource(resource, path[0]);
        if (resource.hasIdElement() && !path[1].equals(resource.getIdElement().getIdPart())) {
          throw new InvalidRequestException("Resource id " + resource.getIdElement().getIdPart()
              + " does not match the id in request.url " + url);
        }
        return new BundleEntryRequest(method, path[0], path[1], resource, null);
      }
      case GET, DELETE -> {
        requirePath(path, 2, method, url);
        return new BundleEntryRequest(method, path[0], path[1], null, null);
      }
      default -> throw new InvalidRequestException("Method " + method + " is not supported in a Bundle");
    }
  }

  /** {@code Type/id} for PUT, GET and DELETE; null for POST. */
  String target() {
    return id == null ? null : resourceType + "/" + id;
  }

  private static void requirePath(String[] path, int segments, HTTPVerb method, String url) {
    if (path.length != segments || path[0].isBlank() || path[segments - 1].isBlank()) {
      throw new InvalidRequestException(method + " needs request.url "
          + (segments == 1 ? "'Type'" : "'Type/id'") + ", got '" + url + "'");
    }
  }

  private static void requireResource(Resource resource, String resourceType) {
    if (resource == null) {
      throw new InvalidRequestException("The entry has no resource");
    }
    if (!resource.fhirType().equals(resourceType)) {
      throw new InvalidRequestException(
          "Resource type " + resource.fhirType() + " does not match request.url type " + resourceType);
    }
  }
}
