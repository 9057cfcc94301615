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

  private void each(Consumer<AsyncUdfListener> event) {
    RuntimeException first = null;
    for (AsyncUdfListener listener : listeners) {
      try {
        event.accept(listener);
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  @Override
  public void onEvent(AsyncUdfEvent event) {
    each(listener -> listener.onEvent(event));
  }
}
