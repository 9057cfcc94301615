package io.asyncudf.http;

import java.net.URI;
import java.util.Locale;

/** The origin of a URL, {@code scheme://host:port} with the default port filled in, as credentials are scoped by it. */
public final class Origins {

  private Origins() {}

  /**
   * @throws IllegalArgumentException if {@code url} is not an absolute http or https URL with a host
   */
  public static String of(String url) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a URL: " + Redaction.url(url), e);
    }
    String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!("http".equals(scheme) || "https".equals(scheme)) || uri.getHost() == null) {
      throw new IllegalArgumentException("not an absolute http(s) URL with a host: " + Redaction.url(url));
    }
    int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(scheme) ? 443 : 80;
    return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
  }
}
