package dev.zumik.cli;

import dev.zumik.schemas.topics.Topics;
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
    dev.zumik.capture.keys.TenantKeyStore keyStore() {
        try {
            return new dev.zumik.capture.keys.TenantKeyStore(keyDir);
        } catch (final java.io.UncheckedIOException e) {
            throw ZumikException.usage("--key-dir " + keyDir + ": cannot open the key store (" + Values.reason(e.getCause()) + ")");
        }
    }
}
