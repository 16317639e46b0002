package dev.zumik.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zumik.replay.sign.Dsse;
import dev.zumik.replay.sign.SigningKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyPair;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DsseTest {

    @Test
    void shouldEncodeThePreAuthenticationAsTheDsseSpecSays() {
        // the example of the DSSE protocol document
        assertThat(new String(Dsse.pae("http://example.com/HelloWorld", "hello world".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8))
                .isEqualTo("DSSEv1 29 http://example.com/HelloWorld 11 hello world");
    }

    @Test
    void shouldFailEverySingleBitFlipOfTheEnvelopeAndPassTheUntouchedOne(@TempDir final Path dir) throws Exception {
        // given
        final KeyPair keys = SigningKeys.generate(dir);
        final byte[] envelope = Dsse.sign(Dsse.IN_TOTO_PAYLOAD_TYPE, "{\"_type\":\"https://in-toto.io/Statement/v1\",\"n\":42}"
                .getBytes(StandardCharsets.UTF_8), keys.getPrivate(), SigningKeys.keyId(keys.getPublic())).getBytes(StandardCharsets.UTF_8);
        assertThat(Dsse.open(envelope, keys.getPublic()).payloadType()).isEqualTo(Dsse.IN_TOTO_PAYLOAD_TYPE);
        // when every bit of every byte is flipped in turn (envelope structure, payload, key id and signature)
        int flips = 0;
        for (int i = 0; i < envelope.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                final byte[] tampered = envelope.clone();
                tampered[i] ^= (byte) (1 << bit);
                final int at = i;
                assertThatThrownBy(() -> Dsse.open(tampered, keys.getPublic())).as("byte %d bit %d", at, bit)
                        .isInstanceOf(Dsse.VerificationException.class);
                flips++;
            }
        }
        // then
        assertThat(flips).isGreaterThanOrEqualTo(2000);
    }

    @Test
    void shouldFailUnderAnotherKey(@TempDir final Path dir) throws Exception {
        final KeyPair signer = SigningKeys.generate(dir.resolve("a"));
        final KeyPair other = SigningKeys.generate(dir.resolve("b"));
        final byte[] envelope = Dsse.sign(Dsse.IN_TOTO_PAYLOAD_TYPE, new byte[] {1, 2, 3}, signer.getPrivate(),
                SigningKeys.keyId(signer.getPublic())).getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Dsse.open(envelope, other.getPublic())).isInstanceOf(Dsse.VerificationException.class)
                .hasMessageContaining("key id");
    }

    @Test
    void shouldWriteKeysAsPemWithAPrivateFileOnlyItsOwnerCanRead(@TempDir final Path dir) throws Exception {
        // when
        final KeyPair pair = SigningKeys.generate(dir);
        // then
        assertThat(Files.getPosixFilePermissions(dir.resolve(SigningKeys.PRIVATE_FILE)))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(Files.readString(dir.resolve(SigningKeys.PUBLIC_FILE))).startsWith("-----BEGIN PUBLIC KEY-----");
        assertThat(SigningKeys.readPublic(dir.resolve(SigningKeys.PUBLIC_FILE))).isEqualTo(pair.getPublic());
        assertThat(SigningKeys.publicOf(SigningKeys.readPrivate(dir.resolve(SigningKeys.PRIVATE_FILE)))).isEqualTo(pair.getPublic());
        assertThatThrownBy(() -> SigningKeys.generate(dir)).hasMessageContaining("already holds a signing key");
        assertThat(Set.of(SigningKeys.keyId(pair.getPublic()))).allMatch(id -> id.matches("[0-9a-f]{16}"));
    }
}
