package dev.zumik.cli;

/** A failure to report as one line and an exit code, without a stack trace. */
public final class ZumikException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public static final int USAGE = 2;
    public static final int FAILURE = 1;

    private final int exitCode;

    public ZumikException(final int exitCode, final String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public static ZumikException usage(final String message) {
        return new ZumikException(USAGE, message);
    }

    public static ZumikException failure(final String message) {
        return new ZumikException(FAILURE, message);
    }

    public int exitCode() {
        return exitCode;
    }
}
