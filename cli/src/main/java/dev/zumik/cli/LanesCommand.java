package dev.zumik.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code zumik lanes}: the table a person reads first, from the streams app's query API. */
@Command(name = "lanes", description = {"Print every lane seen: its latest diagnosis (volume, reuse by cache policy, managed capture, "
        + "token share, the decision and why, and the managed levers with their estimated savings), or, until its first diagnosis, "
        + "what its windows hold so far."})
final class LanesCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--api", paramLabel = "URL", defaultValue = "http://127.0.0.1:8090",
            description = "The streams app's query API (default ${DEFAULT-VALUE}).")
    String api;

    @Option(names = "--json", description = "Print the API's JSON instead of the table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (!api.matches("https?://[^/\\s]+/?")) {
            throw ZumikException.usage("--api must be http(s)://HOST:PORT, got '" + api + "'");
        }
        final String body;
        try {
            final HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                    .send(HttpRequest.newBuilder(URI.create(api.replaceAll("/$", "") + "/lanes")).timeout(Duration.ofSeconds(30)).build(),
                            HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw ZumikException.failure("the query API answered " + response.statusCode() + ": " + response.body());
            }
            body = response.body();
        } catch (final IOException e) {
            throw ZumikException.failure("cannot reach the query API at " + api + " (is zumik streams running with --api?)");
        }
        final PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(body);
            return 0;
        }
        final JsonNode lanes = new ObjectMapper().readTree(body);
        if (lanes.isEmpty()) {
            out.println("No lane seen yet: no shape has reached the streams app.");
            return 0;
        }
        out.printf("%-40s %10s %14s %9s %9s %9s %8s %6s  %s%n", "lane", "requests", "prompt tokens", "ideal", "managed", "best byoc",
                "capture", "share", "decision (why)");
        for (final JsonNode lane : lanes) {
            if (lane.path("decision").isNull()) {
                // seen, not yet diagnosed: what its windows hold so far
                final JsonNode live = lane.path("live");
                out.printf("%-40s %10d %14d %9s %9s %9s %8s %6s  %s%n", lane.path("lane").asText(), live.path("requests").asLong(),
                        live.path("prompt_tokens").asLong(), pct(live.path("hit_ratio").path("infinite")),
                        pct(live.path("hit_ratio").path("managed")), "-", pct(live.path("reported_capture")), "-",
                        "not diagnosed yet" + (lane.has("next_period_end") ? " (its period ends " + lane.path("next_period_end").asText() + ")" : ""));
                continue;
            }
            final JsonNode f = lane.path("figures");
            final String profile = lane.path("profile").asText("");
            final List<String> why = new ArrayList<>();
            lane.path("reasons").forEach(r -> why.add(r.asText()));
            out.printf("%-40s %10.0f %14.0f %9s %9s %9s %8s %6s  %s (%s)%s%n", lane.path("lane").asText(), f.path("requests").asDouble(),
                    f.path("prompt_tokens").asDouble(), pct(f.path("hit_ratio.infinite")), pct(f.path("hit_ratio.managed")),
                    profile.isEmpty() ? "-" : pct(f.path("hit_ratio." + profile)), pct(f.path("managed_capture_ratio")),
                    pct(f.path("token_share")), lane.path("decision").asText(), String.join(", ", why),
                    lane.has("estimated_gain_pct") && !profile.isEmpty() ? String.format(" est. %+.0f%% on %s", lane.path("estimated_gain_pct").asDouble(), profile) : "");
            for (final JsonNode lever : lane.path("levers")) {
                out.printf("    lever %s: ~%,.0f USD/month (%.0f%%): %s%n", lever.path("lever").asText(), lever.path("estimated_monthly_savings_usd").asDouble(),
                        lever.path("estimated_savings_pct").asDouble(), lever.path("advice").asText());
            }
        }
        out.flush();
        return 0;
    }

    private static String pct(final JsonNode value) {
        return value.isMissingNode() || value.isNull() ? "-" : String.format("%.1f%%", value.asDouble() * 100);
    }
}
