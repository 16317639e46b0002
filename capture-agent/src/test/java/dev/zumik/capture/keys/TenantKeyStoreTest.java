package dev.zumik.capture.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TenantKeyStoreTest {

    @Test
    void shouldCreatePrivateKeysOnFirstUseAndKeepThemAcrossRestarts(@TempDir final Path dir) throws Exception {
        // given
        final Path keys = dir.resolve("keys");

        // when
        final TenantKeyStore.TenantKey first = new TenantKeyStore(keys).current("team-a");
        final TenantKeyStore.TenantKey again = new TenantKeyStore(keys).current("team-a");

        // then
        assertThat(again.keyId()).isEqualTo(first.keyId());
        assertThat(again.secret()).isEqualTo(first.secret()).hasSize(32);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.resolve("team-a").resolve(first.keyId() + ".key"))))
                .isEqualTo("rw-------");
        assertThat(first.toString()).doesNotContain(new String(first.secret(), StandardCharsets.ISO_8859_1));
    }

    @Test
    void shouldRotateToANewKeyAndDestroyAllKeysOfATenant(@TempDir final Path dir) {
        // given
        final TenantKeyStore store = new TenantKeyStore(dir);
        final TenantKeyStore.TenantKey old = store.current("team-b");

        // when
        final TenantKeyStore.TenantKey rotated = store.rotate("team-b");

        // then
        assertThat(rotated.keyId()).isNotEqualTo(old.keyId());
        assertThat(store.current("team-b").keyId()).isEqualTo(rotated.keyId());
        assertThat(new TenantKeyStore(dir).current("team-b").keyId()).isEqualTo(rotated.keyId());
        assertThat(store.destroy("team-b")).containsExactlyInAnyOrder(old.keyId(), rotated.keyId());
        assertThat(Files.exists(dir.resolve("team-b"))).isFalse();
        assertThat(store.current("team-b").keyId()).isNotIn(old.keyId(), rotated.keyId());
    }

    @Test
    void shouldDeriveAStableTenantFromAnApiKeyWithoutRevealingIt(@TempDir final Path dir) {
        // given
        final TenantKeyStore store = new TenantKeyStore(dir);

        // when
        final String tenant = store.tenantForApiKey("sk-live-secret-123");

        // then
        assertThat(tenant).matches("key-[0-9a-f]{16}").doesNotContain("secret");
        assertThat(new TenantKeyStore(dir).tenantForApiKey("sk-live-secret-123")).isEqualTo(tenant);
        assertThat(store.tenantForApiKey("sk-live-secret-124")).isNotEqualTo(tenant);
        assertThat(new TenantKeyStore(dir.resolve("other")).tenantForApiKey("sk-live-secret-123")).isNotEqualTo(tenant);
    }

    @Test
    void shouldRejectTenantIdsThatCouldEscapeTheDirectory(@TempDir final Path dir) {
        final TenantKeyStore store = new TenantKeyStore(dir);
        assertThatThrownBy(() -> store.current("../etc")).hasMessageContaining("tenant id must be");
        assertThatThrownBy(() -> store.current("_install")).hasMessageContaining("tenant id must be");
        assertThatThrownBy(() -> store.current("")).hasMessageContaining("tenant id must be");
    }
}
