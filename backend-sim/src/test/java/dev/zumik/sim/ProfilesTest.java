package dev.zumik.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zumik.sim.profile.Profiles;
import dev.zumik.sim.profile.SimProfile;
import dev.zumik.sim.profile.WireDialect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfilesTest {

    @Test
    void shouldLoadEveryShippedProfile() {
        for (final String name : Profiles.NAMES) {
            final SimProfile profile = Profiles.load(name, Optional.empty());
            assertThat(profile.name()).isEqualTo(name);
            assertThat(profile.kvCache().tierNames()).isNotEmpty();
        }
        assertThat(Profiles.load("dynamo", Optional.empty()).kvCache().tierNames()).containsExactly("hbm", "host", "nvme");
        assertThat(Profiles.load("managed-anthropic", Optional.empty()).wire()).isEqualTo(WireDialect.ANTHROPIC);
    }

    @Test
    void shouldOverrideOnlyTheFieldsAFileNames(@TempDir final Path dir) throws Exception {
        // given
        final Path file = dir.resolve("sim.yaml");
        Files.writeString(file, """
                models: [my-model]
                latency:
                  maxBatch: 8
                faults:
                  errorRates: {429: 0.05}
                seed: 9
                """);
        // when
        final SimProfile profile = Profiles.load("vllm", Optional.of(file));
        // then
        assertThat(profile.models()).containsExactly("my-model");
        assertThat(profile.latency().maxBatch()).isEqualTo(8);
        assertThat(profile.latency().itlMillis()).isEqualTo(18.6);
        assertThat(profile.faults().errorRates()).containsEntry(429, 0.05);
        assertThat(profile.seed()).isEqualTo(9);
    }

    @Test
    void shouldNameWhatIsWrongInABadFile(@TempDir final Path dir) throws Exception {
        final Path typo = dir.resolve("typo.yaml");
        Files.writeString(typo, "latency:\n  maxBatchh: 8\n");
        assertThatThrownBy(() -> Profiles.load("vllm", Optional.of(typo))).hasMessageContaining("maxBatchh");
        final Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "faults:\n  errorRates: {429: 1.5}\n");
        assertThatThrownBy(() -> Profiles.load("vllm", Optional.of(bad))).hasMessageContaining("errorRates");
        final Path kind = dir.resolve("kind.yaml");
        Files.writeString(kind, "cache:\n  kind: magic\n");
        assertThatThrownBy(() -> Profiles.load("vllm", Optional.of(kind))).hasMessageContaining("cache.kind must be gpu or managed");
        assertThatThrownBy(() -> Profiles.load("tgi", Optional.empty())).hasMessageContaining("unknown profile 'tgi'");
    }

    @Test
    void shouldRoundTripAProfileThroughYaml(@TempDir final Path dir) throws Exception {
        // given the printed form of a profile
        final SimProfile dynamo = Profiles.load("dynamo", Optional.empty());
        final Path file = dir.resolve("printed.yaml");
        Files.writeString(file, Profiles.toYaml(dynamo));
        // when it is read back as an override of another profile
        final SimProfile again = Profiles.load("vllm", Optional.of(file));
        // then it is the same profile
        assertThat(again.toString()).isEqualTo(dynamo.toString());
    }
}
