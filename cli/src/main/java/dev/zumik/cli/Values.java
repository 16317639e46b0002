package dev.zumik.cli;

import dev.zumik.core.cost.ByocProfile;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Parsers for flag values that picocli has no converter for; each failure names the flag. */
final class Values {
    private Values() { }

    /** {@code file} when it can be read; else a usage error "[FLAG ]FILE: no such readable file". */
    static Path readableFile(final String flag, final Path file) {
        if (!Files.isReadable(file)) {
            throw ZumikException.usage((flag == null ? "" : flag + " ") + file + ": no such readable file");
        }
        if (Files.isDirectory(file)) {
            throw ZumikException.usage((flag == null ? "" : flag + " ") + file + ": a directory, not a file");
        }
        return file;
    }

    /** {@code file} when it can be written (its directory exists and is writable, and it is not a directory); else a usage error. */
    static Path writableFile(final String flag, final Path file) {
        return writableFile(flag, file, "cannot write a file there");
    }

    /** As {@link #writableFile(String, Path)}, the error saying {@code complaint} after the flag and the file. */
    static Path writableFile(final String flag, final Path file, final String complaint) {
        final Path dir = file.toAbsolutePath().getParent();
        if (Files.isDirectory(file) || dir == null || !Files.isDirectory(dir) || !Files.isWritable(dir)
                || Files.exists(file) && !Files.isWritable(file)) {
            throw ZumikException.usage(flag + " " + file + ": " + complaint);
        }
        return file;
    }

    /**
     * {@code dir}, created if missing, when files can be written in it; else a usage error naming the flag.
     * Long runs check their output first, so that a finished replay never has nowhere to go.
     */
    static Path writableDir(final String flag, final Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw ZumikException.usage(flag + " " + dir + ": a file, not a directory");
        }
        try {
            Files.createDirectories(dir);
        } catch (final IOException | RuntimeException e) {
            throw ZumikException.usage(flag + " " + dir + ": cannot create the directory (" + reason(e) + ")");
        }
        if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw ZumikException.usage(flag + " " + dir + ": not a writable directory");
        }
        return dir;
    }

    /** Why a file operation failed, in words rather than the exception's class. */
    static String reason(final Exception e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "a file, not a directory, is in the way";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason().toLowerCase(Locale.ROOT);
        }
        return e instanceof NoSuchFileException ? "no such parent directory" : String.valueOf(e.getMessage());
    }

    /** The text of a readable file (a password file, say); a usage error naming the flag otherwise. */
    static String readText(final String flag, final Path file) {
        try {
            return Files.readString(readableFile(flag, file), StandardCharsets.UTF_8);
        } catch (final IOException e) {
            throw ZumikException.usage(flag + " " + file + ": " + e.getMessage());
        }
    }

    /** A BYOC profile given as a shipped name (dynamo, k8s-portable) or a file. */
    static ByocProfile byocProfile(final String flag, final String nameOrFile) {
        if (ByocProfile.SHIPPED.contains(nameOrFile)) {
            return ByocProfile.shipped(nameOrFile);
        }
        if (!nameOrFile.contains("/") && !nameOrFile.contains(".") && !Files.exists(Path.of(nameOrFile))) {
            throw ZumikException.usage((flag == null ? "" : flag + ": ") + "unknown profile '" + nameOrFile + "': give "
                    + String.join(", ", ByocProfile.SHIPPED) + " or a profile file");
        }
        return ByocProfile.read(readableFile(flag, Path.of(nameOrFile)));
    }

    /** An http(s) URL with a host. */
    static URI httpUrl(final String flag, final String value) {
        try {
            final URI uri = URI.create(value.trim());
            if ((!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw ZumikException.usage(flag + " must be an http(s)://host[:port][/path] URL, got '" + value + "'");
            }
            return uri;
        } catch (final IllegalArgumentException e) {
            throw ZumikException.usage(flag + " '" + value + "' is not a URL");
        }
    }

    /** {@code 65536}, {@code 64k}, {@code 64m}, {@code 1g} (binary units). */
    static long bytes(final String flag, final String value) {
        final String v = value.trim().toLowerCase(Locale.ROOT).replace("ib", "").replace("b", "");
        long unit = 1;
        String digits = v;
        if (v.endsWith("k") || v.endsWith("m") || v.endsWith("g")) {
            unit = v.endsWith("k") ? 1L << 10 : v.endsWith("m") ? 1L << 20 : 1L << 30;
            digits = v.substring(0, v.length() - 1);
        }
        try {
            final long n = Long.parseLong(digits);
            if (n < 0) {
                throw ZumikException.usage(flag + " must not be negative, got " + value);
            }
            return Math.multiplyExact(n, unit);
        } catch (final NumberFormatException | ArithmeticException e) {
            throw ZumikException.usage(flag + " '" + value + "' is not a size (e.g. 65536, 64k, 64m, 1g; at most 8 exabytes)");
        }
    }

    /** {@code host:port}. */
    static String[] hostPort(final String flag, final String value) {
        final int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw ZumikException.usage(flag + " must be HOST:PORT, got '" + value + "'");
        }
        final String port = value.substring(colon + 1);
        try {
            final int p = Integer.parseInt(port);
            if (p < 0 || p > 65535) {
                throw ZumikException.usage(flag + " port must be 0..65535, got " + p);
            }
        } catch (final NumberFormatException e) {
            throw ZumikException.usage(flag + " port '" + port + "' is not a number");
        }
        return new String[] {value.substring(0, colon), port};
    }

    /** An ISO-8601 instant (2026-01-01T00:00:00Z) or epoch milliseconds. */
    static Instant instant(final String flag, final String value) {
        try {
            return Instant.ofEpochMilli(Long.parseLong(value.trim()));
        } catch (final NumberFormatException notMillis) {
            try {
                return Instant.parse(value.trim());
            } catch (final DateTimeParseException e) {
                throw ZumikException.usage(flag + " '" + value + "' is neither an ISO-8601 instant (2026-01-01T00:00:00Z) nor epoch ms");
            }
        }
    }
}
