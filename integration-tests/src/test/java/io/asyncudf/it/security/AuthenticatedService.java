package io.asyncudf.it.security;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/**
 * A service that answers only authenticated requests: two token endpoints (client secret and SMART
 * signed assertion), a score API and a FHIR Patient read, each failing with 503 for every id
 * divisible by 5, and an OpenSearch {@code _mget} that is always unavailable.
 */
final class AuthenticatedService extends Dispatcher {

  private final Set<String> acceptedAuthorizations;
  private final String clientSecret;
  private final String oauthToken;
  private final String smartToken;
  final AtomicInteger tokenRequests = new AtomicInteger();
  final AtomicInteger rejected = new AtomicInteger();

  AuthenticatedService(Set<String> acceptedAuthorizations, String clientSecret, String oauthToken, String smartToken) {
    this.acceptedAuthorizations = acceptedAuthorizations;
    this.clientSecret = clientSecret;
    this.oauthToken = oauthToken;
    this.smartToken = smartToken;
  }

  static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String path = request.getUrl().encodedPath();
    if (path.equals("/oauth/token")) {
      tokenRequests.incrementAndGet();
      String form = request.getBody().string(StandardCharsets.UTF_8);
      return form.contains("client_secret=" + clientSecret) ? token(oauthToken) : status(401, "{\"error\":\"invalid_client\"}");
    }
    if (path.equals("/smart/token")) {
      tokenRequests.incrementAndGet();
      String form = request.getBody().string(StandardCharsets.UTF_8);
      return form.contains("client_assertion=") ? token(smartToken) : status(401, "{\"error\":\"invalid_client\"}");
    }
    if (!acceptedAuthorizations.contains(request.getHeaders().get("Authorization"))) {
      rejected.incrementAndGet();
      return status(401, "{\"error\":\"unauthorized\"}");
    }
    if (path.endsWith("/_mget")) {
      return status(503, "{\"error\":\"cluster unavailable\"}");
    }
    long id = Long.parseLong(path.substring(path.lastIndexOf('/') + 1));
    if (id % 5 == 0) {
      return status(503, "{\"error\":\"try later\"}");
    }
    return path.startsWith("/fhir/")
        ? new MockResponse.Builder().code(200).setHeader("Content-Type", "application/fhir+json")
            .body("{\"resourceType\":\"Patient\",\"id\":\"" + id + "\"}").build()
        : status(200, "{\"id\":" + id + ",\"score\":" + id * 3 + "}");
  }

  private static MockResponse token(String accessToken) {
    return status(200, "{\"access_token\":\"" + accessToken + "\",\"token_type\":\"bearer\",\"expires_in\":300}");
  }

  private static MockResponse status(int code, String body) {
    return new MockResponse.Builder().code(code).setHeader("Content-Type", "application/json").body(body).build();
  }
}
