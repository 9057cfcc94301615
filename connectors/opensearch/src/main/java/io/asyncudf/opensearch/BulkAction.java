package io.asyncudf.opensearch;

import java.io.Serializable;
import java.util.Objects;

/**
 * One bulk item: what to do with which document. Immutable.
 *
 * @param type index, create, upsert ({@code update} with {@code doc_as_upsert}) or delete
 * @param index the target index
 * @param id the document id; null lets OpenSearch assign one (index and create only)
 * @param routing custom routing, or null
 * @param document the document JSON, null for delete
 */
public record BulkAction(Type type, String index, String id, String routing, String document) implements Serializable {

  /** The bulk operation. */
  public enum Type {
    INDEX,
    CREATE,
    UPSERT,
    DELETE
  }

  public BulkAction {
    Objects.requireNonNull(type, "type");
    if (index == null || index.isBlank()) {
      throw new IllegalArgumentException("a bulk item needs an index");
    }
    if ((type == Type.UPSERT || type == Type.DELETE) && id == null) {
      throw new IllegalArgumentException(type.name().toLowerCase() + " needs a document id");
    }
    if (type != Type.DELETE && document == null) {
      throw new IllegalArgumentException(type.name().toLowerCase() + " needs a document");
    }
  }

  public static BulkAction index(String index, String id, String document) {
    return new BulkAction(Type.INDEX, index, id, null, document);
  }

  public static BulkAction create(String index, String id, String document) {
    return new BulkAction(Type.CREATE, index, id, null, document);
  }

  public static BulkAction upsert(String index, String id, String document) {
    return new BulkAction(Type.UPSERT, index, id, null, document);
  }

  public static BulkAction delete(String index, String id) {
    return new BulkAction(Type.DELETE, index, id, null, null);
  }

  /** This action with custom routing. */
  public BulkAction withRouting(String routing) {
    return new BulkAction(type, index, id, routing, document);
  }
}
