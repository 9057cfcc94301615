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

  /**
   * The driver-side options of {@code options}. Equal for equal options, so that two plans of one UDF are equal
   * (Spark reuses exchanges and cached data by plan equality).
   */
  public static DriverOptions of(UdfOptions<?> options) {
    if (options.callback() == null && options.driverListener() == null && !options.progress()) {
      return NONE;
    }
    return new DriverOptions(options.callback(), options.driverListener(), options.progress());
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

  /** Equal when they hold the same callback and listener (by identity) and the same progress setting. */
  @Override
  public boolean equals(Object other) {
    return other instanceof DriverOptions that && callback == that.callback && listener == that.listener
        && progress == that.progress;
  }

  @Override
  public int hashCode() {
    return 31 * (31 * System.identityHashCode(callback) + System.identityHashCode(listener)) + Boolean.hashCode(progress);
  }

  @Override
  public String toString() {
    return "{callback=" + (callback == null ? "none" : callback.getClass().getName()) + ", driverListener="
        + (listener == null ? "none" : listener.getClass().getName()) + ", progress=" + progress + "}";
  }
}
