package dev.zumik.localstack.registry;

import java.util.stream.Collectors;

/** A Confluent-API error: HTTP status plus the registry's own error code, as clients expect them. */
final class RegistryError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final int status;
    final int errorCode;

    RegistryError(final int status, final int errorCode, final String message) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
    }

    static RegistryError subjectNotFound(final String subject) {
        return new RegistryError(404, 40401, "Subject '" + subject + "' not found.");
    }

    static RegistryError versionNotFound(final String subject, final String version) {
        return new RegistryError(404, 40402, "Version " + version + " not found for subject '" + subject + "'.");
    }

    static RegistryError schemaNotFound(final String what) {
        return new RegistryError(404, 40403, "Schema " + what + " not found");
    }

    static RegistryError invalidSchema(final String detail) {
        return new RegistryError(422, 42201, "Invalid schema: " + detail);
    }

    static RegistryError invalidVersion(final String version) {
        return new RegistryError(422, 42202, "The specified version '" + version + "' is not a valid version id. "
                + "Allowed values are between [1, 2^31-1] and the string \"latest\"");
    }

    static RegistryError invalidCompatibility(final String level) {
        return new RegistryError(422, 42203, "Invalid compatibility level '" + level + "'. Valid values are "
                + String.join(", ", Compatibility.names()));
    }

    static RegistryError incompatible(final String subject, final String details) {
        return new RegistryError(409, 409, "Schema being registered is incompatible with an earlier schema for subject \""
                + subject + "\", details: " + details);
    }

    static RegistryError invalidSubject(final String subject) {
        return new RegistryError(422, 42208, "Invalid subject " + subject.codePoints()
                .mapToObj(c -> Character.isISOControl(c) ? String.format("\\u%04x", c) : Character.toString(c))
                .collect(Collectors.joining("", "'", "'")) + ": a subject is not empty and holds no control character");
    }

    static RegistryError subjectConfigNotFound(final String subject) {
        return new RegistryError(404, 40408, "Subject '" + subject + "' does not have subject-level compatibility configured");
    }
}
