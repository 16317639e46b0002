package dev.zumik.cli;

import dev.zumik.capture.keys.TenantKeyStore;
import dev.zumik.schemas.topics.Topics;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options of the commands that write or read shapes: the shape topic and the tenant key store. */
final class ShapeOptions {
    @Option(names = "--topic", paramLabel = "NAME", defaultValue = Topics.SHAPES, description = "Shape topic (default ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--key-dir", paramLabel = "DIR", defaultValue = "${sys:user.home}/.zumik/keys",
            description = "Tenant hash keys, created on first use (default ${DEFAULT-VALUE}).")
    Path keyDir;

    /** The key store at {@code --key-dir}, opened (and created) now, so a bad directory is one line before any work. */
    TenantKeyStore keyStore() {
        try {
            return new TenantKeyStore(keyDir);
        } catch (final UncheckedIOException e) {
            throw ZumikException.usage("--key-dir " + keyDir + ": cannot open the key store (" + Values.reason(e.getCause()) + ")");
        }
    }
}
