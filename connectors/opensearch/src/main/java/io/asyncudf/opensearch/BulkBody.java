package io.asyncudf.opensearch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** NDJSON bulk bodies: encoding actions, splitting by size, reading item results and errors. */
final class BulkBody {

  private BulkBody() {}

  /** The NDJSON lines (action line and, but for delete, source line) of each action. */
  static byte[][] encode(List<BulkAction> actions, ObjectMapper json) {
    byte[][] lines = new byte[actions.size()][];
    for (int i = 0; i < actions.size(); i++) {
      BulkAction action = actions.get(i);
      ObjectNode meta = json.createObjectNode();
      ObjectNode target = meta.putObject(switch (action.type()) {
        case INDEX -> "index";
        case CREATE -> "create";
        case UPSERT -> "update";
        case DELETE -> "delete";
      });
      target.put("_index", action.index());
      if (action.id() != null) {
        target.put("_id", action.id());
      }
      if (action.routing() != null) {
        target.put("routing", action.routing());
      }
      ByteArrayOutputStream item = new ByteArrayOutputStream();
      try {
        item.writeBytes(json.writeValueAsBytes(meta));
        item.write('\n');
        if (action.type() == BulkAction.Type.UPSERT) {
          ObjectNode update = json.createObjectNode();
          update.set("doc", object(action.document(), json, "document of bulk item " + i));
          update.put("doc_as_upsert", true);
          item.writeBytes(json.writeValueAsBytes(update));
          item.write('\n');
        } else if (action.type() != BulkAction.Type.DELETE) {
          item.writeBytes(compact(action.document(), json, "document of bulk item " + i));
          item.write('\n');
        }
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
      lines[i] = item.toByteArray();
    }
    return lines;
  }

  /** Consecutive groups of items whose bodies stay within {@code maxBytes}; an item larger than that goes alone. */
  static List<List<Integer>> split(byte[][] lines, long maxBytes) {
    List<List<Integer>> batches = new ArrayList<>();
    List<Integer> current = new ArrayList<>();
    long size = 0;
    for (int i = 0; i < lines.length; i++) {
      if (!current.isEmpty() && size + lines[i].length > maxBytes) {
        batches.add(current);
        current = new ArrayList<>();
        size = 0;
      }
      current.add(i);
      size += lines[i].length;
    }
    if (!current.isEmpty()) {
      batches.add(current);
    }
    return batches;
  }

  /** The JSON object {@code text} on one line; names {@code what} when it is not a JSON object. */
  static byte[] compact(String text, ObjectMapper json, String what) {
    try {
      return json.writeValueAsBytes(object(text, json, what));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static ObjectNode object(String text, ObjectMapper json, String what) {
    try {
      JsonNode node = json.readTree(text);
      if (!(node instanceof ObjectNode object)) {
        throw new IllegalArgumentException(what + " is not a JSON object");
      }
      return object;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(what + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** One entry of a bulk response's {@code items}: {@code {"index": {...}}} and the like. */
  static BulkItemResult result(JsonNode wrapper, int attempt) {
    JsonNode item = wrapper.elements().hasNext() ? wrapper.elements().next() : wrapper;
    JsonNode error = item.path("error");
    return new BulkItemResult(
        item.path("status").asInt(0),
        item.path("_index").asText(null),
        item.path("_id").asText(null),
        error.isMissingNode() ? item.path("result").asText(null) : null,
        error.isMissingNode() ? null : error.path("type").asText("unknown"),
        error.isMissingNode() ? null : error.path("reason").asText(""),
        attempt);
  }

  /** {@code type: reason} from an error response, else the start of the body. */
  static String errorDetail(byte[] body, ObjectMapper json) {
    try {
      JsonNode error = json.readTree(body).path("error");
      if (error.isObject()) {
        return error.path("type").asText("error") + ": " + error.path("reason").asText("");
      }
      if (error.isTextual()) {
        return error.asText();
      }
    } catch (IOException notJson) {
      // fall through to the raw body
    }
    String text = new String(body, StandardCharsets.UTF_8);
    return text.length() <= 512 ? text : text.substring(0, 512) + "…";
  }
}
