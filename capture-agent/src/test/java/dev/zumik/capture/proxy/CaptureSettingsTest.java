package dev.zumik.capture.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zumik.schemas.avro.Lane;
import dev.zumik.schemas.topics.Lanes;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CaptureSettingsTest {
    private final CaptureSettings settings = CaptureSettings.defaults(List.of(
            Upstream.parse("https://api.openai.com"),
            Upstream.parse("/anthropic=https://api.anthropic.com"),
            Upstream.parse("/anthropic/eu=https://eu.example.com/base,provider=anthropic-eu"),
            Upstream.parse("http://gpu-pool:8000,provider=sglang,name=byoc")), Path.of("k"));

    @Test
    void shouldRouteByLongestPrefixThenDefault() {
        assertThat(settings.route("/v1/chat/completions").orElseThrow().provider()).isEqualTo("openai");
        assertThat(settings.route("/anthropic/v1/messages").orElseThrow().provider()).isEqualTo("anthropic");
        assertThat(settings.route("/anthropic/eu/v1/messages").orElseThrow().provider()).isEqualTo("anthropic-eu");
        assertThat(settings.route("/anthropicx/v1").orElseThrow().provider()).isEqualTo("openai");
        assertThat(settings.route("/anthropic/eu/v1/messages").orElseThrow().basePath()).isEqualTo("/base");
    }

    @Test
    void shouldNameRoutesByTheirEndpointSoThatLaneKeysReadWell() {
        final Upstream openai = Upstream.parse("https://api.openai.com");
        assertThat(openai.routeOf("/v1/chat/completions")).isEqualTo("chat");
        assertThat(openai.routeOf("/v1/chat/completions/")).isEqualTo("chat");
        assertThat(openai.routeOf("/openai/deployments/gpt-4o/chat/completions")).as("Azure OpenAI").isEqualTo("chat");
        assertThat(openai.routeOf("/v1/completions")).isEqualTo("completions");
        assertThat(openai.routeOf("/v1/responses")).isEqualTo("responses");
        assertThat(openai.routeOf("/v1/messages")).isEqualTo("messages");
        assertThat(openai.routeOf("/v1/embeddings")).isEqualTo("embeddings");
        assertThat(openai.routeOf("/v1/audio/speech")).isEqualTo("audio.speech");
        assertThat(openai.routeOf("/generate")).isEqualTo("generate");
        assertThat(openai.routeOf("/")).isEqualTo("root");
        assertThat(Lanes.key(new Lane("openai", "gpt-4.1-mini",
                openai.routeOf("/v1/chat/completions")))).isEqualTo("openai/gpt-4.1-mini/chat");
        // and an upstream can name its route
        assertThat(Upstream.parse("/ext=https://x.example,route=extraction").routeOf("/v1/chat/completions")).isEqualTo("extraction");
        assertThatThrownBy(() -> Upstream.parse("https://x.example,route=a/b")).hasMessageContaining("route= must be a name");
    }

    @Test
    void shouldLetAHeaderSelectANamedUpstream() {
        final Upstream chosen = settings.route("/v1/chat/completions", "byoc").orElseThrow();
        assertThat(chosen.provider()).isEqualTo("sglang");
        assertThat(chosen.prefix()).isEmpty();
        assertThat(settings.route("/v1/chat/completions", "nope")).isEmpty();
    }

    @Test
    void shouldNameTheProblemWithABadUpstream() {
        assertThatThrownBy(() -> Upstream.parse("ftp://x")).hasMessageContaining("must be http:// or https://");
        assertThatThrownBy(() -> Upstream.parse("https://x,colour=red")).hasMessageContaining("unknown upstream attribute 'colour=red'");
        assertThatThrownBy(() -> Upstream.parse("anthropic=https://x")).hasMessageContaining("not a URL");
    }
}
