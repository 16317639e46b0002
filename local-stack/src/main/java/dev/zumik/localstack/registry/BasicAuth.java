package dev.zumik.localstack.registry;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Collectors;

/** HTTP basic auth in front of the registry API: a known user with its password, or 401 as Confluent's registry answers. */
final class BasicAuth implements Handler<RoutingContext> {
    private static final String PREFIX = "Basic ";
    private final Map<String, byte[]> passwords;

    BasicAuth(final Map<String, String> users) {
        this.passwords = users.entrySet().stream().collect(Collectors.toUnmodifiableMap(
                Map.Entry::getKey, e -> e.getValue().getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public void handle(final RoutingContext ctx) {
        if (authorized(ctx.request().getHeader("Authorization"))) {
            ctx.next();
            return;
        }
        ctx.response().setStatusCode(401)
                .putHeader("WWW-Authenticate", "Basic realm=\"zumik-registry\"")
                .putHeader("Content-Type", RegistryApi.CONTENT_TYPE)
                .end("{\"error_code\":401,\"message\":\"Unauthorized\"}");
    }

    private boolean authorized(final String header) {
        if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return false;
        }
        final String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(PREFIX.length()).trim()), StandardCharsets.UTF_8);
        } catch (final IllegalArgumentException notBase64) {
            return false;
        }
        final int colon = decoded.indexOf(':');
        if (colon < 0) {
            return false;
        }
        // A constant-time comparison, so timing tells nothing about the password; an unknown user (null) never matches.
        return MessageDigest.isEqual(passwords.get(decoded.substring(0, colon)),
                decoded.substring(colon + 1).getBytes(StandardCharsets.UTF_8));
    }
}
