package io.asyncudf.http;

import io.asyncudf.internal.connector.RequestReports;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** A request scope outside Spark that records the retries reported to it and the requests registered with it. */
final class RecordingContext implements RequestReports {

  record Retry(String request, int failedAttempt, Throwable failure, Duration delay) {}

  final List<Retry> retries = new CopyOnWriteArrayList<>();
  final List<CompletableFuture<?>> registered = new CopyOnWriteArrayList<>();
  /** Requests re-sent on a fresh connection. */
  final List<String> resends = new CopyOnWriteArrayList<>();

  @Override
  public void requestResent(String request, Throwable failure) {
    resends.add(request);
  }

  /** The in-flight limit each request that waited for a slot saw. */
  final List<Integer> waits = new CopyOnWriteArrayList<>();

  @Override
  public void requestWaited(String request, Duration waited, int inFlightLimit) {
    waits.add(inFlightLimit);
  }

  @Override
  public void requestRetried(String request, int failedAttempt, Throwable failure, Duration retryDelay) {
    retries.add(new Retry(request, failedAttempt, failure, retryDelay));
  }

  @Override
  public void register(CompletableFuture<?> request) {
    registered.add(request);
  }

  /** Ends the scope as the engine does when a chunk attempt ends: cancels what is registered. */
  void end() {
    registered.forEach(request -> request.cancel(true));
  }
}
