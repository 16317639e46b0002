package dev.zumik.byoc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zumik.byoc.render.RenderRequest;
import dev.zumik.byoc.render.Renderer;
import dev.zumik.core.cost.ByocProfile;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Both shipped profiles rendered at 1, 2 and 16 replicas: every document valid, one scheduler, sized as asked. */
class RenderTest {
    private static final ManifestValidator VALIDATOR = new ManifestValidator();

    static Stream<Arguments> sizes() {
        return Stream.of("dynamo", "k8s-portable").flatMap(p -> Stream.of(1, 2, 16).map(n -> Arguments.of(p, n)));
    }

    static List<Manifest> render(final ByocProfile profile, final int replicas, final String region) {
        final Renderer.Rendered rendered = Renderer.render(new RenderRequest(profile, "openai/gpt-4.1/chat", replicas, profile.minReplicas(),
                profile.name(), "zumik-byoc", "zumik-gateway", "inference-gateway", region, "--replicas " + replicas));
        return Manifest.read(profile.name(), Manifest.write(rendered.documents()));
    }

    @ParameterizedTest(name = "{0} at {1} replicas")
    @MethodSource("sizes")
    void shouldRenderDocumentsThatValidateWithExactlyTheProfilesOneScheduler(final String name, final int replicas) {
        // given
        final ByocProfile profile = ByocProfile.shipped(name);
        // when
        final List<Manifest> docs = render(profile, replicas, null);
        // then
        assertThat(DeploymentCheck.problems(profile, docs, VALIDATOR)).isEmpty();
        assertThat(SchedulerCheck.pickers(docs)).extracting(SchedulerCheck.Picker::name).containsExactly(profile.replicaSelection().get(0));
        final JsonNode workload = docs.get(0).body().path("spec");
        if ("dynamo".equals(name)) {
            assertThat(docs.get(0).kind()).isEqualTo("DynamoGraphDeployment");
            assertThat(workload.path("components").get(1).path("replicas").asInt()).isEqualTo(replicas);
            assertThat(workload.path("components").get(1).path("podTemplate").path("spec").path("containers").get(0).path("args").toString())
                    .contains("\"--tp\",\"2\"", "--enable-hierarchical-cache", "\"--hicache-storage-backend\",\"mooncake\"", "--enable-cache-report");
            assertThat(docs).extracting(Manifest::kind).contains("PodAutoscaler", "Deployment", "Service", "NetworkPolicy");
        } else {
            assertThat(docs.get(0).kind()).isEqualTo("LLMInferenceService");
            assertThat(workload.path("replicas").asInt()).isEqualTo(replicas);
            assertThat(workload.path("router").path("scheduler").path("config").path("inline").path("kind").asText()).isEqualTo("EndpointPickerConfig");
            assertThat(workload.toString()).contains("--enable-prompt-tokens-details", "VLLM_SERVER_DEV_MODE");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("profiles")
    void shouldPinEveryPodToTheRegionGiven(final String name) {
        // when rendered with a region
        final List<Manifest> docs = render(ByocProfile.shipped(name), 2, "eu-west-1");
        // then every pod template has the required node affinity, and the documents still validate
        assertThat(DeploymentCheck.problems(ByocProfile.shipped(name), docs, VALIDATOR)).isEmpty();
        final String text = Manifest.write(docs.stream().map(Manifest::body).toList());
        final int pods = "dynamo".equals(name) ? 3 : 1;
        assertThat(text.split("topology.kubernetes.io/region", -1)).hasSize(pods + 1);
    }

    static Stream<String> profiles() {
        return Stream.of("dynamo", "k8s-portable");
    }
}
