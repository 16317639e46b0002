package dev.zumik.byoc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zumik.core.cost.ByocProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hand-made profiles and edited manifests that must be refused, and the variants that must still hold. */
class RenderRefusalsTest {
    private static final ManifestValidator VALIDATOR = new ManifestValidator();

    /** The shipped profile's file with one edit. */
    private static ByocProfile edited(final Path dir, final String shipped, final String from, final String to) throws Exception {
        final String text = Files.readString(Path.of("../infra/profiles/" + shipped + ".yaml"));
        assertThat(text).contains(from);
        final Path file = dir.resolve(shipped + "-edited.yaml");
        Files.writeString(file, text.replace(from, to));
        return ByocProfile.read(file);
    }

    @Test
    void shouldRefuseTwoPickersNamingBoth(@TempDir final Path dir) throws Exception {
        // given a dynamo profile whose stack also puts the inference extension's endpoint picker in front of the KV router
        final ByocProfile both = edited(dir, "dynamo", "stack: [dynamo-frontend,", "stack: [gateway-api-inference-extension, dynamo-frontend,");
        // when
        final List<String> problems = DeploymentCheck.problems(both, RenderTest.render(both, 2, null), VALIDATOR);
        // then the documents are valid, and the path has two schedulers, both named
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0)).startsWith("one scheduler per path: 2 components pick replicas: dynamo-kv-router at ")
                .contains("gateway-api-inference-extension at ", "InferencePool");
    }

    @Test
    void shouldRefuseAnAibrixGatewayThatWouldAlsoRoute(@TempDir final Path dir) throws Exception {
        // given AIBrix as a router rather than only the autoscaler
        final ByocProfile routed = edited(dir, "dynamo", "aibrix-autoscaler]", "aibrix-autoscaler, aibrix-gateway]");
        // when
        final List<String> problems = DeploymentCheck.schedulerProblems(routed, RenderTest.render(routed, 2, null));
        // then
        assertThat(problems).singleElement().asString().contains("dynamo-kv-router at ", "aibrix-gateway at ");
    }

    @Test
    void shouldRefuseAReplicaSelectionThatIsNotWhatRuns(@TempDir final Path dir) throws Exception {
        // given a profile that claims llm-d picks, over a Dynamo render
        final ByocProfile wrong = edited(dir, "dynamo", "replicaSelection: [dynamo-kv-router]", "replicaSelection: [llm-d-endpoint-picker]");
        // when / then
        assertThat(DeploymentCheck.schedulerProblems(wrong, RenderTest.render(wrong, 2, null))).singleElement().asString()
                .startsWith("replicaSelection: the profile says llm-d-endpoint-picker, but dynamo-kv-router picks replicas at ");
    }

    @Test
    void shouldRefuseATierTheRuntimeDoesNotHave(@TempDir final Path dir) throws Exception {
        // given a dynamo profile asking for LMCache as its host tier, and a k8s-portable one asking for a Mooncake store
        final ByocProfile lmcache = edited(dir, "dynamo", "runs: hicache-host}", "runs: lmcache-host}");
        final ByocProfile mooncake = edited(dir, "k8s-portable", "runs: gpu}", "runs: gpu}\n  - {name: store, capacityBytes: 1000000000000, runs: mooncake-store}");
        // when / then each is one line naming the tier and what the runtime has
        assertThatThrownBy(() -> RenderTest.render(lmcache, 2, null)).hasMessage("dynamo: tiers[1] (host) runs 'lmcache-host', which is not a tier "
                + "dynamo-sglang has at that level (it runs gpu -> hicache-host -> mooncake-store): LMCache is Dynamo's integration for its "
                + "vLLM backend, and SGLang's LMCache mode replaces HiCache rather than stacking on it");
        assertThatThrownBy(() -> RenderTest.render(mooncake, 2, null)).hasMessageStartingWith("k8s-portable: tiers[1] (store) runs 'mooncake-store'")
                .hasMessageContaining("(it runs gpu -> cpu-offload -> disk-offload)");
    }

    @Test
    void shouldRenderKServeOffloadingAndDynamoDisaggregationThatValidate(@TempDir final Path dir) throws Exception {
        // given k8s-portable with CPU and disk offloading, and dynamo split into prefill and decode
        final ByocProfile offloading = edited(dir, "k8s-portable", "runs: gpu}", "runs: gpu}\n  - {name: host, capacityBytes: 200000000000, runs: cpu-offload}"
                + "\n  - {name: disk, capacityBytes: 1000000000000, runs: disk-offload}");
        final ByocProfile disaggregated = edited(dir, "dynamo", "disaggregated: false", "disaggregated: true");
        // when
        final List<Manifest> kserve = RenderTest.render(offloading, 2, null);
        final List<Manifest> dynamo = RenderTest.render(disaggregated, 4, null);
        // then both validate with one scheduler, and carry what was asked
        assertThat(DeploymentCheck.problems(offloading, kserve, VALIDATOR)).isEmpty();
        assertThat(kserve.get(0).body().path("spec").path("kvCacheOffloading").toString()).contains("\"cpu\":\"200000000000\"", "fileSystem");
        assertThat(DeploymentCheck.problems(disaggregated, dynamo, VALIDATOR)).isEmpty();
        assertThat(dynamo.get(0).body().path("spec").path("components")).extracting(c -> c.path("type").asText())
                .containsExactly("frontend", "prefill", "decode");
        assertThat(dynamo.get(0).body().toString()).contains("\"--disaggregation-transfer-backend\",\"mooncake\"");
    }

    @Test
    void shouldRejectARenderedManifestWithATypoAtItsPath() {
        // given the dynamo render with one field name mistyped in the worker's pod template, and one in the DGD
        final String text = Manifest.write(RenderTest.render(ByocProfile.shipped("dynamo"), 2, null).stream().map(Manifest::body).toList())
                .replaceFirst("envFrom:", "envFrm:").replaceFirst("sharedMemorySize:", "sharedMemSize:");
        // when
        final List<String> problems = DeploymentCheck.problems(ByocProfile.shipped("dynamo"), Manifest.read("manifests.yaml", text), VALIDATOR);
        // then both are named with their paths
        assertThat(problems).containsExactly(
                "manifests.yaml#1 (DynamoGraphDeployment dynamo) .spec.components[1].sharedMemSize: unknown field \"sharedMemSize\"",
                "manifests.yaml#1 (DynamoGraphDeployment dynamo) .spec.components[1].podTemplate.spec.containers[0].envFrm: unknown field \"envFrm\"");
    }
}
