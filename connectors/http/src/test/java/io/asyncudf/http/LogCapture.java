package io.asyncudf.http;

import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/** Captures every log event of every logger at TRACE, once each, with its stack traces, while open. */
final class LogCapture extends AbstractAppender implements AutoCloseable {

  private record Line(String logger, String text) {}

  private final List<Line> lines = new ArrayList<>();

  LogCapture() {
    super("capture", null, null, true, Property.EMPTY_ARRAY);
    start();
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    Configuration configuration = context.getConfiguration();
    for (LoggerConfig logger : configuration.getLoggers().values()) {
      logger.setLevel(Level.TRACE);
      if (logger.getParent() == null || !logger.isAdditive()) {
        logger.addAppender(this, Level.TRACE, null);
      }
    }
    context.updateLoggers();
  }

  @Override
  public synchronized void append(LogEvent event) {
    StringBuilder line = new StringBuilder(event.getLoggerName()).append(' ').append(event.getMessage().getFormattedMessage());
    for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
      line.append(" | ").append(t);
    }
    lines.add(new Line(event.getLoggerName(), line.toString()));
  }

  synchronized String text() {
    return String.join("\n", lines.stream().map(Line::text).toList());
  }

  /** The text of every logger whose name does not start with {@code loggerPrefix}. */
  synchronized String textExceptLoggers(String loggerPrefix) {
    return String.join("\n", lines.stream().filter(line -> !line.logger().startsWith(loggerPrefix)).map(Line::text).toList());
  }

  synchronized int lineCount() {
    return lines.size();
  }

  /** Restores the configuration from the log4j2 configuration file. */
  @Override
  public void close() {
    ((LoggerContext) LogManager.getContext(false)).reconfigure();
    stop();
  }
}
