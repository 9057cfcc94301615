package io.asyncudf.internal.spark;

import io.asyncudf.AsyncUdfListener;
import io.asyncudf.ChunkEvent;
import io.asyncudf.PartitionEvent;
import io.asyncudf.RequestResendEvent;
import io.asyncudf.RequestRetryEvent;
import io.asyncudf.RequestWaitEvent;
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
  public void onPartitionStart(PartitionEvent event) {
    each(listener -> listener.onPartitionStart(event));
  }

  @Override
  public void onPartitionEnd(PartitionEvent event) {
    each(listener -> listener.onPartitionEnd(event));
  }

  @Override
  public void onChunkStart(ChunkEvent event) {
    each(listener -> listener.onChunkStart(event));
  }

  @Override
  public void onChunkSuccess(ChunkEvent event) {
    each(listener -> listener.onChunkSuccess(event));
  }

  @Override
  public void onChunkFailure(ChunkEvent event) {
    each(listener -> listener.onChunkFailure(event));
  }

  @Override
  public void onChunkRetry(ChunkEvent event) {
    each(listener -> listener.onChunkRetry(event));
  }

  @Override
  public void onChunkTimeout(ChunkEvent event) {
    each(listener -> listener.onChunkTimeout(event));
  }

  @Override
  public void onRequestRetry(RequestRetryEvent event) {
    each(listener -> listener.onRequestRetry(event));
  }

  @Override
  public void onRequestWait(RequestWaitEvent event) {
    each(listener -> listener.onRequestWait(event));
  }

  @Override
  public void onRequestResend(RequestResendEvent event) {
    each(listener -> listener.onRequestResend(event));
  }
}
