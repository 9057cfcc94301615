package io.asyncudf.opensearch;

import java.io.Serializable;
import java.util.Objects;

/**
 * How {@link OpenSearchChunkFunctions#bulk} turns each input row into a bulk item. The document is
 * the whole input struct as JSON.
 *
 * @param type the bulk operation
 * @param index the index for every row, or null when {@code indexField} names it per row
 * @param indexField the struct field holding the index, or null
 * @param idField the struct field holding the document id, or null for ids assigned by OpenSearch
 * @param idPrefix prepended to every id (e.g. {@code "patient-"}); empty for none
 * @param routingField the struct field holding custom routing, or null
 * @param failedItemsAsErrors true to report failed items as row failures (the UDF's error column,
 *     or a failed task without one) instead of result structs with {@code error_type}
 */
public record BulkSpec(
    BulkAction.Type type, String index, String indexField, String idField, String idPrefix, String routingField,
    boolean failedItemsAsErrors)
    implements Serializable {

  public BulkSpec {
    Objects.requireNonNull(type, "type");
    if ((index == null) == (indexField == null)) {
      throw new IllegalArgumentException("give exactly one of index and indexField");
    }
    if (idField == null && (type == BulkAction.Type.UPSERT || type == BulkAction.Type.DELETE)) {
      throw new IllegalArgumentException(type + " needs an idField");
    }
    idPrefix = idPrefix == null ? "" : idPrefix;
  }

  /** Index every row into {@code index} with its id from {@code idField}. */
  public static BulkSpec index(String index, String idField) {
    return new BulkSpec(BulkAction.Type.INDEX, index, null, idField, "", null, false);
  }

  /** Upsert ({@code doc_as_upsert}) every row into {@code index} by the id in {@code idField}. */
  public static BulkSpec upsert(String index, String idField) {
    return new BulkSpec(BulkAction.Type.UPSERT, index, null, idField, "", null, false);
  }

  public BulkSpec withIdPrefix(String prefix) {
    return new BulkSpec(type, index, indexField, idField, prefix, routingField, failedItemsAsErrors);
  }

  public BulkSpec withRoutingField(String field) {
    return new BulkSpec(type, index, indexField, idField, idPrefix, field, failedItemsAsErrors);
  }

  /** Failed items become row failures: with the UDF's {@code errorColumn}, null result and an error struct. */
  public BulkSpec withFailedItemsAsErrors() {
    return new BulkSpec(type, index, indexField, idField, idPrefix, routingField, true);
  }

  public BulkSpec withIndexField(String field) {
    return new BulkSpec(type, null, field, idField, idPrefix, routingField, failedItemsAsErrors);
  }
}
