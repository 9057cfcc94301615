package io.asyncudf.http;

import java.util.Locale;
import org.asynchttpclient.uri.Uri;

/** The origin of a URL, {@code scheme://host:port} with the default port filled in, as credentials are scoped by it. */
public final class Origins {

  private Origins() {}

  /**
   * @throws IllegalArgumentException if {@code url} is not an absolute http or https URL with a host
   */
  public static String of(String url) {
    Uri uri;
    try {
      // AsyncHttpClient's own parser: the one that decides where a request really goes
      uri = Uri.create(url);
    } catch (RuntimeException e) { // no cause: the parser's message holds the URL as it was, secrets and all
      throw new IllegalArgumentException("not a URL: " + Redaction.url(url));
    }
    String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!("http".equals(scheme) || "https".equals(scheme)) || uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new IllegalArgumentException("not an absolute http(s) URL with a host: " + Redaction.url(url));
    }
    int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(scheme) ? 443 : 80;
    return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
  }

  /** Whether {@code url} starts with {@code http://} or {@code https://}, in any case. */
  static boolean isAbsolute(String url) {
    return url.regionMatches(true, 0, "http://", 0, 7) || url.regionMatches(true, 0, "https://", 0, 8);
  }
}
