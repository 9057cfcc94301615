package io.asyncudf.it.fhir;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/** The in-memory providers of one server, by resource type name. */
final class ResourceStore {

  private final Map<String, InMemoryResourceProvider<?>> providers = new TreeMap<>();

  ResourceStore(List<InMemoryResourceProvider<?>> providers) {
    providers.forEach(provider -> this.providers.put(provider.resourceName(), provider));
  }

  Collection<InMemoryResourceProvider<?>> providers() {
    return providers.values();
  }

  /** The provider serving {@code resourceType}; a type not served is a 400. */
  InMemoryResourceProvider<?> provider(String resourceType) {
    InMemoryResourceProvider<?> provider = providers.get(resourceType);
    if (provider == null) {
      throw new InvalidRequestException("Resource type " + resourceType + " is not served here; "
          + "served types: " + providers.keySet());
    }
    return provider;
  }

  /**
   * Runs {@code action} holding every provider's monitor (in type-name order), so no other
   * request reads or writes any provider meanwhile.
   */
  <R> R atomically(Supplier<R> action) {
    return holdingEach(providers.values().iterator(), action);
  }

  private static <R> R holdingEach(Iterator<?> monitors, Supplier<R> action) {
    if (!monitors.hasNext()) {
      return action.get();
    }
    synchronized (monitors.next()) {
      return holdingEach(monitors, action);
    }
  }
}
