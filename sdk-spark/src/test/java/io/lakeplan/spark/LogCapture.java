package io.lakeplan.spark;

import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * Everything this JVM logs at INFO and above (Lakeplan at DEBUG) while open, stack traces included,
 * kept in memory; the console keeps its WARN threshold. Tests use it to prove that a value (a
 * resolved secret) was never logged.
 */
public final class LogCapture implements AutoCloseable {
  private static final String NAME = "lakeplan-log-capture";

  private final StringWriter text = new StringWriter();
  private final LoggerContext context;
  private final Level rootLevel;
  private final Level lakeplanLevel;
  private final Appender appender;
  private final List<Appender> console = new ArrayList<>();

  private LogCapture() {
    context = (LoggerContext) LogManager.getContext(false);
    Configuration configuration = context.getConfiguration();
    appender =
        WriterAppender.newBuilder()
            .setName(NAME)
            .setTarget(text)
            .setLayout(PatternLayout.newBuilder().withPattern("%p %c: %m%n%throwable").build())
            .build();
    appender.start();
    configuration.addAppender(appender);
    LoggerConfig root = configuration.getRootLogger();
    rootLevel = root.getLevel();
    // the console appender stays at what it showed before; the capture sees INFO
    console.addAll(root.getAppenders().values());
    for (Appender existing : console) {
      root.removeAppender(existing.getName());
      root.addAppender(existing, rootLevel, null);
    }
    root.addAppender(appender, Level.ALL, null);
    root.setLevel(Level.INFO);
    LoggerConfig lakeplan = configuration.getLoggerConfig("io.lakeplan");
    lakeplanLevel = lakeplan.getName().equals("io.lakeplan") ? lakeplan.getLevel() : null;
    if (lakeplanLevel == null) {
      LoggerConfig added = new LoggerConfig("io.lakeplan", Level.DEBUG, true);
      configuration.addLogger("io.lakeplan", added);
    } else {
      lakeplan.setLevel(Level.DEBUG);
    }
    context.updateLoggers();
  }

  /** Starts capturing. */
  public static LogCapture start() {
    return new LogCapture();
  }

  /** What was logged so far. */
  public String text() {
    return text.toString();
  }

  /** Stops capturing and restores the levels. */
  @Override
  public void close() {
    Configuration configuration = context.getConfiguration();
    LoggerConfig root = configuration.getRootLogger();
    root.removeAppender(NAME);
    for (Appender existing : console) {
      root.removeAppender(existing.getName());
      root.addAppender(existing, null, null);
    }
    root.setLevel(rootLevel);
    if (lakeplanLevel == null) {
      configuration.removeLogger("io.lakeplan");
    } else {
      configuration.getLoggerConfig("io.lakeplan").setLevel(lakeplanLevel);
    }
    context.updateLoggers();
    appender.stop();
  }
}
