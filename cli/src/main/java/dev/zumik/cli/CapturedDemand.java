package dev.zumik.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zumik.schemas.avro.DemandHour;
import dev.zumik.schemas.avro.DemandProfile;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** A lane's captured demand from the streams app's query API ({@code GET /lanes/{lane}/demand}), as a replay request carries it. */
final class CapturedDemand {
    private CapturedDemand() { }

    static DemandProfile fetch(final String api, final String lane) {
        if (!api.matches("https?://[^/\\s]+/?")) {
            throw ZumikException.usage("--api must be http(s)://HOST:PORT, got '" + api + "'");
        }
        final URI uri = URI.create(api.replaceAll("/$", "") + "/lanes/" + URLEncoder.encode(lane, StandardCharsets.UTF_8) + "/demand");
        final HttpResponse<String> response;
        try {
            response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                    .send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (final IOException e) {
            throw ZumikException.failure("cannot reach the query API at " + api + " (is zumik streams running with --api?)");
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ZumikException.failure("interrupted while asking " + api + " for the lane's demand");
        }
        if (response.statusCode() != 200) {
            throw ZumikException.failure("the query API has no demand for " + lane + " (" + response.statusCode() + "): " + response.body());
        }
        try {
            final JsonNode d = new ObjectMapper().readTree(response.body());
            final List<DemandHour> hours = new ArrayList<>();
            for (final JsonNode h : d.path("hours")) {
                hours.add(new DemandHour(h.path("hour_of_week").asInt(), h.path("requests").asLong(), h.path("prompt_tokens").asLong(),
                        h.path("cached_tokens").asLong(), h.path("cache_write_tokens").asLong(), h.path("cache_reporting_requests").asLong(),
                        h.path("output_tokens").asLong(), h.path("batch_requests").asLong(), h.path("peak_prompt_tokens_per_second").asDouble(),
                        h.path("peak_output_tokens_per_second").asDouble()));
            }
            return new DemandProfile(Instant.parse(d.path("horizon_start").asText()), Instant.parse(d.path("horizon_end").asText()), hours);
        } catch (final IOException | DateTimeParseException e) {
            throw ZumikException.failure("the query API's demand for " + lane + " is not what this zumik reads: " + e.getMessage());
        }
    }
}
