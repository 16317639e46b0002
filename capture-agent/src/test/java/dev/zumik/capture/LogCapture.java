package dev.zumik.capture;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Property;

/** Records every log line of this JVM, at every level, while installed: for privacy assertions. */
final class LogCapture extends AbstractAppender implements AutoCloseable {
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final org.apache.logging.log4j.Level previousRoot;

    private LogCapture() {
        super("zumik-log-capture", null, null, true, Property.EMPTY_ARRAY);
        final LoggerContext context = (LoggerContext) LogManager.getContext(false);
        final Configuration config = context.getConfiguration();
        previousRoot = config.getRootLogger().getLevel();
        start();
        config.addAppender(this);
        config.getRootLogger().addAppender(this, org.apache.logging.log4j.Level.ALL, null);
        config.getRootLogger().setLevel(org.apache.logging.log4j.Level.DEBUG);
        config.getLoggers().values().forEach(logger -> logger.addAppender(this, org.apache.logging.log4j.Level.ALL, null));
        context.updateLoggers();
    }

    static LogCapture install() {
        return new LogCapture();
    }

    @Override
    public void append(final LogEvent event) {
        final StringBuilder line = new StringBuilder(event.getMessage().getFormattedMessage());
        for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
            line.append(" | ").append(t);
        }
        lines.add(line.toString());
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        final LoggerContext context = (LoggerContext) LogManager.getContext(false);
        final Configuration config = context.getConfiguration();
        config.getRootLogger().removeAppender(getName());
        config.getLoggers().values().forEach(logger -> logger.removeAppender(getName()));
        config.getRootLogger().setLevel(previousRoot);
        context.updateLoggers();
        stop();
    }
}
