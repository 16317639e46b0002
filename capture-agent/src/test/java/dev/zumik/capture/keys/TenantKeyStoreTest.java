package dev.zumik.capture.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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

    /**
     * Agents started together on one new key directory (a bench, a restart of several replicas) race to
     * create it, the installation key and a tenant's first key. Each store here is its own instance, so
     * they share no lock, as separate processes would not.
     */
    @Test
    void shouldAgreeOnOneInstallKeyAndOneFirstTenantKeyWhenStoresStartTogetherOnANewDirectory(@TempDir final Path dir) throws Exception {
        final int stores = 6;
        final ExecutorService threads = Executors.newFixedThreadPool(stores);
        try {
            for (int round = 0; round < 60; round++) {
                // given
                final Path keys = dir.resolve("round-" + round).resolve("keys");
                final CyclicBarrier start = new CyclicBarrier(stores);
                final List<Future<String>> seen = new ArrayList<>();

                // when
                for (int i = 0; i < stores; i++) {
                    seen.add(threads.submit(() -> {
                        start.await();
                        final TenantKeyStore store = new TenantKeyStore(keys);
                        final TenantKeyStore.TenantKey key = store.current("team-a");
                        return store.tenantForApiKey("sk-live-secret-123") + " " + key.keyId() + " "
                                + HexFormat.of().formatHex(key.secret());
                    }));
                }
                final List<String> answers = new ArrayList<>();
                for (final Future<String> answer : seen) {
                    answers.add(answer.get());
                }

                // then
                final TenantKeyStore.TenantKey onDisk = new TenantKeyStore(keys).current("team-a");
                final String expected = new TenantKeyStore(keys).tenantForApiKey("sk-live-secret-123") + " " + onDisk.keyId() + " "
                        + HexFormat.of().formatHex(onDisk.secret());
                assertThat(answers).as("round %d", round).containsOnly(expected);
                try (var files = Files.list(keys.resolve("team-a"))) {
                    assertThat(files.map(f -> f.getFileName().toString()).toList())
                            .as("round %d: one key and its pointer, no leftovers", round)
                            .containsExactlyInAnyOrder(onDisk.keyId() + ".key", "current");
                }
            }
        } finally {
            threads.shutdownNow();
        }
    }
}
