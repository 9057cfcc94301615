package io.asyncudf.it.fhir;

import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.r4.model.Identifier;

/**
 * An {@code identifier} token as FHIR search defines it: {@code system|value} matches that system
 * and value, {@code |value} only identifiers without a system, and a bare {@code value} any system.
 *
 * @param system null for any system, empty for "no system"
 */
record IdentifierQuery(String system, String value) {

  static IdentifierQuery of(TokenParam token) {
    return new IdentifierQuery(token.getSystem(), token.getValue());
  }

  /**
   * Parses conditional-create criteria such as {@code identifier=http://acme.org/mrn|123},
   * optionally prefixed by {@code Patient?}; any other criteria are a 400.
   */
  static IdentifierQuery parseCriteria(String criteria) {
    String query = criteria.substring(criteria.indexOf('?') + 1);
    int equals = query.indexOf('=');
    if (equals < 0 || query.contains("&") || !query.substring(0, equals).equals("identifier")) {
      throw new InvalidRequestException(
          "Only 'identifier=[system|]value' criteria are supported, got '" + criteria + "'");
    }
    return parseToken(URLDecoder.decode(query.substring(equals + 1), StandardCharsets.UTF_8));
  }

  static IdentifierQuery parseToken(String token) {
    int bar = token.indexOf('|');
    return bar < 0
        ? new IdentifierQuery(null, token)
        : new IdentifierQuery(token.substring(0, bar), token.substring(bar + 1));
  }

  /** The token form, {@code system|value} or {@code value}. */
  @Override
  public String toString() {
    return system == null ? value : system + "|" + value;
  }

  boolean matches(Identifier identifier) {
    boolean systemMatches = system == null
        || (system.isEmpty() ? !identifier.hasSystem() : system.equals(identifier.getSystem()));
    return systemMatches && value.equals(identifier.getValue());
  }
}
