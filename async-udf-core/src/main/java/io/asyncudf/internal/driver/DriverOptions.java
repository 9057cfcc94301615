package io.asyncudf.internal.driver;

import io.asyncudf.AsyncUdfListener;
import io.asyncudf.DriverCallback;
import io.asyncudf.UdfOptions;
import java.io.Serializable;

/**
 * What a UDF asks of the driver: a callback, a driver-side listener, a progress line. Serializable so
 * the UDF that holds it can be, but the callback and listener are transient: they live on the driver
 * only, and a deserialized copy has neither.
 */
public final class DriverOptions implements Serializable {

  private static final DriverOptions NONE = new DriverOptions(null, null, false);

  private final transient DriverCallback<?, ?> callback;
  private final transient AsyncUdfListener listener;
  private final boolean progress;

  private DriverOptions(DriverCallback<?, ?> callback, AsyncUdfListener listener, boolean progress) {
    this.callback = callback;
    this.listener = listener;
    this.progress = progress;
  }

  /** The driver-side options of {@code options}. */
  public static DriverOptions of(UdfOptions<?> options) {
    return none().callback(options.callback()).listener(options.driverListener()).progress(options.progress());
  }

  public static DriverOptions none() {
    return NONE;
  }

  public DriverOptions callback(DriverCallback<?, ?> value) {
    return new DriverOptions(value, listener, progress);
  }

  public DriverOptions listener(AsyncUdfListener value) {
    return new DriverOptions(callback, value, progress);
  }

  public DriverOptions progress(boolean value) {
    return new DriverOptions(callback, listener, value);
  }

  public DriverCallback<?, ?> callback() {
    return callback;
  }

  public AsyncUdfListener listener() {
    return listener;
  }

  public boolean progress() {
    return progress;
  }

  private Object readResolve() {
    return callback == null && listener == null && !progress ? NONE : this;
  }

  @Override
  public String toString() {
    return "{callback=" + (callback == null ? "none" : callback.getClass().getName()) + ", driverListener="
        + (listener == null ? "none" : listener.getClass().getName()) + ", progress=" + progress + "}";
  }
}
