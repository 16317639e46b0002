package dev.zumik.localstack.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zumik.core.http.MalformedBody;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Confluent Schema Registry REST API subset that serializers, the Python client and operators
 * use: subjects and versions, register and look up, schemas by id, compatibility config and checks.
 * Handlers run off the event loop because writes wait for Kafka.
 */
final class RegistryApi {
    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final Logger LOG = LoggerFactory.getLogger(RegistryApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A body that cannot be decoded (bad chunking), answered like Confluent's registry answers one it cannot parse. */
    static final MalformedBody MALFORMED_BODY = new MalformedBody(CONTENT_TYPE,
            message -> error(400, message).toString());

    /**
     * The largest request body: a schema must fit in one record of the store topic (Kafka's default 1 MB
     * limit, less room for the key and the record's framing). Larger is 413, as Confluent's answers.
     */
    static final int BODY_LIMIT = 1_000_000;
    /** The media types Confluent's registry takes a body in; another is 415. No Content-Type is taken as JSON, as Jersey does. */
    private static final Set<String> BODY_TYPES = Set.of(CONTENT_TYPE, "application/vnd.schemaregistry+json",
            "application/json", "application/octet-stream");

    private final SchemaStore store;

    RegistryApi(final SchemaStore store) {
        this.store = store;
    }

    /** The API's routes, behind basic auth when {@code users} (user to password) is not empty. */
    Router router(final Vertx vertx, final Map<String, String> users) {
        final Router router = Router.router(vertx);
        if (!users.isEmpty()) {
            router.route().handler(new BasicAuth(users));
        }
        router.route().handler(RegistryApi::checkRequest);
        router.route().handler(BodyHandler.create().setBodyLimit(BODY_LIMIT));
        router.get("/").blockingHandler(ctx -> reply(ctx, 200, JSON.createObjectNode()));
        router.get("/schemas/types").blockingHandler(ctx -> reply(ctx, 200, JSON.createArrayNode().add("AVRO")));
        router.get("/subjects").blockingHandler(ctx -> handle(ctx, () -> array(store.subjects())));
        router.get("/subjects/:subject/versions").blockingHandler(ctx -> handle(ctx,
                () -> array(store.versions(subject(ctx)))));
        router.post("/subjects/:subject/versions").blockingHandler(ctx -> handle(ctx, () -> {
            final int id = store.register(subject(ctx), schemaText(ctx));
            return JSON.createObjectNode().put("id", id);
        }));
        router.get("/subjects/:subject/versions/:version").blockingHandler(ctx -> handle(ctx,
                () -> versionNode(store.version(subject(ctx), ctx.pathParam("version")))));
        router.get("/subjects/:subject/versions/:version/schema").blockingHandler(ctx -> handle(ctx, () -> JSON.readTree(
                store.schemaText(store.version(subject(ctx), ctx.pathParam("version"))))));
        router.post("/subjects/:subject").blockingHandler(ctx -> handle(ctx, () -> {
            final String subject = subject(ctx);
            return versionNode(store.lookup(subject, schemaText(ctx))
                    .orElseThrow(() -> RegistryError.schemaNotFound("under subject '" + subject + "'")));
        }));
        router.delete("/subjects/:subject").blockingHandler(ctx -> handle(ctx,
                () -> array(store.deleteSubject(subject(ctx)))));
        router.get("/schemas/ids/:id").blockingHandler(ctx -> handle(ctx, () -> {
            final String idText = ctx.pathParam("id");
            final int id = parseId(idText);
            final String schema = store.schemaById(id).orElseThrow(() -> RegistryError.schemaNotFound(idText));
            return JSON.createObjectNode().put("schema", schema);
        }));
        router.get("/schemas/ids/:id/schema").blockingHandler(ctx -> handle(ctx, () -> {
            final String idText = ctx.pathParam("id");
            return JSON.readTree(store.schemaById(parseId(idText)).orElseThrow(() -> RegistryError.schemaNotFound(idText)));
        }));
        router.get("/config").blockingHandler(ctx -> handle(ctx,
                () -> JSON.createObjectNode().put("compatibilityLevel", store.globalCompatibility().name())));
        router.put("/config").blockingHandler(ctx -> handle(ctx, () -> setConfig(ctx, Optional.empty())));
        router.get("/config/:subject").blockingHandler(ctx -> handle(ctx, () -> {
            final String subject = subject(ctx);
            final boolean defaultToGlobal = Boolean.parseBoolean(ctx.queryParams().get("defaultToGlobal"));
            final Compatibility level = store.subjectCompatibility(subject)
                    .or(() -> defaultToGlobal ? Optional.of(store.compatibility(subject)) : Optional.empty())
                    .orElseThrow(() -> RegistryError.subjectConfigNotFound(subject));
            return JSON.createObjectNode().put("compatibilityLevel", level.name());
        }));
        router.put("/config/:subject").blockingHandler(ctx -> handle(ctx,
                () -> setConfig(ctx, Optional.of(subject(ctx)))));
        router.post("/compatibility/subjects/:subject/versions/:version").blockingHandler(ctx -> handle(ctx, () -> {
            final List<String> problems = store.compatibilityProblems(subject(ctx), schemaText(ctx),
                    ctx.pathParam("version"));
            final ObjectNode answer = JSON.createObjectNode().put("is_compatible", problems.isEmpty());
            if (Boolean.parseBoolean(ctx.queryParams().get("verbose"))) {
                answer.set("messages", array(problems));
            }
            return answer;
        }));
        router.route().last().handler(ctx -> reply(ctx, 404, error(404, "HTTP 404 Not Found")));
        router.route().failureHandler(RegistryApi::failed);
        return router;
    }

    /** Answers 415 for a body in a media type the API does not take. */
    private static void checkRequest(final RoutingContext ctx) {
        final String type = ctx.request().getHeader("Content-Type");
        if (type != null && (ctx.request().method() == HttpMethod.POST || ctx.request().method() == HttpMethod.PUT)
                && !BODY_TYPES.contains(type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT))) {
            reply(ctx, 415, error(415, "HTTP 415 Unsupported Media Type"));
            return;
        }
        ctx.next();
    }

    /**
     * A request the router could not finish: a client gone mid-body is a debug line (its connection is
     * closed, there is no one to answer); anything else is the 500 a handler's own failure gets.
     */
    private static void failed(final RoutingContext ctx) {
        if (ctx.failure() instanceof HttpClosedException || ctx.response().closed()) {
            LOG.debug("Registry request {} {}: the client closed the connection", ctx.request().method(), ctx.request().path());
            return;
        }
        if (ctx.failure() == null) {
            final int status = ctx.statusCode();
            reply(ctx, status, error(status, "HTTP " + status + " " + HttpResponseStatus.valueOf(status).reasonPhrase()));
            return;
        }
        LOG.warn("Registry request {} {} failed: {}", ctx.request().method(), ctx.request().path(), ctx.failure().toString());
        reply(ctx, 500, error(50001, "Internal error"));
    }

    private JsonNode setConfig(final RoutingContext ctx, final Optional<String> subject) throws IOException {
        final JsonNode body = body(ctx);
        final Compatibility level = Compatibility.parse(body.path("compatibility").asText(null));
        store.setCompatibility(subject, level);
        return JSON.createObjectNode().put("compatibility", level.name());
    }

    private static String schemaText(final RoutingContext ctx) throws IOException {
        final JsonNode body = body(ctx);
        final String type = body.path("schemaType").asText("AVRO");
        if (!"AVRO".equals(type)) {
            throw RegistryError.invalidSchema("only AVRO schemas are supported by the embedded registry, got " + type);
        }
        if (body.path("references").size() > 0) {
            throw RegistryError.invalidSchema("schema references are not supported by the embedded registry");
        }
        final JsonNode schema = body.path("schema");
        if (!schema.isTextual()) {
            throw RegistryError.invalidSchema("the request body needs a \"schema\" string");
        }
        return schema.asText();
    }

    private static JsonNode body(final RoutingContext ctx) throws IOException {
        final String text = ctx.body() == null ? null : ctx.body().asString();
        if (text == null || text.isBlank()) {
            throw new RegistryError(422, 42201, "Empty request body");
        }
        try {
            return JSON.readTree(text);
        } catch (final JsonProcessingException e) {
            throw new RegistryError(400, 400, "Unrecognized request body: " + e.getOriginalMessage());
        }
    }

    private static int parseId(final String text) {
        try {
            return Integer.parseInt(text);
        } catch (final NumberFormatException e) {
            throw RegistryError.schemaNotFound(text);
        }
    }

    private ObjectNode versionNode(final SchemaStore.Version version) {
        return JSON.createObjectNode().put("subject", version.subject()).put("version", version.version())
                .put("id", version.id()).put("schema", store.schemaText(version));
    }

    private static ArrayNode array(final List<?> values) {
        final ArrayNode array = JSON.createArrayNode();
        values.forEach(v -> array.add(JSON.valueToTree(v)));
        return array;
    }

    private interface Answer {
        JsonNode get() throws IOException;
    }

    private static void handle(final RoutingContext ctx, final Answer answer) {
        try {
            reply(ctx, 200, answer.get());
        } catch (final RegistryError e) {
            reply(ctx, e.status, error(e.errorCode, e.getMessage()));
        } catch (final IOException | RuntimeException e) {
            LOG.warn("Registry request {} {} failed", ctx.request().method(), ctx.request().path(), e);
            reply(ctx, 500, error(50001, "Internal error: " + e));
        }
    }

    /** The request's subject; 422 (42208) for one Confluent refuses: empty or holding a control character. */
    private static String subject(final RoutingContext ctx) {
        final String subject = ctx.pathParam("subject");
        if (subject == null || subject.isEmpty() || subject.codePoints().anyMatch(Character::isISOControl)) {
            throw RegistryError.invalidSubject(String.valueOf(subject));
        }
        return subject;
    }

    private static ObjectNode error(final int code, final String message) {
        return JSON.createObjectNode().put("error_code", code).put("message", message);
    }

    private static void reply(final RoutingContext ctx, final int status, final JsonNode body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", CONTENT_TYPE).end(body.toString());
    }
}
