package io.asyncudf.opensearch;

/**
 * The outcome of one bulk item, after any item-level retries.
 *
 * @param status the item's HTTP status (201 created, 200 updated, 404 not found, 400 mapping error, ...)
 * @param index the index the item went to
 * @param id the document id (assigned by OpenSearch when none was given)
 * @param result {@code created}, {@code updated}, {@code deleted}, {@code noop} or {@code not_found}; null on error
 * @param errorType the error type (e.g. {@code mapper_parsing_exception}), or null
 * @param errorReason the error reason, or null
 * @param attempts bulk requests this item was part of
 */
public record BulkItemResult(
    int status, String index, String id, String result, String errorType, String errorReason, int attempts) {

  /** True when the item has no error. */
  public boolean isSuccess() {
    return errorType == null && status / 100 == 2;
  }
}
