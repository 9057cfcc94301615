package io.asyncudf.opensearch;

import java.io.IOException;

/** One bulk item failed: names the index, id, status and OpenSearch's error type and reason. */
public class BulkItemException extends IOException {

  private static final long serialVersionUID = 1L;

  private final transient BulkItemResult result;

  public BulkItemException(BulkItemResult result) {
    super("bulk item " + result.index() + "/" + result.id() + " failed with HTTP " + result.status() + " "
        + result.errorType() + ": " + result.errorReason() + " (after " + result.attempts() + " bulk attempts)");
    this.result = result;
  }

  public BulkItemResult result() {
    return result;
  }
}
