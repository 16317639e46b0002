package dev.zumik.localstack.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the embedded registry protects its API: TLS from a PKCS12 keystore and HTTP basic auth, each
 * optional, as Confluent clients expect them ({@code https://} URLs, {@code basic.auth.user.info}).
 *
 * @param keystore         PKCS12 keystore with the server's key and certificate; null for plain HTTP
 * @param keystorePassword its password
 * @param users            user to password for basic auth; empty for none
 */
public record RegistryServerSecurity(Path keystore, String keystorePassword, Map<String, String> users) {

    public RegistryServerSecurity {
        users = Map.copyOf(users);
    }

    public static RegistryServerSecurity none() {
        return new RegistryServerSecurity(null, null, Map.of());
    }

    public boolean tls() {
        return keystore != null;
    }

    /**
     * Reads {@code user:password} lines (blank lines and {@code #} comments skipped), as a users file.
     *
     * @throws IllegalArgumentException naming the file and line of a line without a colon
     */
    public static Map<String, String> readUsers(final Path file) {
        final Map<String, String> users = new LinkedHashMap<>();
        final String[] lines;
        try {
            lines = Files.readString(file, StandardCharsets.UTF_8).split("\r?\n");
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        for (int i = 0; i < lines.length; i++) {
            final String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            final int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": expected user:password");
            }
            users.put(line.substring(0, colon), line.substring(colon + 1));
        }
        if (users.isEmpty()) {
            throw new IllegalArgumentException(file + " has no user:password line");
        }
        return users;
    }
}
