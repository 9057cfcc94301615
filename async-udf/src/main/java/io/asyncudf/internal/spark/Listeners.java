package io.asyncudf.internal.spark;

import io.asyncudf.AsyncUdfEvent;
import io.asyncudf.AsyncUdfListener;
import java.util.List;
import java.util.function.Consumer;

/** Several listeners as one, called in order; one that throws does not keep the others from an event. */
final class Listeners implements AsyncUdfListener {

  private final List<AsyncUdfListener> listeners;

  Listeners(List<AsyncUdfListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  /** {@code first} then {@code second}; either may be null. */
  static AsyncUdfListener both(AsyncUdfListener first, AsyncUdfListener second) {
    if (first == null || second == null) {
      return first == null ? second : first;
    }
    return new Listeners(List.of(first, second));
  }

  /** Every listener gets the event, whatever one of them throws; then the first failure is thrown. */
  private void each(Consumer<AsyncUdfListener> event) {
    Throwable first = null;
    for (AsyncUdfListener listener : listeners) {
      try {
        event.accept(listener);
      } catch (OutOfMemoryError e) {
        throw e;
      } catch (Throwable e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first instanceof RuntimeException runtime) {
      throw runtime;
    }
    if (first instanceof Error error) {
      throw error;
    }
    if (first != null) {
      throw new IllegalStateException("a listener threw " + first, first);
    }
  }

  @Override
  public void onEvent(AsyncUdfEvent event) {
    each(listener -> listener.onEvent(event));
  }
}
