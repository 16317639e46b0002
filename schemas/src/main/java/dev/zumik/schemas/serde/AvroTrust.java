package dev.zumik.schemas.serde;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12.2 refuses to instantiate generated classes outside a small trusted set; Zumik's generated
 * classes are trusted here once, so no JVM flag is needed to read our own topics.
 */
final class AvroTrust {
    private static final String TRUSTED_PREFIX = "dev.zumik.";
    private static volatile boolean installed;

    private AvroTrust() { }

    static void ensureInstalled() {
        if (installed) {
            return;
        }
        synchronized (AvroTrust.class) {
            if (!installed) {
                final ClassSecurityValidator.ClassSecurityPredicate previous = ClassSecurityValidator.getGlobal();
                ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(previous,
                        type -> type.getName().startsWith(TRUSTED_PREFIX)));
                installed = true;
            }
        }
    }
}
