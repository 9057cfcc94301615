package io.asyncudf.internal.spark;

import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;

/** Driver-side check that what a UDF ships to the executors serializes. */
final class Serialization {

  private Serialization() {}

  /**
   * Checks what a UDF ships to the executors: its function, parameters, listener and retry policy.
   *
   * @throws IllegalArgumentException naming the first that does not serialize
   */
  static void requireShippable(Object function, Object parameters, io.asyncudf.internal.engine.ChunkSettings settings) {
    requireSerializable("chunk function", function);
    requireSerializable("parameters", parameters);
    requireSerializable("listener", settings.listener());
    requireSerializable("retry policy", settings.retry());
  }

  /**
   * Serializes {@code value} into nowhere and throws an {@link IllegalArgumentException} naming
   * {@code what} and the class that could not be serialized.
   */
  static void requireSerializable(String what, Object value) {
    if (value == null) {
      return;
    }
    try (ObjectOutputStream out = new ObjectOutputStream(OutputStream.nullOutputStream())) {
      out.writeObject(value);
    } catch (NotSerializableException e) {
      throw new IllegalArgumentException("the " + what + " (" + value.getClass().getName()
          + ") is not serializable: it holds an instance of " + e.getMessage()
          + ", which does not implement java.io.Serializable. Everything a UDF captures is sent to the executors;"
          + " make that class serializable, mark the field transient, or create it lazily on the executor.", e);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("the " + what + " (" + value.getClass().getName()
          + ") cannot be serialized: " + e, e);
    }
  }
}
