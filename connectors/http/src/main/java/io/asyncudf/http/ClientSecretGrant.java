package io.asyncudf.http;

import io.asyncudf.connector.Secret;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * OAuth 2.0 client credentials with a client secret ({@code client_secret_post}).
 *
 * @param clientId the client id
 * @param clientSecret the client secret
 * @param scope space-separated scopes, or null for the server's default
 */
public record ClientSecretGrant(String clientId, Secret clientSecret, String scope) implements TokenGrant {

  public ClientSecretGrant {
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(clientSecret, "clientSecret");
  }

  @Override
  public Map<String, String> formParameters(String tokenUrl) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "client_credentials");
    form.put("client_id", clientId);
    form.put("client_secret", clientSecret.reveal());
    if (scope != null) {
      form.put("scope", scope);
    }
    return form;
  }
}
