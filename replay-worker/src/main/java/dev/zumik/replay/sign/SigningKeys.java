package dev.zumik.replay.sign;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Ed25519 verdict-signing keys (JDK built-in) as PEM files: {@code signing.key} (PKCS#8, file mode 0600)
 * and {@code signing.pub} (X.509 SubjectPublicKeyInfo). A key id is the first 16 hex digits of the
 * sha256 of the public key's DER encoding, so anyone holding the public key can recompute it.
 */
public final class SigningKeys {
    public static final String PRIVATE_FILE = "signing.key";
    public static final String PUBLIC_FILE = "signing.pub";

    private SigningKeys() { }

    /** Writes a new key pair into {@code dir}; refuses to overwrite an existing key. */
    public static KeyPair generate(final Path dir) {
        try {
            final KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            Files.createDirectories(dir);
            final Path privateFile = dir.resolve(PRIVATE_FILE);
            final Path publicFile = dir.resolve(PUBLIC_FILE);
            if (Files.exists(privateFile) || Files.exists(publicFile)) {
                throw new IllegalArgumentException(dir + " already holds a signing key; move it away first");
            }
            Files.createFile(privateFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(privateFile, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), StandardOpenOption.TRUNCATE_EXISTING);
            Files.writeString(publicFile, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
            return pair;
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot write the signing key to " + dir + ": " + e.getMessage(), e);
        } catch (final GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no Ed25519", e);
        }
    }

    public static PrivateKey readPrivate(final Path file) {
        try {
            final PrivateKey key = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der(file, "PRIVATE KEY")));
            if (!(key instanceof EdECPrivateKey)) {
                throw new IllegalArgumentException(file + ": not an Ed25519 private key");
            }
            return key;
        } catch (final GeneralSecurityException e) {
            throw new IllegalArgumentException(file + ": not an Ed25519 private key (" + e.getMessage() + ")");
        }
    }

    public static PublicKey readPublic(final Path file) {
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der(file, "PUBLIC KEY")));
        } catch (final GeneralSecurityException e) {
            throw new IllegalArgumentException(file + ": not an Ed25519 public key (" + e.getMessage() + ")");
        }
    }

    /** The public half of a private key, derived (Ed25519 public keys follow from the private seed). */
    public static PublicKey publicOf(final PrivateKey key) {
        try {
            final byte[] seed = ((EdECPrivateKey) key).getBytes().orElseThrow();
            final var generator = KeyPairGenerator.getInstance("Ed25519");
            generator.initialize(NamedParameterSpec.ED25519, new FixedRandom(seed));
            return generator.generateKeyPair().getPublic();
        } catch (final GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String keyId(final PublicKey key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()), 0, 8);
        } catch (final GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] der(final Path file, final String label) {
        final String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (final IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        }
        final String begin = "-----BEGIN " + label + "-----";
        final String end = "-----END " + label + "-----";
        final int from = text.indexOf(begin);
        final int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalArgumentException(file + ": not a PEM " + label.toLowerCase(Locale.ROOT) + " (no " + begin + ")");
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
        } catch (final IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": bad PEM body (" + e.getMessage() + ")");
        }
    }

    private static String pem(final String label, final byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    /** Hands the generator the private seed, so it derives that seed's public key. */
    private static final class FixedRandom extends SecureRandom {
        private final byte[] seed;

        FixedRandom(final byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(final byte[] bytes) {
            System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
        }
    }
}
