package dev.zumik.schemas.topics;

import dev.zumik.schemas.avro.Lane;
import java.util.regex.Pattern;

/** A lane's key form, {@code provider/model/route}: the record key of lane-keyed topics. */
public final class Lanes {
    private Lanes() { }

    public static String key(final Lane lane) {
        return lane.getProvider() + "/" + lane.getModel() + "/" + lane.getRoute();
    }

    /**
     * Parses {@code provider/model/route}; the route may itself contain slashes (e.g. a path), and
     * a model may not. Throws with a clear message when the text has fewer than three parts.
     */
    public static Lane parse(final String text) {
        final int first = text.indexOf('/');
        final int second = first < 0 ? -1 : text.indexOf('/', first + 1);
        if (first <= 0 || second <= first + 1 || second == text.length() - 1) {
            throw new IllegalArgumentException("lane must be provider/model/route (e.g. openai/gpt-4o-mini/chat), got '" + text + "'");
        }
        return new Lane(text.substring(0, first), text.substring(first + 1, second), text.substring(second + 1));
    }

    /** Endpoint suffixes and their route names, most specific first. */
    private static final String[][] KNOWN_ROUTES = {{"/chat/completions", "chat"}, {"/completions", "completions"},
        {"/responses", "responses"}, {"/messages", "messages"}, {"/embeddings", "embeddings"}};
    private static final Pattern LEADING_SLASHES = Pattern.compile("^/+");
    private static final Pattern V1 = Pattern.compile("^v1(/|$)");
    private static final Pattern SLASHES = Pattern.compile("/+");

    /**
     * The route of a proxied request: the short name of its endpoint, so that a lane key reads well and needs
     * no escaping. {@code .../chat/completions} is {@code chat}; {@code .../completions}, {@code .../responses},
     * {@code .../messages} and {@code .../embeddings} are named so (whatever comes before: {@code /v1/},
     * an Azure deployment path); any other path is itself without a leading {@code /v1/} and with {@code /} as
     * {@code .} ({@code /v1/audio/speech} is {@code audio.speech}); the root is {@code root}.
     */
    public static String routeName(final String path) {
        // on every proxied request: no regex compiled per call
        int end = path.length();
        while (end > 0 && path.charAt(end - 1) == '/') {
            end--;
        }
        final String p = path.substring(0, end);
        for (final String[] known : KNOWN_ROUTES) {
            if (p.endsWith(known[0]) || p.equals(known[0].substring(1))) {
                return known[1];
            }
        }
        final String bare = SLASHES.matcher(V1.matcher(LEADING_SLASHES.matcher(p).replaceAll("")).replaceFirst("")).replaceAll(".");
        return bare.isEmpty() ? "root" : bare;
    }

    /** Throws with a clear message unless the lane round-trips through its key: provider and model without slashes, none empty. */
    public static void requireValid(final Lane lane) {
        if (lane.getProvider().isEmpty() || lane.getModel().isEmpty() || lane.getRoute().isEmpty()
                || lane.getProvider().contains("/") || lane.getModel().contains("/")) {
            throw new IllegalArgumentException("lane must be provider/model/route with no slash in provider or model and none empty, got '"
                    + key(lane) + "'");
        }
    }
}
