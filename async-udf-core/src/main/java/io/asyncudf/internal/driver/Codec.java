package io.asyncudf.internal.driver;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.UncheckedIOException;

/**
 * Java serialization to and from bytes with a chosen class loader. The driver channel sends only
 * byte arrays through Spark's RPC, whose own deserializer knows nothing of classes that came with
 * {@code --jars} or a notebook's libraries; each side reads them with the loader that knows the user's classes.
 */
public final class Codec {

  private Codec() {}

  public static byte[] encode(Object value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot serialize " + (value == null ? "null" : value.getClass().getName())
          + " for the driver channel: " + e, e);
    }
    return bytes.toByteArray();
  }

  public static Object decode(byte[] bytes, ClassLoader loader) {
    try (ObjectInputStream in = new LoaderObjectInputStream(new ByteArrayInputStream(bytes), loader)) {
      return in.readObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read a driver channel message: " + e, e);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("cannot read a driver channel message: class " + e.getMessage()
          + " is not on this JVM's class path", e);
    }
  }

  /** The context class loader, else this library's. */
  public static ClassLoader userLoader() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return context != null ? context : Codec.class.getClassLoader();
  }

  private static final class LoaderObjectInputStream extends ObjectInputStream {
    private final ClassLoader loader;

    LoaderObjectInputStream(InputStream in, ClassLoader loader) throws IOException {
      super(in);
      this.loader = loader;
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
      try {
        return Class.forName(desc.getName(), false, loader);
      } catch (ClassNotFoundException e) {
        return super.resolveClass(desc);
      }
    }
  }
}
