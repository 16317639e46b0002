package dev.zumik.schemas.serde;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12.2 refuses to instantiate generated classes outside a small trusted set; Zumik's generated
 * classes are trusted here once, so no JVM flag is needed to read our own topics. Zumik's serdes call
 * it themselves; code that uses Avro's own readers and writers on Zumik classes calls it first.
 */
public final class AvroTrust {
    private static final String TRUSTED_PREFIX = "dev.zumik.";
    private static volatile boolean installed;

    private AvroTrust() { }

    public static void ensureInstalled() {
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
