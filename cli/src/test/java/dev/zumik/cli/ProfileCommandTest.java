package dev.zumik.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** zumik profile render and validate, as a platform engineer runs them. */
class ProfileCommandTest {
    private static final String LANE = "openai/gpt-4.1/chat";

    @Test
    void shouldRenderManifestsReadmeAndTheDeliveredProfileThatValidateAgain(@TempDir final Path dir) throws Exception {
        // when each shipped profile is rendered, one pinned to a region
        final ZumikCommandTest.Run dynamo = ZumikCommandTest.run("profile", "render", "dynamo", "--lane", LANE, "--replicas", "6", "--region",
                "eu-west-1", "--out", dir.resolve("dynamo").toString());
        final ZumikCommandTest.Run portable = ZumikCommandTest.run("profile", "render", "k8s-portable", "--lane", LANE, "--replicas", "3",
                "--namespace", "team-a", "--out", dir.resolve("portable").toString());
        // then three files each, and what they say holds when checked again from the files
        assertThat(dynamo.exitCode()).as(dynamo.err()).isZero();
        assertThat(dynamo.out()).startsWith("Rendered 7 documents of dynamo for openai/gpt-4.1/chat at 6 replica(s)")
                .contains("one replica picker (dynamo-kv-router)");
        assertThat(portable.exitCode()).as(portable.err()).isZero();
        for (final String d : new String[] {"dynamo", "portable"}) {
            assertThat(dir.resolve(d)).isDirectoryContaining("glob:**/manifests.yaml").isDirectoryContaining("glob:**/README.md")
                    .isDirectoryContaining("glob:**/profile.yaml");
            final ZumikCommandTest.Run again = ZumikCommandTest.run("profile", "validate", dir.resolve(d).resolve("profile.yaml").toString(),
                    "--manifests", dir.resolve(d).resolve("manifests.yaml").toString());
            assertThat(again.exitCode()).as(again.err()).isZero();
            assertThat(again.out()).contains("documents valid; replica pickers: ");
        }
        assertThat(Files.readString(dir.resolve("dynamo/profile.yaml"))).contains("region:eu-west-1", "http://dynamo-frontend.zumik-byoc.svc:8000");
        assertThat(Files.readString(dir.resolve("dynamo/README.md"))).contains("NVIDIA Dynamo's Kubernetes platform 1.3.1", "AIBrix v0.7.0",
                "does not route", "zumik replay --trace", "--candidate-replicas 6", "zumik purge --runtime profile.yaml");
        assertThat(Files.readString(dir.resolve("portable/manifests.yaml"))).contains("namespace: team-a", "kind: LLMInferenceService");
        assertThat(Files.readString(dir.resolve("portable/README.md"))).contains("do not install a second picker", "/team-a/k8s-portable");
    }

    @Test
    void shouldSizeFromAVerdictOfTheSameLaneAndProfile(@TempDir final Path dir) throws Exception {
        // given a verdict's report on the dynamo profile, priced at 9 replicas at its busiest hour
        final Path report = dir.resolve("report.json");
        Files.writeString(report, "{\"requestId\":\"r-1\",\"lane\":\"" + LANE + "\",\"profile\":\"dynamo\",\"decision\":\"MOVE\","
                + "\"reasons\":[\"CONCENTRATED_HOT_VOLUME\"],\"candidate\":{\"sizing\":{\"windowReplicas\":6,\"peakReplicas\":9}}}");
        // when rendered from it, and from it for another lane
        final ZumikCommandTest.Run ok = ZumikCommandTest.run("profile", "render", "dynamo", "--lane", LANE, "--from-verdict", report.toString(),
                "--out", dir.resolve("out").toString());
        final ZumikCommandTest.Run other = ZumikCommandTest.run("profile", "render", "dynamo", "--lane", "openai/gpt-4.1/batch", "--from-verdict",
                report.toString(), "--out", dir.resolve("other").toString());
        // then
        assertThat(ok.exitCode()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("at 9 replica(s)");
        assertThat(Files.readString(dir.resolve("out/manifests.yaml"))).contains("replicas: 9", "verdict r-1 (MOVE CONCENTRATED_HOT_VOLUME)");
        assertThat(other.exitCode()).isEqualTo(ZumikException.USAGE);
        assertThat(other.err().strip()).isEqualTo("zumik profile render: --from-verdict " + report + " is a verdict on lane " + LANE
                + ", not openai/gpt-4.1/batch");
        assertThat(dir.resolve("other")).doesNotExist();
    }

    @Test
    void shouldRefuseBadInputInOneLineAndWriteNothing(@TempDir final Path dir) throws Exception {
        // given a dynamo profile asking for LMCache as its host tier
        final Path lmcache = dir.resolve("lmcache.yaml");
        Files.writeString(lmcache, Files.readString(Path.of("../infra/profiles/dynamo.yaml")).replace("runs: hicache-host}", "runs: lmcache-host}"));
        for (final String[] args : new String[][] {
            {"tpu-pod", "--replicas", "2"}, {"dynamo", "--replicas", "0"}, {lmcache.toString(), "--replicas", "2"}}) {
            // when
            final ZumikCommandTest.Run run = ZumikCommandTest.run("profile", "render", args[0], "--lane", LANE, args[1], args[2], "--out",
                    dir.resolve("out").toString());
            // then
            assertThat(run.exitCode()).as(String.join(" ", args)).isEqualTo(ZumikException.USAGE);
            assertThat(run.err().strip().lines()).as(run.err()).hasSize(1);
            assertThat(dir.resolve("out")).doesNotExist();
        }
        assertThat(ZumikCommandTest.run("profile", "render", lmcache.toString(), "--lane", LANE, "--replicas", "2", "--out",
                dir.resolve("out").toString()).err()).contains("tiers[1] (host) runs 'lmcache-host'", "SGLang's LMCache mode replaces HiCache");
    }

    @Test
    void shouldFailValidationNamingBothPickersAndAMistypedField(@TempDir final Path dir) throws Exception {
        // given a profile whose stack adds an endpoint picker in front of Dynamo's KV router, and a render with a typo
        final Path both = dir.resolve("both.yaml");
        Files.writeString(both, Files.readString(Path.of("../infra/profiles/dynamo.yaml")).replace("stack: [dynamo-frontend,",
                "stack: [llm-d-router, dynamo-frontend,"));
        assertThat(ZumikCommandTest.run("profile", "render", "dynamo", "--lane", LANE, "--replicas", "2", "--out", dir.resolve("r").toString())
                .exitCode()).isZero();
        final Path typo = dir.resolve("typo.yaml");
        Files.writeString(typo, Files.readString(dir.resolve("r/manifests.yaml")).replaceFirst("podSelector:", "podSelectr:"));
        // when
        final ZumikCommandTest.Run pickers = ZumikCommandTest.run("profile", "validate", both.toString());
        final ZumikCommandTest.Run mistyped = ZumikCommandTest.run("profile", "validate", "--manifests", typo.toString());
        // then
        assertThat(pickers.exitCode()).isEqualTo(ZumikException.FAILURE);
        assertThat(pickers.err()).contains("one scheduler per path: 2 components pick replicas: dynamo-kv-router at ", "gateway-api-inference-extension at ");
        assertThat(mistyped.exitCode()).isEqualTo(ZumikException.FAILURE);
        assertThat(mistyped.err()).contains("(NetworkPolicy dynamo-default-deny) .spec.podSelectr: unknown field \"podSelectr\"");
    }
}
