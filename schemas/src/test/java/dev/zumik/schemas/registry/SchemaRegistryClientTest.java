package dev.zumik.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's HTTP behaviour against a scripted registry on loopback: credentials, TLS, retries of
 * retriable failures only, and the registry's own error codes surfaced.
 */
class SchemaRegistryClientTest {
    private static final Schema STRING = Schema.create(Schema.Type.STRING);

    private HttpServer server;
    private final List<String> authorizations = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private String serve(final HttpServer http, final int[] statuses, final String[] bodies) {
        final AtomicInteger call = new AtomicInteger();
        http.createContext("/", exchange -> {
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            final int i = Math.min(call.getAndIncrement(), statuses.length - 1);
            reply(exchange, statuses[i], bodies[i]);
        });
        http.start();
        server = http;
        return (http instanceof HttpsServer ? "https" : "http") + "://127.0.0.1:" + http.getAddress().getPort();
    }

    private static void reply(final HttpExchange exchange, final int status, final String body) throws IOException {
        exchange.getRequestBody().readAllBytes();
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Test
    void shouldSendBasicAuthCredentials() throws IOException {
        // given
        final String url = serve(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0),
                new int[] {200}, new String[] {"{\"id\":7}"});
        final SchemaRegistryClient client = new SchemaRegistryClient(RegistrySettings.fromConfig(Map.of(
                RegistrySettings.URL, url, RegistrySettings.BASIC_AUTH_USER_INFO, "svc:pa55")));

        // when
        final int id = client.register("s-value", STRING);

        // then
        assertThat(id).isEqualTo(7);
        assertThat(authorizations).containsExactly("Basic c3ZjOnBhNTU=");
    }

    @Test
    void shouldRetryServerErrorsThenSucceed() throws IOException {
        // given
        final String url = serve(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0),
                new int[] {503, 500, 200}, new String[] {"busy", "{\"error_code\":50001,\"message\":\"store\"}", "{\"id\":3}"});
        final SchemaRegistryClient client = new SchemaRegistryClient(RegistrySettings.fromConfig(Map.of(
                RegistrySettings.URL, url, RegistrySettings.RETRY_BACKOFF_MS, "5")));

        // when / then
        assertThat(client.register("s-value", STRING)).isEqualTo(3);
        assertThat(authorizations).hasSize(3);
    }

    @Test
    void shouldNotRetryAClientErrorAndSurfaceTheRegistrysCode() throws IOException {
        // given
        final String url = serve(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0), new int[] {409},
                new String[] {"{\"error_code\":409,\"message\":\"Schema being registered is incompatible with an earlier schema\"}"});
        final SchemaRegistryClient client = new SchemaRegistryClient(RegistrySettings.of(url));

        // when / then
        assertThatThrownBy(() -> client.register("s-value", STRING))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.errorCode()).isEqualTo(409);
                    assertThat(e.getMessage()).contains("incompatible with an earlier schema");
                });
        assertThat(authorizations).hasSize(1);
    }

    @Test
    void shouldGiveUpOnAnUnreachableRegistryAfterBoundedRetries() {
        // given
        final SchemaRegistryClient client = new SchemaRegistryClient(RegistrySettings.fromConfig(Map.of(
                RegistrySettings.URL, "http://127.0.0.1:1", RegistrySettings.MAX_RETRIES, "2",
                RegistrySettings.RETRY_BACKOFF_MS, "5")));

        // when / then
        assertThatThrownBy(() -> client.schemaById(1))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("unreachable at [http://127.0.0.1:1] after 3 attempts");
    }

    @Test
    void shouldTalkTlsWithTheConfiguredTruststore(@TempDir final Path dir) throws Exception {
        // given: a self-signed certificate made with the JDK's keytool, used by server and client
        final Path store = dir.resolve("registry.p12");
        final Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "registry", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=IP:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        final KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, "changeit".toCharArray());
        }
        final KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "changeit".toCharArray());
        final SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);
        final HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        final String url = serve(https, new int[] {200}, new String[] {"{\"schema\":\"\\\"string\\\"\"}"});

        // when
        final SchemaRegistryClient trusting = new SchemaRegistryClient(RegistrySettings.fromConfig(Map.of(
                RegistrySettings.URL, url, RegistrySettings.TRUSTSTORE_LOCATION, store.toString(),
                RegistrySettings.TRUSTSTORE_PASSWORD, "changeit")));
        final SchemaRegistryClient untrusting = new SchemaRegistryClient(RegistrySettings.fromConfig(Map.of(
                RegistrySettings.URL, url, RegistrySettings.MAX_RETRIES, "0")));

        // then
        assertThat(trusting.schemaById(5)).isEqualTo(STRING);
        assertThatThrownBy(() -> untrusting.schemaById(5)).isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("unreachable");
    }
}
