package io.asyncudf.it.chaos;

import java.io.IOException;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;

/**
 * A flaky service: {@code GET /value?id=N} answers {@code {"id":N,"value":3N}}, or, at the
 * configured rates and from a fixed random seed, a 503, a 429 with {@code Retry-After} (as seconds
 * and as an HTTP date, alternately), a connection reset, a stall past the client's timeout, or a
 * truncated JSON body. Ids in {@link #alwaysFailing} always get a 503. Counts every outcome.
 */
final class ChaosService implements AutoCloseable {

  enum Outcome { OK, UNAVAILABLE, RATE_LIMITED, RESET, STALL, MALFORMED, ALWAYS_FAILING }

  private final MockWebServer server = new MockWebServer();
  private final Random random;
  private final Map<Outcome, Double> rates;
  private final long stallMillis;
  private final Set<Long> alwaysFailing;
  private final Map<Outcome, AtomicLong> counts = new EnumMap<>(Outcome.class);

  /** {@code rates}: the share of requests per outcome, drawn in enum order; the rest are {@code OK}. */
  ChaosService(long seed, EnumMap<Outcome, Double> rates, long stallMillis, Set<Long> alwaysFailing)
      throws IOException {
    this.random = new Random(seed);
    this.rates = rates;
    this.stallMillis = stallMillis;
    this.alwaysFailing = alwaysFailing;
    for (Outcome outcome : Outcome.values()) {
      counts.put(outcome, new AtomicLong());
    }
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return answer(request);
      }
    });
    server.setServerSocketFactory(new NoDelayServerSocketFactory());
    server.start(0);
  }

  String baseUrl() {
    return server.url("/").toString();
  }

  long count(Outcome outcome) {
    return counts.get(outcome).get();
  }

  static long valueOf(long id) {
    return 3 * id;
  }

  private MockResponse answer(RecordedRequest request) {
    long id = Long.parseLong(request.getUrl().queryParameter("id"));
    Outcome outcome = alwaysFailing.contains(id) ? Outcome.ALWAYS_FAILING : draw();
    counts.get(outcome).incrementAndGet();
    String body = "{\"id\":" + id + ",\"value\":" + valueOf(id) + "}";
    return switch (outcome) {
      case OK -> json(body);
      case UNAVAILABLE, ALWAYS_FAILING -> new MockResponse.Builder().code(503).body("overloaded").build();
      case RATE_LIMITED -> new MockResponse.Builder().code(429).addHeader("Retry-After",
          id % 2 == 0 ? "0" : DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now())).build();
      case RESET -> new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build();
      case STALL -> new MockResponse.Builder().code(200).headersDelay(stallMillis, TimeUnit.MILLISECONDS).body(body).build();
      case MALFORMED -> json(body.substring(0, body.length() / 2));
    };
  }

  private synchronized Outcome draw() {
    double roll = random.nextDouble();
    for (Map.Entry<Outcome, Double> rate : rates.entrySet()) {
      roll -= rate.getValue();
      if (roll < 0) {
        return rate.getKey();
      }
    }
    return Outcome.OK;
  }

  private static MockResponse json(String body) {
    return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json").body(body).build();
  }

  @Override
  public void close() {
    server.close();
  }
}
