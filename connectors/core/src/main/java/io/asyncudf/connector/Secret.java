package io.asyncudf.connector;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A password, token, client secret or private key. Its {@link #toString()} never shows the value,
 * so a secret can sit in configuration that is logged, serialized to executors or shown by Spark.
 * Only the connectors read the value, to put it on the wire.
 */
public final class Secret implements Serializable {

  private static final long serialVersionUID = 1L;

  private final String value;

  private Secret(String value) {
    this.value = value;
  }

  /** Wraps a secret value; it must not be blank. */
  public static Secret of(String value) {
    Objects.requireNonNull(value, "secret");
    if (value.isBlank()) {
      throw new IllegalArgumentException("a secret must not be blank");
    }
    return new Secret(value);
  }

  /** Reads the secret from environment variable {@code name} of the JVM that calls this (the driver). */
  public static Secret fromEnvironment(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("environment variable " + name + " is not set");
    }
    return new Secret(value);
  }

  /** The secret itself; connectors call this to put it on the wire, nothing else should. */
  public String reveal() {
    return value;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Secret secret
        && MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8), secret.value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return "****";
  }
}
