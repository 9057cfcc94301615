package io.asyncudf.http;

import java.util.function.Supplier;

/**
 * {@code METHOD url} with secrets redacted, for messages and logs: computed on first use only, since
 * most requests never need it and redaction is the costliest step of a small request.
 */
final class RequestDescription implements Supplier<String> {

  private final String method;
  private final String url;
  private String text;

  RequestDescription(String method, String url) {
    this.method = method;
    this.url = url;
  }

  String method() {
    return method;
  }

  @Override
  public String get() {
    String described = text;
    if (described == null) {
      described = method + " " + Redaction.url(url);
      text = described;
    }
    return described;
  }

  @Override
  public String toString() {
    return get();
  }
}
