package dev.zumik.localstack.junit;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Property;

/**
 * Records every log line of this JVM, at every level, while installed: for privacy assertions and for
 * "at most one line, no stack trace" ones. Needs log4j-core as the logging backend, as every Zumik process has.
 */
public final class LogCapture extends AbstractAppender implements AutoCloseable {
    private final List<String> lines = new CopyOnWriteArrayList<>();
    /** The lines a default run prints (INFO and above). */
    private final List<String> shown = new CopyOnWriteArrayList<>();
    private final Level previousRoot;

    private LogCapture() {
        super("zumik-log-capture", null, null, true, Property.EMPTY_ARRAY);
        final LoggerContext context = (LoggerContext) LogManager.getContext(false);
        final Configuration config = context.getConfiguration();
        previousRoot = config.getRootLogger().getLevel();
        start();
        config.addAppender(this);
        config.getRootLogger().addAppender(this, Level.ALL, null);
        config.getRootLogger().setLevel(Level.DEBUG);
        config.getLoggers().values().forEach(logger -> logger.addAppender(this, Level.ALL, null));
        context.updateLoggers();
    }

    public static LogCapture install() {
        return new LogCapture();
    }

    @Override
    public void append(final LogEvent event) {
        final StringBuilder line = new StringBuilder(event.getMessage().getFormattedMessage());
        for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
            line.append(" | ").append(t);
        }
        lines.add(line.toString());
        if (event.getLevel().isMoreSpecificThan(Level.INFO)) {
            shown.add(event.getLevel() + " " + line);
        }
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** The lines at INFO and above, as a default run prints them, each after its level; a thrown exception follows " | ". */
    public List<String> shownLines() {
        return List.copyOf(shown);
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
