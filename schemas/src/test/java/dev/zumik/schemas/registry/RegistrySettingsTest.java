package dev.zumik.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegistrySettingsTest {

    @Test
    void shouldParseSeveralUrlsAndRedactThePassword() {
        // given
        final Map<String, String> config = Map.of(
                RegistrySettings.URL, "http://a:8081/, https://b:8081",
                RegistrySettings.BASIC_AUTH_USER_INFO, "svc:s3cret-pass");

        // when
        final RegistrySettings settings = RegistrySettings.fromConfig(config);

        // then
        assertThat(settings.urls()).containsExactly(URI.create("http://a:8081"), URI.create("https://b:8081"));
        assertThat(settings.basicAuthUserInfo()).contains("svc:s3cret-pass");
        assertThat(settings.toString()).contains("svc:[redacted]").doesNotContain("s3cret");
    }

    @Test
    void shouldRejectBadValuesWithOneClearMessage() {
        assertThatThrownBy(() -> RegistrySettings.fromConfig(Map.of()))
                .hasMessageContaining("schema.registry.url is required");
        assertThatThrownBy(() -> RegistrySettings.fromConfig(Map.of(RegistrySettings.URL, "ftp://x")))
                .hasMessageContaining("must be http:// or https://");
        assertThatThrownBy(() -> RegistrySettings.fromConfig(Map.of(RegistrySettings.URL, "http://x",
                RegistrySettings.MAX_RETRIES, "many")))
                .hasMessageContaining("zumik.registry.max.retries must be a whole number");
        assertThatThrownBy(() -> RegistrySettings.fromConfig(Map.of(RegistrySettings.URL, "http://x",
                RegistrySettings.BASIC_AUTH_USER_INFO, "nocolon")))
                .hasMessageContaining("user:password");
    }
}
