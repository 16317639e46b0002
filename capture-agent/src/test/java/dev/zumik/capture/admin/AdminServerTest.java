package dev.zumik.capture.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class AdminServerTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldAnswerGetOnItsTwoPathsAndRefuseOtherMethods() throws Exception {
        try (AdminServer admin = AdminServer.start("127.0.0.1", 0, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), () -> "UP")) {
            final String base = "http://127.0.0.1:" + admin.port();
            assertThat(send(HttpRequest.newBuilder(URI.create(base + "/healthz")).GET()).body()).contains("\"kafka\":\"UP\"");
            assertThat(send(HttpRequest.newBuilder(URI.create(base + "/metrics")).GET()).statusCode()).isEqualTo(200);
            assertThat(send(HttpRequest.newBuilder(URI.create(base + "/nope")).GET()).statusCode()).isEqualTo(404);
            for (final String method : new String[] {"POST", "PUT", "DELETE", "PATCH"}) {
                final HttpResponse<String> refused = send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                        .method(method, HttpRequest.BodyPublishers.ofString("x")));
                assertThat(refused.statusCode()).as(method).isEqualTo(405);
                assertThat(refused.headers().firstValue("allow")).contains("GET, HEAD");
            }
        }
    }

    private HttpResponse<String> send(final HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
