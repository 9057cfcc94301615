package io.asyncudf.internal.connector;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns when a transport library's logger that prints what a request sends (URLs, headers, bytes)
 * is enabled at DEBUG: our own messages redact secrets, but those loggers print them verbatim. Give
 * logger names from class literals, so they follow the package relocation of the shaded jar.
 */
public final class TransportLogging {

  private static final Logger LOG = LoggerFactory.getLogger(TransportLogging.class);

  private TransportLogging() {}

  /** Logs one warning for {@code client} if {@code loggerName} is enabled at DEBUG. */
  public static void warnIfDebug(String client, String loggerName, String whatItLogs) {
    if (LoggerFactory.getLogger(loggerName).isDebugEnabled()) {
      LOG.warn("Logger '{}' is at DEBUG and logs {} of {} verbatim: credentials sent there reach the logs; "
          + "set it to INFO", loggerName, whatItLogs, client);
    }
  }
}
