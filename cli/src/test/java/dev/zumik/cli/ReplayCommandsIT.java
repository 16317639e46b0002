package dev.zumik.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zumik.sim.http.SimServer;
import dev.zumik.sim.model.SimFleet;
import dev.zumik.sim.profile.Profiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** keys generate, replay --trace against two simulators, and verify, as a user runs them. */
class ReplayCommandsIT {
    private static final Path MOONCAKE = Path.of("../data/mooncake_synthetic_trace.jsonl");

    @Test
    void shouldReplayATraceIntoASignedVerdictThatVerifiesAndFailsWhenTampered(@TempDir final Path dir) throws Exception {
        // given a key and two simulators
        final ZumikCommandTest.Run keys = ZumikCommandTest.run("keys", "generate", "--out", dir.resolve("keys").toString());
        assertThat(keys.exitCode()).as(keys.err()).isZero();
        try (SimServer managed = SimServer.start(Profiles.load("managed-openai", Optional.empty()), "127.0.0.1", 0);
             SimServer dynamo = SimServer.start(Profiles.load("dynamo", Optional.empty()), "127.0.0.1", 0, 2, SimFleet.Scheduler.KV_ROUTER)) {
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

    @Test
    void shouldStayWithoutAReasonAndMoveForHotVolumeOnTheSameCheapCandidate(@TempDir final Path dir) throws Exception {
        // given a lane trace (Mooncake format) of 10 requests a second for 10 s, each a 2,048-token shared prefix and 512 tokens
        // of its own: $59k a month on gpt-4.1 against two BYOC replicas at $26k, with the reuse both sides capture
        final StringBuilder trace = new StringBuilder();
        for (int r = 0; r < 100; r++) {
            trace.append("{\"timestamp\": ").append(r * 100).append(", \"input_length\": 2560, \"output_length\": 30, \"hash_ids\": [1, 2, 3, 4, ")
                    .append(1000 + r).append("]}\n");
        }
        final Path file = dir.resolve("lane.jsonl");
        Files.writeString(file, trace);
        assertThat(ZumikCommandTest.run("keys", "generate", "--out", dir.resolve("keys").toString()).exitCode()).isZero();
        try (SimServer managed = SimServer.start(Profiles.load("managed-openai", Optional.empty()), "127.0.0.1", 0);
             SimServer dynamo = SimServer.start(Profiles.load("dynamo", Optional.empty()), "127.0.0.1", 0, 2, SimFleet.Scheduler.KV_ROUTER)) {
            final String[] common = {"replay", "--trace", file.toString(), "--format", "mooncake", "--baseline",
                "http://127.0.0.1:" + managed.port() + "/v1", "--candidate", "http://127.0.0.1:" + dynamo.port(), "--signing-key",
                dir.resolve("keys/signing.key").toString()};
            // when replayed in real time with no reason, then with hot volume declared; 10 s of traffic is all the demand
            // there is to price, which the person accepts
            final ZumikCommandTest.Run without = ZumikCommandTest.run(concat(common, "--out", dir.resolve("without").toString()));
            final ZumikCommandTest.Run hot = ZumikCommandTest.run(concat(common, "--out", dir.resolve("hot").toString(), "--reason", "hot-volume",
                    "--quality-evidence", "https://evals.example/llama-3.3-70b-vs-gpt-4.1", "--accept-partial-coverage"));
            // then the same cheap candidate stays without a reason, and moves for the reason that holds
            assertThat(without.exitCode()).as(without.err() + without.out()).isZero();
            assertThat(without.out()).contains("Verdict: STAY (NO_BYOC_REASON)", "answer quality not evaluated");
            assertThat(hot.exitCode()).as(hot.err() + hot.out()).isZero();
            assertThat(hot.out()).contains("Verdict: MOVE (CONCENTRATED_HOT_VOLUME, MATERIAL_GAIN, EQUAL_CAPTURE, SLO_NO_WORSE, "
                    + "PARTIAL_COVERAGE_ACCEPTED)",
                    "reason CONCENTRATED_HOT_VOLUME (declared): holds", "quality evaluation attached: https://evals.example/");
        }
        for (final String run : new String[] {"without", "hot"}) {
            final ZumikCommandTest.Run verify = ZumikCommandTest.run("verify", dir.resolve(run + "/verdict.dsse.json").toString(), "--key",
                    dir.resolve("keys/signing.pub").toString());
            assertThat(verify.exitCode()).as(run + ": " + verify.err()).isZero();
        }
        final JsonNode report = new ObjectMapper()
                .readTree(dir.resolve("hot/report.json").toFile());
        assertThat(report.path("byocReasons").get(0).path("holds").asBoolean()).isTrue();
        assertThat(report.path("thresholds").path("decision").path("material.gain.pct").asDouble()).isEqualTo(15);
        assertThat(report.path("modelSubstitution").path("qualityEvaluated").asBoolean()).isTrue();
        assertThat(report.path("demand").path("source").asText()).isEqualTo("the whole trace file");
        assertThat(report.path("demand").path("coverage").path("fullWeek").asBoolean()).isFalse();
        assertThat(report.path("demand").path("coverage").path("partialAcceptedBy").asText()).isEqualTo("--accept-partial-coverage");
        // and an unknown reason is one line and exit code 2
        final ZumikCommandTest.Run typo = ZumikCommandTest.run(concat(new String[] {"replay", "--trace", file.toString(), "--format", "mooncake",
            "--baseline", "http://127.0.0.1:9/v1", "--candidate", "http://127.0.0.1:9", "--signing-key", dir.resolve("keys/signing.key").toString(),
            "--out", dir.resolve("typo").toString()}, "--reason", "long-prompts"));
        assertThat(typo.exitCode()).isEqualTo(2);
        assertThat(typo.err().strip()).isEqualTo("zumik replay: --reason: unknown reason 'long-prompts': give slo, hot-volume, isolation");
    }

    private static String[] concat(final String[] head, final String... tail) {
        final String[] all = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }
}
