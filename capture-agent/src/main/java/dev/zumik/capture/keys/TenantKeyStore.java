package dev.zumik.capture.keys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Per-tenant hash keys in a directory created on first use (directories 0700, key files 0600):
 * {@code <dir>/<tenant>/<keyId>.key} holds 32 random bytes (base64) and {@code <dir>/<tenant>/current}
 * names the key in use. Rotation makes a new key current; old hashes stay under their key id and are
 * unlinkable to new ones. An installation key ({@code <dir>/_install.key}) derives tenant ids from
 * API keys, so the API key itself is never stored or published.
 */
public final class TenantKeyStore {
    private static final Pattern SAFE_TENANT = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A tenant's current key. */
    public record TenantKey(String tenant, String keyId, byte[] secret) {
        @Override
        public String toString() {
            return "TenantKey[" + tenant + ", " + keyId + ", secret=redacted]";
        }
    }

    private final Path dir;
    /** How often a cached key is checked against the directory, so a purge or rotation by another process takes effect. */
    static final long REVALIDATE_NANOS = 1_000_000_000L;

    private record Cached(TenantKey key, long checkedAt) { }

    private final Map<String, Cached> current = new ConcurrentHashMap<>();
    private final byte[] installKey;
    /** One keyed Mac per shaping thread: making one per request was a visible share of a short request's shaping. */
    private final ThreadLocal<Mac> apiKeyMac = ThreadLocal.withInitial(this::newApiKeyMac);

    public TenantKeyStore(final Path dir) {
        this.dir = dir;
        try {
            createPrivateDirectory(dir);
            this.installKey = readOrCreateKey(dir.resolve("_install.key"));
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot open the key store " + dir, e);
        }
    }

    public Path directory() {
        return dir;
    }

    /**
     * The tenant's current key, created on first use. A cached key is checked against the directory at
     * most once a second: when another process (e.g. {@code zumik purge}) destroyed or rotated it, the
     * directory's current key is used (or a new one made), so no hash is made under a destroyed key
     * for longer than that.
     */
    public TenantKey current(final String tenant) {
        final long now = System.nanoTime();
        // a cached tenant was checked when it was cached
        final Cached cached = tenant == null ? null : current.get(tenant);
        if (cached != null && now - cached.checkedAt() < REVALIDATE_NANOS) {
            return cached.key();
        }
        requireSafe(tenant);
        synchronized (this) {
            final Cached again = current.get(tenant);
            if (again != null && now - again.checkedAt() < REVALIDATE_NANOS) {
                return again.key();
            }
            final TenantKey key = again != null && stillCurrent(again.key()) ? again.key() : load(tenant);
            current.put(tenant, new Cached(key, now));
            return key;
        }
    }

    private boolean stillCurrent(final TenantKey key) {
        try {
            final Path pointer = dir.resolve(key.tenant()).resolve("current");
            return Files.exists(pointer) && Files.readString(pointer, StandardCharsets.UTF_8).trim().equals(key.keyId())
                    && Files.exists(dir.resolve(key.tenant()).resolve(key.keyId() + ".key"));
        } catch (final IOException e) {
            return false;
        }
    }

    /** Makes a new key current for the tenant and returns it. */
    public synchronized TenantKey rotate(final String tenant) {
        requireSafe(tenant);
        try {
            final TenantKey next = create(tenant, true);
            current.put(tenant, new Cached(next, System.nanoTime()));
            return next;
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot rotate the key of tenant " + tenant, e);
        }
    }

    /**
     * Destroys every key of the tenant (crypto-shredding): hashes made under them can no longer be
     * linked to anything. Returns the key ids destroyed.
     */
    public synchronized List<String> destroy(final String tenant) {
        requireSafe(tenant);
        current.remove(tenant);
        final Path tenantDir = dir.resolve(tenant);
        final List<String> destroyed = new ArrayList<>();
        if (!Files.isDirectory(tenantDir)) {
            return destroyed;
        }
        try (var files = Files.list(tenantDir)) {
            for (final Path file : files.toList()) {
                final String name = file.getFileName().toString();
                if (name.endsWith(".key")) {
                    destroyed.add(name.substring(0, name.length() - 4));
                    shred(file);
                } else {
                    Files.delete(file);
                }
            }
            Files.delete(tenantDir);
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot destroy the keys of tenant " + tenant, e);
        }
        return destroyed;
    }

    /** A stable tenant id for an API key: {@code key-} + 16 hex digits of HMAC(installKey, apiKey). */
    public String tenantForApiKey(final String apiKey) {
        // doFinal leaves the Mac ready for the next key under the same install key
        final byte[] digest = apiKeyMac.get().doFinal(apiKey.getBytes(StandardCharsets.UTF_8));
        return "key-" + HexFormat.of().formatHex(digest, 0, 8);
    }

    private Mac newApiKeyMac() {
        try {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(installKey, "HmacSHA256"));
            return mac;
        } catch (final GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    private TenantKey load(final String tenant) {
        try {
            final Path pointer = dir.resolve(tenant).resolve("current");
            if (Files.exists(pointer)) {
                final String keyId = Files.readString(pointer, StandardCharsets.UTF_8).trim();
                final Path file = dir.resolve(tenant).resolve(keyId + ".key");
                return new TenantKey(tenant, keyId, readKey(file));
            }
            return create(tenant, false);
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot read the key of tenant " + tenant, e);
        }
    }

    /**
     * Makes a new key for the tenant. A rotation replaces the current pointer; a first key does not: when
     * another process made the tenant's first key in the meantime, its key is used and ours is destroyed,
     * so agents started together never hash one tenant under two keys.
     */
    private synchronized TenantKey create(final String tenant, final boolean rotation) throws IOException {
        final Path tenantDir = dir.resolve(tenant);
        createPrivateDirectory(tenantDir);
        final byte[] id = new byte[6];
        RANDOM.nextBytes(id);
        final String keyId = "k" + HexFormat.of().formatHex(id);
        final Path keyFile = tenantDir.resolve(keyId + ".key");
        final byte[] secret = readOrCreateKey(keyFile);
        final byte[] pointerContent = keyId.getBytes(StandardCharsets.UTF_8);
        final Path pointer = tenantDir.resolve("current");
        if (rotation) {
            final Path pointerTmp = writePrivateTemp(tenantDir, pointerContent);
            Files.move(pointerTmp, pointer, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } else if (!createPrivateFile(pointer, pointerContent)) {
            shred(keyFile);
            return load(tenant);
        }
        return new TenantKey(tenant, keyId, secret);
    }

    /** Overwrites a key file with zeros, then deletes it: how every key is destroyed, by a purge or by a store that lost a race. */
    private static void shred(final Path keyFile) throws IOException {
        Files.write(keyFile, new byte[64]);
        Files.delete(keyFile);
    }

    /** The key in {@code file}, made when there is none; when another process makes it at the same time, both read the one that won. */
    private static byte[] readOrCreateKey(final Path file) throws IOException {
        if (Files.exists(file)) {
            return readKey(file);
        }
        final byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return createPrivateFile(file, Base64.getEncoder().encode(secret)) ? secret : readKey(file);
    }

    /** A key file's 32 bytes; anything else in it is an error naming the file, never a key of the wrong length. */
    private static byte[] readKey(final Path file) throws IOException {
        final byte[] secret;
        try {
            secret = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.UTF_8).trim());
        } catch (final IllegalArgumentException | CharacterCodingException e) {
            throw new IOException(file + " is not a Zumik key (32 bytes in base64)");
        }
        if (secret.length != 32) {
            throw new IOException(file + " is not a Zumik key (32 bytes in base64; it holds " + secret.length + ")");
        }
        return secret;
    }

    /**
     * Creates {@code file} (0600) holding {@code content}, never replacing one: false when another writer's
     * file is already there. The content is written to a temporary file first and then hard-linked into
     * place, so a reader never sees a half-written key and two writers never delete each other's file.
     */
    private static boolean createPrivateFile(final Path file, final byte[] content) throws IOException {
        final Path tmp = writePrivateTemp(file.getParent(), content);
        try {
            Files.createLink(file, tmp);
            return true;
        } catch (final FileAlreadyExistsException taken) {
            return false;
        } catch (final UnsupportedOperationException | FileSystemException noHardLinks) {
            // a file system without hard links: a move that refuses to replace, which leaves only a brief window
            try {
                Files.move(tmp, file);
                return true;
            } catch (final FileAlreadyExistsException taken) {
                return false;
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** A new private temporary file with a name no other writer uses, in the directory its content is bound for. */
    private static Path writePrivateTemp(final Path directory, final byte[] content) throws IOException {
        final Path tmp = isPosix(directory)
                ? Files.createTempFile(directory, ".", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(directory, ".", ".tmp");
        Files.write(tmp, content);
        return tmp;
    }

    /** Creates the directory (0700) unless it is there; another process creating it at the same moment is not an error. */
    private static void createPrivateDirectory(final Path directory) throws IOException {
        if (Files.isDirectory(directory)) {
            return;
        }
        try {
            if (isPosix(directory.toAbsolutePath().getParent())) {
                Files.createDirectories(directory.toAbsolutePath().getParent());
                Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(directory);
            }
        } catch (final FileAlreadyExistsException raced) {
            if (!Files.isDirectory(directory)) {
                throw raced;
            }
        }
    }

    private static boolean isPosix(final Path path) {
        return path != null && path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static void requireSafe(final String tenant) {
        if (tenant == null || !SAFE_TENANT.matcher(tenant).matches() || tenant.startsWith("_") || tenant.startsWith(".")) {
            throw new IllegalArgumentException("tenant id must be 1-128 of [A-Za-z0-9._-], not starting with _ or .: '" + tenant + "'");
        }
    }
}
