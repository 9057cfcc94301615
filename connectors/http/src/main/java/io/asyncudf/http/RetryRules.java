package io.asyncudf.http;

import io.asyncudf.internal.connector.Backoff;
import io.asyncudf.internal.connector.RequestRetries;
import io.netty.channel.ConnectTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/** Which failed request attempts are retried, and after how long. */
final class RetryRules {

  private static final Set<Integer> RETRYABLE_STATUS = Set.of(429, 502, 503, 504);

  private final HttpRetrySettings settings;
  private final Runnable onRetry;
  private final RequestRetries.Rules idempotent;
  private final RequestRetries.Rules nonIdempotent;

  /** @param onRetry runs for every retry decided (to count them) */
  RetryRules(HttpRetrySettings settings, Runnable onRetry) {
    this.settings = settings;
    this.onRetry = onRetry;
    this.idempotent = rules(true);
    this.nonIdempotent = rules(false);
  }

  /** The rules for {@code request}: they depend only on whether it is idempotent, so two instances serve all. */
  RequestRetries.Rules forRequest(HttpRequest request) {
    return request.isIdempotent() ? idempotent : nonIdempotent;
  }

  private RequestRetries.Rules rules(boolean idempotentRequest) {
    return new RequestRetries.Rules() {
      @Override
      public boolean isRetryable(Throwable failure) {
        return RetryRules.this.isRetryable(idempotentRequest, failure);
      }

      @Override
      public Duration delayAfter(int failedAttempt, Throwable failure) {
        onRetry.run();
        return RetryRules.this.delayAfter(failedAttempt, failure);
      }
    };
  }

  /**
   * Connect failures and 429 are retried for every request: the server never processed it. Other
   * transport failures, timeouts and 502/503/504 only for idempotent requests. A {@code Retry-After}
   * beyond {@code maxRetryAfter} is not retried.
   */
  private boolean isRetryable(boolean idempotentRequest, Throwable failure) {
    if (failure instanceof HttpStatusException status) {
      if (!RETRYABLE_STATUS.contains(status.status())) {
        return false;
      }
      if (status.retryAfter().map(wait -> wait.compareTo(settings.maxRetryAfter()) > 0).orElse(false)) {
        return false;
      }
      return status.status() == 429 || idempotentRequest;
    }
    if (isTlsFailure(failure) || failure instanceof ResponseTooLargeException || failure instanceof UnknownHostException
        || failure instanceof AuthenticationException || failure instanceof CredentialScopeException) {
      return false;
    }
    if (failure instanceof ConnectException || failure instanceof ConnectTimeoutException) {
      return true;
    }
    return idempotentRequest && (failure instanceof IOException || failure instanceof TimeoutException);
  }

  /** Full-jitter exponential backoff, raised to the server's {@code Retry-After} when it sent one. */
  Duration delayAfter(int failedAttempt, Throwable failure) {
    Duration backoff = Backoff.fullJitter(settings.initialBackoff(), settings.maxBackoff(), failedAttempt);
    if (failure instanceof HttpStatusException status && status.retryAfter().isPresent()) {
      Duration asked = status.retryAfter().get();
      return asked.compareTo(backoff) > 0 ? asked : backoff;
    }
    return backoff;
  }

  /** {@code Retry-After} as delta-seconds or HTTP-date, relative to now; null when absent or unreadable. */
  static Duration parseRetryAfter(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String trimmed = value.trim();
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(trimmed)));
    } catch (NumberFormatException notSeconds) {
      try {
        Duration until = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME));
        return until.isNegative() ? Duration.ZERO : until;
      } catch (DateTimeParseException notDate) {
        return null;
      }
    }
  }

  /** An untrusted certificate or failed handshake: retrying cannot help. */
  static boolean isTlsFailure(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof SSLException) {
        return true;
      }
    }
    return false;
  }
}
