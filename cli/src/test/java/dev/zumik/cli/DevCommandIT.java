package dev.zumik.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zumik.cli.ZumikCommandTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.zumik.localstack.LocalStack;
import dev.zumik.localstack.junit.LocalStackExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LocalStackExtension.class)
class DevCommandIT {

    @Test
    void shouldStartCreateTopicsAndKeepThemAcrossRestarts(@TempDir final Path dir) {
        // given
        final Path data = dir.resolve("dev");

        // when
        final Run first = ZumikCommandTest.run("dev", "--data-dir", data.toString(), "--kafka-port", "0",
                "--registry-port", "0", "--run-for", "1s");
        final Run second = ZumikCommandTest.run("dev", "--data-dir", data.toString(), "--kafka-port", "0",
                "--registry-port", "0", "--run-for", "1s");

        // then
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("created  zumik.shapes.v1 (6 partitions)")
                .contains("created  zumik.dead-letters.v1")
                .contains("schema   zumik.shapes.v1-value id 1")
                .contains("Zumik dev stack ready").contains("Stopped.");
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.out()).contains("exists   zumik.shapes.v1").contains("schema   zumik.shapes.v1-value id 1");
        assertThat(Files.exists(data.resolve("kraft").resolve("meta.properties"))).isTrue();
    }

    @Test
    void shouldCreateAndListTopicsOnAnExistingCluster(final LocalStack stack) {
        // when
        final Run create = ZumikCommandTest.run("topics", "create", "--kafka", stack.bootstrapServers(),
                "--registry", stack.registryUrl(), "--shape-partitions", "4");
        final Run again = ZumikCommandTest.run("topics", "create", "--kafka", stack.bootstrapServers(),
                "--registry", stack.registryUrl());
        final Run list = ZumikCommandTest.run("topics", "list", "--kafka", stack.bootstrapServers());

        // then
        assertThat(create.exitCode()).as(create.err()).isZero();
        assertThat(create.out()).contains("created  zumik.shapes.v1 (4 partitions)").contains("schema   zumik.verdicts.v1-value id");
        assertThat(again.out()).contains("exists   zumik.shapes.v1").doesNotContain("created");
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out()).containsPattern("zumik.shapes.v1\\s+partitions=4 replicas=1")
                .containsPattern("zumik.verdicts.v1\\s+partitions=3 replicas=1 \\{cleanup.policy=compact\\}");
    }
}
