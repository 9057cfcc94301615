package io.asyncudf.it.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.AppenderRef;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Captures every log event of this JVM while open, once each, with every cause and its stack
 * trace: Spark and everything else at INFO, the given logger names at their given levels.
 */
final class CapturedLogs extends AbstractAppender implements AutoCloseable {

  private final List<String> lines = new ArrayList<>();

  CapturedLogs(Map<String, Level> levels) {
    super("captured", null, null, true, Property.EMPTY_ARRAY);
    start();
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    Configuration configuration = context.getConfiguration();
    levels.forEach((name, level) -> configuration.addLogger(name,
        LoggerConfig.newBuilder().withLoggerName(name).withLevel(level).withAdditivity(true)
            .withRefs(new AppenderRef[0]).withConfig(configuration).build()));
    for (LoggerConfig logger : configuration.getLoggers().values()) {
      if (!levels.containsKey(logger.getName())) {
        logger.setLevel(Level.INFO);
      }
      if (logger.getParent() == null || !logger.isAdditive()) {
        logger.addAppender(this, Level.ALL, null);
      }
    }
    configuration.getRootLogger().setLevel(Level.INFO);
    configuration.getRootLogger().addAppender(this, Level.ALL, null);
    context.updateLoggers();
  }

  @Override
  public synchronized void append(LogEvent event) {
    StringBuilder line = new StringBuilder(event.getLoggerName()).append(' ')
        .append(event.getMessage().getFormattedMessage());
    if (event.getThrown() != null) {
      line.append('\n').append(Texts.stackTrace(event.getThrown()));
    }
    lines.add(line.toString());
  }

  synchronized String text() {
    return String.join("\n", lines);
  }

  synchronized long linesFrom(String loggerPrefix) {
    return lines.stream().filter(line -> line.startsWith(loggerPrefix)).count();
  }

  /** Restores the configuration from the log4j2 configuration file. */
  @Override
  public void close() {
    ((LoggerContext) LogManager.getContext(false)).reconfigure();
    stop();
  }
}
