package dev.zumik.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A plain HTTP client for the simulator's endpoints, reading SSE streams event by event with arrival times. */
final class SimClient {
    static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    SimClient(final int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    /** One SSE event: its name (null when unnamed), data, and milliseconds since the request was sent. */
    record Event(String name, String data, double atMillis) {
        JsonNode json() {
            try {
                return JSON.readTree(data);
            } catch (final IOException e) {
                throw new IllegalStateException(data, e);
            }
        }
    }

    /** A whole response: status, headers, body or events, and whether the stream ended cleanly. */
    record Reply(int status, HttpResponseHeaders headers, String body, List<Event> events, boolean cut, double firstByteMillis) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (final IOException e) {
                throw new IllegalStateException(body, e);
            }
        }
    }

    record HttpResponseHeaders(HttpHeaders headers) {
        String first(final String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    Reply get(final String path) throws Exception {
        final HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), new HttpResponseHeaders(r.headers()), r.body(), List.of(), false, 0);
    }

    Reply post(final String path, final String body, final String... headers) throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        final long sent = System.nanoTime();
        final HttpResponse<InputStream> r;
        try {
            r = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (final IOException e) {
            return new Reply(-1, null, "", List.of(), true, -1);
        }
        final double firstByte = (System.nanoTime() - sent) / 1e6;
        final boolean sse = r.headers().firstValue("content-type").orElse("").startsWith("text/event-stream");
        if (!sse) {
            try (InputStream in = r.body()) {
                return new Reply(r.statusCode(), new HttpResponseHeaders(r.headers()), new String(in.readAllBytes(), StandardCharsets.UTF_8),
                        List.of(), false, firstByte);
            } catch (final IOException e) {
                return new Reply(r.statusCode(), new HttpResponseHeaders(r.headers()), "", List.of(), true, firstByte);
            }
        }
        final List<Event> events = new ArrayList<>();
        boolean cut = false;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String name = null;
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.startsWith("event:")) {
                    name = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    events.add(new Event(name, line.substring(5).trim(), (System.nanoTime() - sent) / 1e6));
                    name = null;
                }
            }
        } catch (final IOException e) {
            cut = true;
        }
        return new Reply(r.statusCode(), new HttpResponseHeaders(r.headers()), "", events, cut, firstByte);
    }

    /** Events parsed from an SSE text (a fixture). */
    static List<Event> parseSse(final String text) {
        final List<Event> events = new ArrayList<>();
        String name = null;
        for (final String line : text.split("\n")) {
            if (line.startsWith("event:")) {
                name = line.substring(6).trim();
            } else if (line.startsWith("data:")) {
                events.add(new Event(name, line.substring(5).trim(), 0));
                name = null;
            }
        }
        return events;
    }
}
