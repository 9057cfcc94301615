package io.asyncudf.internal.connector;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One client per distinct configuration in this JVM: created on first use, shared by every task,
 * closed at JVM shutdown (or by {@link #closeAll()}).
 *
 * @param <C> the configuration, an immutable value with equals/hashCode
 * @param <T> the client
 */
public final class SharedClients<C, T> {

  private final ConcurrentMap<C, T> clients = new ConcurrentHashMap<>();
  /**
   * The last configuration instance each thread asked for and its client: a task calls {@link #get}
   * per row with the one configuration instance its closure was deserialized into, and hashing and
   * comparing a whole configuration per row cost more than the request it serves.
   */
  private final ThreadLocal<Hit<C, T>> lastHit = new ThreadLocal<>();
  private volatile int generation;
  private final Function<C, T> create;
  private final Consumer<T> close;

  /** Registers a shutdown hook named {@code shutdownThreadName} that closes every client. */
  public SharedClients(String shutdownThreadName, Function<C, T> create, Consumer<T> close) {
    this.create = create;
    this.close = close;
    Runtime.getRuntime().addShutdownHook(new Thread(this::closeAll, shutdownThreadName));
  }

  private record Hit<C, T>(C config, T client, int generation) {}

  /** The client for {@code config}, created by the first caller. */
  public T get(C config) {
    Hit<C, T> hit = lastHit.get();
    int current = generation;
    if (hit != null && hit.config == config && hit.generation == current) {
      return hit.client;
    }
    T existing = clients.get(config);
    T client = existing != null ? existing : clients.computeIfAbsent(config, create);
    lastHit.set(new Hit<>(config, client, current));
    return client;
  }

  /** Closes every client; later {@link #get} calls create new ones. */
  public void closeAll() {
    synchronized (this) {
      generation++;
    }
    for (Map.Entry<C, T> entry : Map.copyOf(clients).entrySet()) {
      if (clients.remove(entry.getKey(), entry.getValue())) {
        close.accept(entry.getValue());
      }
    }
  }
}
