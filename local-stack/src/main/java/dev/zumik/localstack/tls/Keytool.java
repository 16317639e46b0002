package dev.zumik.localstack.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Self-signed PKCS12 key and trust stores for loopback TLS, made with the JDK's own {@code keytool}
 * so that tests of secured connections need nothing beyond the JDK.
 */
public final class Keytool {
    private Keytool() { }

    /** A keystore {@code DIR/NAME.p12} holding a new EC key and a self-signed certificate for 127.0.0.1 and localhost. */
    public static Path keyPair(final Path dir, final String name, final String password) {
        final Path store = dir.resolve(name + ".p12");
        run("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=" + name, "-ext", "SAN=IP:127.0.0.1,DNS:localhost", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", password, "-keypass", password);
        return store;
    }

    /**
     * A truststore {@code DIR/NAME.p12} trusting the certificate of each keystore made by
     * {@link #keyPair} (all with {@code keyPassword}).
     */
    public static Path trustStore(final Path dir, final String name, final String password, final String keyPassword,
                                  final Path... keyStores) {
        final Path store = dir.resolve(name + ".p12");
        for (final Path keyStore : keyStores) {
            final String alias = keyStore.getFileName().toString().replaceFirst("\\.p12$", "");
            final Path certificate = dir.resolve(name + "-" + alias + ".pem");
            run("-exportcert", "-rfc", "-alias", alias, "-keystore", keyStore.toString(), "-storepass", keyPassword,
                    "-file", certificate.toString());
            run("-importcert", "-noprompt", "-alias", alias, "-file", certificate.toString(), "-storetype", "PKCS12",
                    "-keystore", store.toString(), "-storepass", password);
        }
        return store;
    }

    private static void run(final String... args) {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        try {
            final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool " + args[0] + " failed: " + output.strip());
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot run keytool", e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }
}
