package dev.zumik.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zumik.localstack.junit.LocalStackExtension;
import dev.zumik.localstack.registry.EmbeddedSchemaRegistry;
import dev.zumik.localstack.registry.RegistryServerSecurity;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.registry.RegistrySettings;
import dev.zumik.schemas.registry.SchemaRegistryClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class SchemaRegistryIT {
    private static final String V1 = """
            {"type":"record","name":"Evolving","namespace":"dev.zumik.test","fields":[
              {"name":"a","type":"string"}]}""";

    @Test
    void shouldKeepIdsAcrossARegistryRestart(final LocalStack stack) {
        // given
        final String topic = LocalStack.uniqueTopic("_schemas");
        final Schema shape = RequestShape.getClassSchema();
        final int id;
        try (EmbeddedSchemaRegistry first = EmbeddedSchemaRegistry.start(stack.bootstrapServers(), "127.0.0.1", 0, topic, Map.of(), RegistryServerSecurity.none())) {
            id = client(first.url()).register("restart-value", shape);
        }

        // when
        try (EmbeddedSchemaRegistry second = EmbeddedSchemaRegistry.start(stack.bootstrapServers(), "127.0.0.1", 0, topic, Map.of(), RegistryServerSecurity.none())) {
            final SchemaRegistryClient client = client(second.url());

            // then
            assertThat(client.schemaById(id)).isEqualTo(shape);
            assertThat(client.register("restart-value", shape)).isEqualTo(id);
            assertThat(client.latest("restart-value").version()).isEqualTo(1);
            assertThat(client.register("other-value", new Schema.Parser().parse(V1))).isEqualTo(id + 1);
        }
    }

    @Test
    void shouldDeduplicateByCanonicalFormButKeepLogicalTypes(final LocalStack stack) {
        // given
        final SchemaRegistryClient client = stack.registryClient();
        final String plain = "{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"at\",\"type\":\"long\"}]}";
        final String reordered = "{ \"name\" : \"T\", \"fields\" : [ { \"type\" : \"long\", \"name\" : \"at\" } ], \"type\" : \"record\" }";
        final String timestamp = "{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"at\",\"type\":"
                + "{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}}]}";
        final String subject = LocalStack.uniqueTopic("canonical");

        // when
        final int a = client.register(subject + "-a", new Schema.Parser().parse(plain));
        final int b = new SchemaRegistryClient(RegistrySettings.of(stack.registryUrl()))
                .register(subject + "-b", new Schema.Parser().parse(reordered));
        final int c = client.register(subject + "-c", new Schema.Parser().parse(timestamp));

        // then
        assertThat(b).isEqualTo(a);
        assertThat(c).isNotEqualTo(a);
        assertThat(client.schemaById(c).getField("at").schema().getLogicalType().getName()).isEqualTo("timestamp-millis");
    }

    @Test
    void shouldAnswerWithConfluentsErrorCodes(final LocalStack stack) throws Exception {
        // given
        final String base = stack.registryUrl();
        final String subject = LocalStack.uniqueTopic("codes") + "-value";

        // when / then
        assertThat(http("GET", base + "/subjects/" + subject + "/versions", null)).startsWith("404 ").contains("\"error_code\":40401");
        assertThat(http("GET", base + "/schemas/ids/987654", null)).startsWith("404 ").contains("\"error_code\":40403");
        assertThat(http("POST", base + "/subjects/" + subject + "/versions", "{\"schema\":\"{\\\"type\\\":\\\"nope\\\"}\"}"))
                .startsWith("422 ").contains("\"error_code\":42201");
        assertThat(http("PUT", base + "/config", "{\"compatibility\":\"SIDEWAYS\"}")).startsWith("422 ").contains("\"error_code\":42203");
        assertThat(http("POST", base + "/subjects/" + subject + "/versions", "{\"schema\":\"\\\"string\\\"\"}"))
                .startsWith("200 ").contains("\"id\":");
        assertThat(http("GET", base + "/subjects/" + subject + "/versions/7", null)).startsWith("404 ").contains("\"error_code\":40402");
        assertThat(http("GET", base + "/subjects/" + subject + "/versions/latest", null)).startsWith("200 ").contains("\"version\":1");
        assertThat(http("GET", base + "/config", null)).startsWith("200 ").contains("\"compatibilityLevel\":\"BACKWARD\"");
        assertThat(http("DELETE", base + "/subjects/" + subject, null)).isEqualTo("200 [1]");
        assertThat(http("GET", base + "/subjects/" + subject + "/versions", null)).startsWith("404 ");
    }

    @Test
    void shouldRefuseWhatConfluentRefusesWithItsStatusAndCode(final LocalStack stack) throws Exception {
        // given
        final String base = stack.registryUrl();
        final String subject = LocalStack.uniqueTopic("limits") + "-value";
        final String fiveMegabytes = "{\"schema\":\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"R\\\",\\\"doc\\\":\\\""
                + "x".repeat(5 << 20) + "\\\",\\\"fields\\\":[]}\"}";

        // when / then: a body over the limit is 413, the wrong media type 415, a control character in a subject 422 (42208)
        assertThat(http("POST", base + "/subjects/" + subject + "/versions", fiveMegabytes)).startsWith("413 ")
                .contains("\"error_code\":413");
        assertThat(http("POST", base + "/subjects/" + subject + "/versions", "{\"schema\":\"\\\"string\\\"\"}", "text/plain"))
                .startsWith("415 ").contains("\"error_code\":415");
        assertThat(http("POST", base + "/subjects/" + subject + "%0Aevil/versions", "{\"schema\":\"\\\"string\\\"\"}"))
                .startsWith("422 ").contains("\"error_code\":42208").contains("\\u000a");
        assertThat(http("GET", base + "/subjects/a%07b/versions", null)).startsWith("422 ").contains("\"error_code\":42208");
        // and nothing was registered, while a good request with a charset parameter still works
        assertThat(http("GET", base + "/subjects", null)).doesNotContain("evil");
        assertThat(http("POST", base + "/subjects/" + subject + "/versions", "{\"schema\":\"\\\"string\\\"\"}", "application/json; charset=utf-8"))
                .startsWith("200 ");
    }

    @Test
    void shouldFailOverToTheNextRegistryUrl(final LocalStack stack) {
        // given: the first URL refuses connections
        final SchemaRegistryClient client = new SchemaRegistryClient(RegistrySettings.fromConfig(Map.of(
                RegistrySettings.URL, "http://127.0.0.1:1," + stack.registryUrl(), RegistrySettings.RETRY_BACKOFF_MS, "10")));

        // when
        final int id = client.register(LocalStack.uniqueTopic("failover") + "-value", new Schema.Parser().parse(V1));

        // then
        assertThat(client.schemaById(id).getName()).isEqualTo("Evolving");
    }

    private static String http(final String method, final String url, final String body) throws Exception {
        return http(method, url, body, "application/vnd.schemaregistry.v1+json");
    }

    private static String http(final String method, final String url, final String body, final String contentType) throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", contentType)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        final HttpResponse<String> response = HttpClient.newHttpClient()
                .send(request.build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    private static SchemaRegistryClient client(final String url) {
        return new SchemaRegistryClient(RegistrySettings.of(url));
    }
}
