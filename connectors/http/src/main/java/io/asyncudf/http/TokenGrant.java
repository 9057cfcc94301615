package io.asyncudf.http;

import java.io.Serializable;
import java.util.Map;

/**
 * How a client proves who it is to an OAuth 2.0 token endpoint: the form parameters of one token
 * request. Called once per token fetch, on an executor; implementations are immutable and must not
 * show secrets in {@code toString()}.
 */
@FunctionalInterface
public interface TokenGrant extends Serializable {

  /**
   * The {@code application/x-www-form-urlencoded} parameters for one token request to
   * {@code tokenUrl}; called anew for every fetch, so one-time values (a JWT's {@code jti}) may
   * differ each time.
   */
  Map<String, String> formParameters(String tokenUrl) throws Exception;
}
