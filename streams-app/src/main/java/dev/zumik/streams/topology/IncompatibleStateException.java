package dev.zumik.streams.topology;

/**
 * The streams app's state was written in a form this build cannot continue from exactly. Retrying
 * cannot help, so the app stops with this message rather than replacing its stream thread.
 */
public final class IncompatibleStateException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    IncompatibleStateException(final String message) {
        super(message);
    }

    /** The first IncompatibleStateException in {@code error}'s cause chain, or null. */
    public static IncompatibleStateException in(final Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IncompatibleStateException incompatible) {
                return incompatible;
            }
        }
        return null;
    }
}
