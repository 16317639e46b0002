package dev.zumik.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client for the Confluent Schema Registry REST API (also served by Apicurio's ccompat API, Karapace,
 * Redpanda and Zumik's embedded registry). Ids and registrations are cached: a serde calls the
 * registry once per schema, not per record. Thread-safe.
 */
public final class SchemaRegistryClient implements SchemaRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryClient.class);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistrySettings settings;
    private final HttpClient http;
    private final Optional<String> authorization;
    /** Index of the URL that answered last; calls start there, so a dead first URL costs one failure, not one per call. */
    private final AtomicInteger preferredUrl = new AtomicInteger();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();

    public SchemaRegistryClient(final RegistrySettings settings) {
        this.settings = settings;
        final HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(settings.requestTimeout())
                .version(HttpClient.Version.HTTP_1_1);
        settings.sslContext().ifPresent(builder::sslContext);
        this.http = builder.build();
        this.authorization = settings.basicAuthUserInfo().map(
                u -> "Basic " + Base64.getEncoder().encodeToString(u.getBytes(StandardCharsets.UTF_8)));
    }

    public RegistrySettings settings() {
        return settings;
    }

    @Override
    public boolean autoRegister() {
        return settings.autoRegister();
    }

    /** Registers {@code schema} under {@code subject} (idempotent) and returns its global id. */
    @Override
    public int register(final String subject, final Schema schema) {
        final Map<Schema, Integer> cached = idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
        final Integer known = cached.get(schema);
        if (known != null) {
            return known;
        }
        final JsonNode answer = call("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema));
        final int id = answer.path("id").asInt();
        cached.put(schema, id);
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    /** The id of {@code schema} if it is already registered under {@code subject}. */
    @Override
    public Optional<Integer> lookup(final String subject, final Schema schema) {
        final Map<Schema, Integer> cached = idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
        final Integer known = cached.get(schema);
        if (known != null) {
            return Optional.of(known);
        }
        try {
            final JsonNode answer = call("POST", "/subjects/" + encode(subject), schemaBody(schema));
            final int id = answer.path("id").asInt();
            cached.put(schema, id);
            schemasById.putIfAbsent(id, schema);
            return Optional.of(id);
        } catch (final SchemaRegistryException e) {
            if (e.isNotFound()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The schema with global id {@code id}; a {@link SchemaRegistryException} with status 404 if unknown. */
    @Override
    public Schema schemaById(final int id) {
        final Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        final JsonNode answer = call("GET", "/schemas/ids/" + id, null);
        final String type = answer.path("schemaType").asText("AVRO");
        if (!"AVRO".equals(type)) {
            throw new SchemaRegistryException(422, SchemaRegistryException.INVALID_SCHEMA,
                    "Schema id " + id + " is " + type + ", not AVRO");
        }
        final Schema schema = new Schema.Parser().parse(answer.path("schema").asText());
        schemasById.putIfAbsent(id, schema);
        return schema;
    }

    /** The latest version registered under {@code subject}. */
    public SubjectVersion latest(final String subject) {
        return version(subject, "latest");
    }

    /** A version ({@code 1}, {@code 2}, … or {@code latest}) of {@code subject}. */
    public SubjectVersion version(final String subject, final String version) {
        final JsonNode answer = call("GET", "/subjects/" + encode(subject) + "/versions/" + version, null);
        return new SubjectVersion(answer.path("subject").asText(), answer.path("version").asInt(),
                answer.path("id").asInt(), new Schema.Parser().parse(answer.path("schema").asText()));
    }

    public List<String> subjects() {
        final List<String> out = new ArrayList<>();
        call("GET", "/subjects", null).forEach(n -> out.add(n.asText()));
        return out;
    }

    /** Whether {@code schema} could be registered under {@code subject} by its compatibility rule. */
    public boolean isCompatible(final String subject, final Schema schema) {
        return call("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest", schemaBody(schema))
                .path("is_compatible").asBoolean();
    }

    /** Sets the compatibility level (BACKWARD, FORWARD, FULL, NONE, *_TRANSITIVE) globally or for a subject. */
    public void setCompatibility(final Optional<String> subject, final String level) {
        final ObjectNode body = JSON.createObjectNode().put("compatibility", level);
        call("PUT", subject.map(s -> "/config/" + encode(s)).orElse("/config"), body.toString());
    }

    private static String schemaBody(final Schema schema) {
        return JSON.createObjectNode().put("schema", schema.toString()).toString();
    }

    private static String encode(final String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** One REST call with failover across URLs and bounded, logged retries for retriable failures. */
    private JsonNode call(final String method, final String path, final String body) {
        final int attempts = settings.maxRetries() + 1;
        Exception last = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            final int urlIndex = (preferredUrl.get() + attempt - 1) % settings.urls().size();
            final URI base = settings.urls().get(urlIndex);
            try {
                final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                        .timeout(settings.requestTimeout())
                        .header("Accept", CONTENT_TYPE + ", application/json")
                        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
                if (body != null) {
                    request.header("Content-Type", CONTENT_TYPE);
                }
                authorization.ifPresent(a -> request.header("Authorization", a));
                final HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                final int status = response.statusCode();
                if (status / 100 == 2) {
                    preferredUrl.set(urlIndex);
                    return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
                }
                final SchemaRegistryException error = errorFrom(method, path, status, response.body());
                if (!error.isTransient()) {
                    throw error;
                }
                last = error;
            } catch (final IOException e) {
                last = e;
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException("Interrupted while calling schema registry " + base, e);
            }
            if (attempt < attempts) {
                LOG.warn("Schema registry {} {} failed ({}); retry {} of {}", method, path,
                        describe(last), attempt, settings.maxRetries());
                sleep(settings.retryBackoff().toMillis() << (attempt - 1));
            }
        }
        if (last instanceof SchemaRegistryException registryError) {
            throw registryError;
        }
        throw new SchemaRegistryException("Schema registry unreachable at " + settings.urls() + " after "
                + attempts + " attempts: " + describe(last), last);
    }

    private static SchemaRegistryException errorFrom(final String method, final String path, final int status,
                                                     final String body) {
        int code = status;
        String message = body;
        try {
            final JsonNode node = JSON.readTree(body);
            code = node.path("error_code").asInt(status);
            message = node.path("message").asText(body);
        } catch (final IOException | RuntimeException notJson) {
            // keep the raw body as the message
        }
        return new SchemaRegistryException(status, code,
                "Schema registry " + method + " " + path + " answered " + status + " (error " + code + "): " + message);
    }

    private static String describe(final Exception e) {
        if (e == null) {
            return "unknown";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static void sleep(final long millis) {
        try {
            Thread.sleep(millis);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
