package io.asyncudf.http;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.time.Duration;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.asynchttpclient.channel.ChannelPool;

/**
 * AsyncHttpClient's pool of idle connections, honouring what a server says of its own idle timeout: a
 * connection whose last answer carried {@code Keep-Alive: timeout=N} is not handed out once it has been idle
 * for {@code N} seconds less a safety second, but closed, and the next idle connection (or a new one) is
 * used. Every connection is also closed after {@code idleConnectionTimeout} idle by the pool it wraps. A
 * request sent on a connection the server has just closed fails before any answer and must be sent again;
 * this keeps that from happening where the server said when it would close.
 */
final class KeepAlivePool implements ChannelPool {

  /** The idle timeout the server announced for a connection, set from its last answer. */
  static final AttributeKey<Duration> SERVER_IDLE_TIMEOUT = AttributeKey.valueOf("asyncudf.serverIdleTimeout");
  private static final AttributeKey<Long> USABLE_UNTIL = AttributeKey.valueOf("asyncudf.usableUntil");
  /** How long before the server's announced timeout a connection stops being handed out. */
  private static final long MARGIN_NANOS = Duration.ofSeconds(1).toNanos();
  private static final long MAX_ANNOUNCED_SECONDS = 3_600;

  private final ChannelPool pool;
  private final LongSupplier nanoClock;

  KeepAlivePool(ChannelPool pool, LongSupplier nanoClock) {
    this.pool = pool;
    this.nanoClock = nanoClock;
  }

  /**
   * The idle timeout a {@code Keep-Alive} header value announces ({@code timeout=5, max=100}), or null when
   * it announces none or one that does not parse.
   */
  static Duration announcedTimeout(String keepAlive) {
    if (keepAlive == null) {
      return null;
    }
    for (String parameter : keepAlive.split(",")) {
      String[] pair = parameter.trim().split("=", 2);
      if (pair.length == 2 && pair[0].trim().equalsIgnoreCase("timeout")) {
        try {
          long seconds = Long.parseLong(pair[1].trim());
          // longer than an hour means nothing here: the pool's own idle timeout comes first
          return seconds < 0 ? null : Duration.ofSeconds(Math.min(seconds, MAX_ANNOUNCED_SECONDS));
        } catch (NumberFormatException e) {
          return null;
        }
      }
    }
    return null;
  }

  @Override
  public boolean offer(Channel channel, Object partitionKey) {
    Duration announced = channel.attr(SERVER_IDLE_TIMEOUT).get();
    if (announced == null) {
      channel.attr(USABLE_UNTIL).set(null);
    } else {
      long usable = announced.toNanos() - MARGIN_NANOS;
      if (usable <= 0) {
        return false; // idle at most a second: AHC closes a connection the pool refuses
      }
      channel.attr(USABLE_UNTIL).set(nanoClock.getAsLong() + usable);
    }
    return pool.offer(channel, partitionKey);
  }

  @Override
  public Channel poll(Object partitionKey) {
    while (true) {
      Channel channel = pool.poll(partitionKey);
      if (channel == null) {
        return null;
      }
      Long until = channel.attr(USABLE_UNTIL).get();
      if (until == null || nanoClock.getAsLong() - until < 0) {
        return channel;
      }
      channel.close();
    }
  }

  @Override
  public boolean removeAll(Channel channel) {
    return pool.removeAll(channel);
  }

  @Override
  public boolean isOpen() {
    return pool.isOpen();
  }

  @Override
  public void destroy() {
    pool.destroy();
  }

  @Override
  public void flushPartitions(Predicate<Object> predicate) {
    pool.flushPartitions(predicate);
  }

  @Override
  public Map<String, Long> getIdleChannelCountPerHost() {
    return pool.getIdleChannelCountPerHost();
  }
}
