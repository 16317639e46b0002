package dev.zumik.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zumik.core.cost.ByocProfile;
import dev.zumik.core.decision.LanePolicies;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YamlConfigTest {
    @TempDir
    Path dir;

    private Path file(final String yaml) throws Exception {
        final Path f = Files.createTempFile(dir, "config", ".yaml");
        Files.writeString(f, yaml);
        return f;
    }

    @Test
    void shouldNameAMisspeltFieldAndTheFieldItMeant() throws Exception {
        assertThatThrownBy(() -> ByocProfile.read(file("name: x\nheadrom: 1.3\n")))
                .hasMessageEndingWith("headrom: unknown field (did you mean headroom?)");
        assertThatThrownBy(() -> LanePolicies.read(file("lanes:\n  - match: \"openai/*\"\n    ttftP99SloMS: 800\n")))
                .hasMessageEndingWith("lanes[0].ttftP99SloMS: unknown field (did you mean ttftP99SloMs?)");
        assertThatThrownBy(() -> LanePolicies.read(file("defaults:\n  colour: red\n"))).hasMessageContaining("defaults.colour: unknown field; known:");
    }

    @Test
    void shouldSayWhatAValueShouldBeInsteadOfJacksonsTypeNames() throws Exception {
        assertThatThrownBy(() -> LanePolicies.read(file("defaults:\n  acceptedPremiumPct: lots\n")))
                .hasMessageEndingWith("defaults.acceptedPremiumPct: expected a number, got 'lots'")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("Cannot deserialize", "`"));
        assertThatThrownBy(() -> LanePolicies.read(file("defaults:\n  aliasTo: [a, b]\n")))
                .hasMessageEndingWith("defaults.aliasTo: expected a single text value here");
        assertThatThrownBy(() -> LanePolicies.read(file("defaults:\n  isolation: {a: b}\n")))
                .hasMessageEndingWith("defaults.isolation: expected a list here");
    }

    @Test
    void shouldStillReadTheShippedFiles() {
        for (final String name : ByocProfile.SHIPPED) {
            assertThat(ByocProfile.shipped(name).name()).isEqualTo(name);
        }
    }
}
