package dev.zumik.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zumik.sim.http.SimServer;
import dev.zumik.sim.profile.Profiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** keys generate, replay --trace against two simulators, and verify, as a user runs them. */
class ReplayCommandsIT {
    private static final Path MOONCAKE = Path.of("../../shared/data/mooncake_synthetic_trace.jsonl");

    @Test
    void shouldReplayATraceIntoASignedVerdictThatVerifiesAndFailsWhenTampered(@TempDir final Path dir) throws Exception {
        Assumptions.assumeTrue(Files.exists(MOONCAKE), "skipped: the shared data is not beside the checkout");
        // given a key and two simulators
        final ZumikCommandTest.Run keys = ZumikCommandTest.run("keys", "generate", "--out", dir.resolve("keys").toString());
        assertThat(keys.exitCode()).as(keys.err()).isZero();
        try (SimServer managed = SimServer.start(Profiles.load("managed-openai", Optional.empty()), "127.0.0.1", 0);
             SimServer dynamo = SimServer.start(Profiles.load("dynamo", Optional.empty()), "127.0.0.1", 0)) {
            // when the first 5 s of the Mooncake trace are replayed at twice their speed
            final ZumikCommandTest.Run replay = ZumikCommandTest.run("replay", "--trace", MOONCAKE.toString(), "--format", "mooncake",
                    "--window", "5s", "--time-scale", "2", "--baseline", "http://127.0.0.1:" + managed.port() + "/v1",
                    "--candidate", "http://127.0.0.1:" + dynamo.port(), "--signing-key", dir.resolve("keys/signing.key").toString(),
                    "--out", dir.resolve("out").toString());
            // then
            assertThat(replay.exitCode()).as(replay.err() + replay.out()).isZero();
            assertThat(replay.out()).contains("Verdict: ", "cost gain", "TTFT p99", "report.html");
        }
        final Path envelope = dir.resolve("out/verdict.dsse.json");
        assertThat(dir.resolve("out/report.json")).exists();
        final ZumikCommandTest.Run verify = ZumikCommandTest.run("verify", envelope.toString(), "--key", dir.resolve("keys/signing.pub").toString());
        assertThat(verify.exitCode()).as(verify.err()).isZero();
        assertThat(verify.out()).startsWith("OK: ").contains("zumik-window:openai/gpt-4.1/trace");

        // and a flipped bit or another key fails with exit code 1
        final byte[] bytes = Files.readAllBytes(envelope);
        bytes[bytes.length / 3] ^= 1;
        final Path tampered = dir.resolve("tampered.json");
        Files.write(tampered, bytes);
        final ZumikCommandTest.Run bad = ZumikCommandTest.run("verify", tampered.toString(), "--key", dir.resolve("keys/signing.pub").toString());
        assertThat(bad.exitCode()).isEqualTo(ZumikException.FAILURE);
        assertThat(bad.err()).contains("verification FAILED");
        ZumikCommandTest.run("keys", "generate", "--out", dir.resolve("other").toString());
        final ZumikCommandTest.Run wrongKey = ZumikCommandTest.run("verify", envelope.toString(), "--key", dir.resolve("other/signing.pub").toString());
        assertThat(wrongKey.exitCode()).isEqualTo(ZumikException.FAILURE);
    }
}
