package io.asyncudf.internal.connector;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Future plumbing for connectors whose promise is that cancelling the future a caller holds ends
 * the work behind it: every stage made here passes a cancellation on to the stage it is waiting for.
 * ({@link CompletableFuture#thenCompose} does not: cancelling its result leaves the inner stage running.)
 */
public final class Futures {

  private Futures() {}

  /** The failure with {@link CompletionException} and {@link ExecutionException} wrappers removed. */
  public static Throwable unwrap(Throwable failure) {
    Throwable current = failure;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  /** Like {@code first.thenCompose(next)}; cancelling the result cancels {@code first} or the stage {@code next} made. */
  public static <A, B> CompletableFuture<B> thenCompose(CompletableFuture<A> first,
      Function<? super A, ? extends CompletableFuture<B>> next) {
    return chain(first, (value, failure) -> failure == null ? next.apply(value) : CompletableFuture.failedFuture(failure));
  }

  /** Like {@code first.exceptionallyCompose(recover)} (the failure unwrapped), and cancellable the same way. */
  public static <T> CompletableFuture<T> exceptionallyCompose(CompletableFuture<T> first,
      Function<Throwable, ? extends CompletableFuture<T>> recover) {
    return chain(first, (value, failure) -> failure == null ? CompletableFuture.completedFuture(value) : recover.apply(failure));
  }

  /**
   * Starts {@code task} after {@code delay} on the connector scheduler (at once when the delay is not
   * positive). Cancelling the result before then cancels the timer; afterwards it cancels the task.
   */
  public static <T> CompletableFuture<T> after(Duration delay, Supplier<CompletableFuture<T>> task) {
    if (delay.isNegative() || delay.isZero()) {
      return task.get();
    }
    CompletableFuture<Void> timer = new CompletableFuture<>();
    ScheduledFuture<?> scheduled = AsyncUdfThreads.scheduler().schedule(() -> timer.complete(null), delay.toNanos(),
        TimeUnit.NANOSECONDS);
    timer.whenComplete((done, failure) -> scheduled.cancel(false));
    return thenCompose(timer, started -> task.get());
  }

  private static <A, B> CompletableFuture<B> chain(CompletableFuture<A> first,
      BiFunction<? super A, Throwable, ? extends CompletableFuture<B>> next) {
    CompletableFuture<B> result = new CompletableFuture<>();
    AtomicReference<CompletableFuture<?>> running = new AtomicReference<>(first);
    first.whenComplete((value, failure) -> {
      if (result.isDone()) {
        return;
      }
      CompletableFuture<B> second;
      try {
        second = next.apply(value, failure == null ? null : unwrap(failure));
      } catch (RuntimeException | Error e) {
        result.completeExceptionally(e);
        return;
      }
      running.set(second);
      if (result.isCancelled()) {
        second.cancel(true);
        return;
      }
      second.whenComplete((outcome, secondFailure) -> {
        if (secondFailure == null) {
          result.complete(outcome);
        } else {
          result.completeExceptionally(unwrap(secondFailure));
        }
      });
    });
    result.whenComplete((outcome, failure) -> {
      if (result.isCancelled()) {
        running.get().cancel(true);
      }
    });
    return result;
  }
}
