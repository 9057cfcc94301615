package io.asyncudf.it.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.annotation.RequiredParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.SimpleBundleProvider;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.provider.HashMapResourceProvider;
import ca.uhn.fhir.util.FhirTerser;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Identifier;

/**
 * HAPI's {@link HashMapResourceProvider} plus what a FHIR client under test relies on: search by
 * {@code identifier}, conditional create ({@code If-None-Exist: identifier=system|value}) and
 * HAPI JPA's rule that a client-assigned id must not be purely numeric (server ids are numbers).
 *
 * <p>Every method is synchronized on the provider, so holding its monitor makes a sequence of
 * calls atomic (see {@link ResourceStore#atomically}).
 *
 * <p>{@link #create} and {@link #update} override the superclass methods without repeating
 * their annotations: HAPI binds the superclass methods and invokes them virtually, so annotating
 * the overrides would bind each operation twice.
 */
public class InMemoryResourceProvider<T extends IBaseResource> extends HashMapResourceProvider<T> {

  private final FhirTerser terser;

  InMemoryResourceProvider(FhirContext context, Class<T> resourceType) {
    super(context, resourceType);
    this.terser = context.newTerser();
  }

  String resourceName() {
    return getFhirContext().getResourceType(getResourceType());
  }

  @Search
  public synchronized IBundleProvider searchByIdentifier(
      @RequiredParam(name = "identifier") TokenParam identifier) {
    return new SimpleBundleProvider(matching(IdentifierQuery.of(identifier)));
  }

  @Override
  public synchronized MethodOutcome create(T resource, RequestDetails request) {
    String criteria = request.getConditionalUrl(RestOperationTypeEnum.CREATE);
    if (criteria != null) {
      Optional<T> existing = singleMatch(IdentifierQuery.parseCriteria(criteria));
      if (existing.isPresent()) {
        return new MethodOutcome(existing.get().getIdElement(), false).setResource(existing.get());
      }
    }
    return super.create(resource, request);
  }

  @Override
  public synchronized MethodOutcome update(T resource, String conditional, RequestDetails request) {
    String id = resource.getIdElement().getIdPart();
    if (id != null) {
      checkClientId(id);
    }
    return super.update(resource, conditional, request);
  }

  /** A PUT may create {@code id} unless it is purely numeric (a 400), as in HAPI JPA. */
  synchronized void checkClientId(String id) {
    if (!hasEverExisted(id) && id.chars().allMatch(Character::isDigit)) {
      throw new InvalidRequestException("Can not create resource with ID[" + id
          + "]: client-assigned ids must contain at least one non-numeric character");
    }
  }

  synchronized MethodOutcome createUnconditionally(IBaseResource resource, RequestDetails request) {
    return super.create(getResourceType().cast(resource), request);
  }

  synchronized MethodOutcome put(IBaseResource resource, RequestDetails request) {
    return update(getResourceType().cast(resource), null, request);
  }

  /** The one live resource matching the query; more than one match is a 412. */
  synchronized Optional<T> singleMatch(IdentifierQuery query) {
    List<T> matches = matching(query);
    if (matches.size() > 1) {
      throw new PreconditionFailedException(
          matches.size() + " " + resourceName() + " resources match identifier " + query);
    }
    return matches.stream().findFirst();
  }

  synchronized boolean hasEverExisted(String id) {
    TreeMap<Long, T> versions = myIdToVersionToResourceMap.get(id);
    return versions != null && !versions.isEmpty();
  }

  synchronized int liveCount() {
    return getAllResources().size();
  }

  private List<T> matching(IdentifierQuery query) {
    return getAllResources().stream()
        .filter(resource -> terser.getValues(resource, "identifier", Identifier.class).stream()
            .anyMatch(query::matches))
        .toList();
  }
}
