package dev.zumik.schemas.registry;

/**
 * A schema registry call failed. {@link #status()} and {@link #errorCode()} carry the registry's own
 * answer (e.g. 409 / 409 for an incompatible schema, 404 / 40403 for an unknown id); both are -1 when
 * the registry could not be reached at all.
 */
public final class SchemaRegistryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public static final int SUBJECT_NOT_FOUND = 40401;
    public static final int VERSION_NOT_FOUND = 40402;
    public static final int SCHEMA_NOT_FOUND = 40403;
    public static final int INCOMPATIBLE_SCHEMA = 409;
    public static final int INVALID_SCHEMA = 42201;

    private final int status;
    private final int errorCode;

    public SchemaRegistryException(final int status, final int errorCode, final String message) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
    }

    public SchemaRegistryException(final String message, final Throwable cause) {
        super(message, cause);
        this.status = -1;
        this.errorCode = -1;
    }

    public int status() {
        return status;
    }

    public int errorCode() {
        return errorCode;
    }

    /** Unreachable, overloaded or failing on its side: the same call may succeed later. */
    public boolean isTransient() {
        return status < 0 || status >= 500 || status == 429 || status == 408;
    }

    public boolean isNotFound() {
        return status == 404;
    }
}
