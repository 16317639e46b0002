package dev.zumik.capture;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP upstream on loopback for proxy tests: records every request it receives exactly
 * (method, URI, headers, body bytes) and answers by path: {@code /v1/chat/completions} with a JSON
 * completion or, when the body asks to stream, SSE chunks 100 ms apart, compressed when the request
 * accepts zstd, gzip or br (br from node-made fixtures); {@code /slow-stream} with a
 * stream that only stops when the client goes; {@code /late-first-byte} with a head at once and its body 1.5 s later; anything else echoes the body back with headers.
 */
final class ScriptedUpstream implements AutoCloseable {
    record Received(String method, String uri, Map<String, List<String>> headers, byte[] body) { }

    static final String CANARY_COMPLETION = "CANARY-COMPLETION-7f3e";
    static final List<String> SSE_CHUNKS = List.of(
            "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}],\"usage\":null}\n\n",
            "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + CANARY_COMPLETION + "\"}}],\"usage\":null}\n\n",
            "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" more\"}}],\"usage\":null}\n\n",
            "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":{\"prompt_tokens\":1500,\"completion_tokens\":2,\"total_tokens\":1502,\"prompt_tokens_details\":{\"cached_tokens\":1024}}}\n\n",
            "data: [DONE]\n\n");
    static final String JSON_COMPLETION = "{\"id\":\"c2\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":"
            + "{\"role\":\"assistant\",\"content\":\"" + CANARY_COMPLETION + "\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":2006,\"completion_tokens\":300,\"total_tokens\":2306,\"prompt_tokens_details\":{\"cached_tokens\":1920}},"
            + "\"service_tier\":\"default\"}";

    static final String ANTHROPIC_JSON = "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\","
            + "\"content\":[{\"type\":\"text\",\"text\":\"Hi\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"
            + "\"usage\":{\"input_tokens\":21,\"output_tokens\":393,\"cache_creation_input_tokens\":188086,\"cache_read_input_tokens\":0}}";
    static final List<String> ANTHROPIC_SSE = List.of(
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"claude-sonnet-4-5\",\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":21,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":188086,\"output_tokens\":1}}}\n\n",
            "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
            "event: ping\ndata: {\"type\":\"ping\"}\n\n",
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n",
            "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":393}}\n\n",
            "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");

    final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    final AtomicInteger disconnects = new AtomicInteger();
    /** The path of each request as soon as its head arrives, before its body. */
    final BlockingQueue<String> heads = new LinkedBlockingQueue<>();
    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;

    ScriptedUpstream() throws Exception {
        server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setTcpNoDelay(true))
                .requestHandler(request -> {
                    heads.add(request.path());
                    request.body().onSuccess(body -> answer(request, body));
                });
        server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    String url() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    private void answer(final HttpServerRequest request, final Buffer body) {
        final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        request.headers().forEach(h -> headers.computeIfAbsent(h.getKey(), k -> new ArrayList<>()).add(h.getValue()));
        received.add(new Received(request.method().name(), request.uri(), headers, body.getBytes()));
        final String path = request.path();
        final boolean streamWanted = body.toString().contains("\"stream\":true");
        if (path.endsWith("/v1/messages")) {
            answerCompressible(request, streamWanted, ANTHROPIC_SSE, ANTHROPIC_JSON);
        } else if (path.endsWith("/v1/chat/completions") && body.toString().contains("rate-limit-me")) {
            request.response().setStatusCode(429).putHeader("content-type", "application/json")
                    .end("{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}");
        } else if (path.endsWith("/v1/chat/completions") && body.toString().contains("slow-stream-me")) {
            slowStream(request);
        } else if (path.endsWith("/v1/chat/completions") && accepts(request, "br")) {
            // Java has no Brotli encoder: Brotli answers are node-made fixtures with their own content
            request.response().putHeader("content-encoding", "br");
            if (streamWanted) {
                stream(request, 0, BrotliFixtures.sseSegments().stream().map(Buffer::buffer).toList());
            } else {
                request.response().putHeader("content-type", "application/json").end(Buffer.buffer(BrotliFixtures.jsonEncoded()));
            }
        } else if (path.endsWith("/v1/chat/completions")) {
            request.response().putHeader("x-request-id", "req-1");
            answerCompressible(request, streamWanted, SSE_CHUNKS, JSON_COMPLETION);
        } else if (path.equals("/slow-stream")) {
            slowStream(request);
        } else if (path.equals("/late-first-byte")) {
            // a model thinking: the head at once, the first body byte 1.5 s later
            request.response().setChunked(true).putHeader("content-type", "text/event-stream").writeHead();
            vertx.setTimer(1500, id -> request.response().end("data: late\n\n"));
        } else if (path.equals("/error")) {
            request.response().setStatusCode(429).putHeader("retry-after", "3").putHeader("content-type", "application/json")
                    .end("{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}");
        } else {
            final var response = request.response().setStatusCode(201).putHeader("x-echo", "yes");
            final String type = request.getHeader("content-type");
            if (type != null) {
                response.putHeader("content-type", type);
            }
            response.end(body);
        }
    }

    /** A stream that never ends: a tick every 50 ms until the client goes. */
    private void slowStream(final HttpServerRequest request) {
        request.response().setChunked(true).putHeader("content-type", "text/event-stream");
        final long timer = vertx.setPeriodic(50, id -> {
            if (!request.response().closed()) {
                request.response().write("data: tick\n\n");
            }
        });
        request.response().closeHandler(v -> {
            vertx.cancelTimer(timer);
            disconnects.incrementAndGet();
        });
    }

    /**
     * Answers as a compressing server (an API behind a CDN) would: zstd or gzip when the request accepts
     * them, a stream flushed chunk by chunk so that each chunk can be decoded as it arrives.
     */
    private void answerCompressible(final HttpServerRequest request, final boolean streamWanted, final List<String> sse, final String json) {
        final String coding = accepts(request, "zstd") ? "zstd" : accepts(request, "gzip") ? "gzip" : null;
        if (coding != null) {
            request.response().putHeader("content-encoding", coding);
        }
        if (!streamWanted) {
            request.response().putHeader("content-type", "application/json")
                    .end(coding == null ? Buffer.buffer(json) : Buffer.buffer(FlushedEncoder.encode(coding, json.getBytes(StandardCharsets.UTF_8))));
            return;
        }
        final List<Buffer> segments = new ArrayList<>();
        if (coding == null) {
            sse.forEach(chunk -> segments.add(Buffer.buffer(chunk)));
        } else {
            final List<byte[]> encoded = FlushedEncoder.segments(coding, sse);
            encoded.subList(0, sse.size()).forEach(segment -> segments.add(Buffer.buffer(segment)));
            segments.get(segments.size() - 1).appendBytes(encoded.get(sse.size())); // the encoder's trailer ends the last chunk
        }
        stream(request, 0, segments);
    }

    private static boolean accepts(final HttpServerRequest request, final String coding) {
        final String accepted = request.getHeader("accept-encoding");
        if (accepted == null) {
            return false;
        }
        for (final String part : accepted.split(",")) {
            final String[] nameAndParams = part.trim().split(";");
            if (nameAndParams[0].trim().equalsIgnoreCase(coding)) {
                for (int i = 1; i < nameAndParams.length; i++) {
                    final String param = nameAndParams[i].trim();
                    if (param.startsWith("q=") && Double.parseDouble(param.substring(2)) == 0) {
                        return false;
                    }
                }
                return true;
            }
        }
        return false;
    }

    private void stream(final HttpServerRequest request, final int index, final List<Buffer> chunks) {
        if (index == 0) {
            request.response().setChunked(true).putHeader("content-type", "text/event-stream").putHeader("cache-control", "no-cache");
        }
        if (request.response().closed()) {
            return;
        }
        request.response().write(chunks.get(index));
        if (index + 1 == chunks.size()) {
            request.response().end();
        } else {
            vertx.setTimer(100, id -> stream(request, index + 1, chunks));
        }
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
