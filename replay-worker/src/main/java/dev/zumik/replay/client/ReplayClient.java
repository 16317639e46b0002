package dev.zumik.replay.client;

import dev.zumik.core.prompt.Dialect;
import dev.zumik.core.prompt.ReportedUsage;
import dev.zumik.replay.backend.Backend;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Sends replayed requests to one backend over pooled HTTP/1.1 connections and times each from its
 * intended send time: first content event (TTFT), every later content event (ITL), last byte (e2e),
 * with usage read from the stream in the backend's dialect. Never fails: every request ends in an
 * {@link Outcome}, failures classified. Only connection failures are retried (bounded), since an
 * error status is the backend's answer to this load and belongs in the verdict.
 */
public final class ReplayClient implements RequestSender, AutoCloseable {
    private final Backend backend;
    private final HttpClientAgent client;
    private final long idleTimeoutMillis;
    private final int maxRetries;

    public ReplayClient(final Vertx vertx, final Backend backend, final int maxConnections, final Duration idleTimeout,
                        final int maxRetries) {
        this.backend = backend;
        this.idleTimeoutMillis = idleTimeout.toMillis();
        this.maxRetries = maxRetries;
        this.client = vertx.createHttpClient(new HttpClientOptions().setSsl(backend.tls()).setConnectTimeout(10_000)
                        .setKeepAlive(true).setMaxInitialLineLength(65_536).setMaxHeaderSize(65_536),
                new PoolOptions().setHttp1MaxSize(maxConnections).setMaxWaitQueueSize(-1));
    }

    @Override
    public Backend backend() {
        return backend;
    }

    /** One request, intended at {@code runStart + intended} (System.nanoTime clock); {@code done} gets its outcome. */
    @Override
    public void send(final int index, final long runStart, final long intended, final byte[] body, final int targetPrompt,
                     final int targetOutput, final Consumer<Outcome> done) {
        final long lag = Math.max(0, System.nanoTime() - runStart - intended);
        new Attempt(index, runStart, intended, lag, Buffer.buffer(body), targetPrompt, targetOutput, done).start(0);
    }

    /**
     * Before the clock starts: a {@code GET /v1/models} (harmless, no prompt, no cache effect) opens a
     * connection and loads the HTTP path, and a canned stream event runs through the dialect's reader,
     * so the first replayed requests are not late for class loading. Its answer is ignored.
     */
    public void warmUp(final Duration timeout) {
        final String models = backend.path().substring(0, backend.path().length() - backend.runtime().api().path().length()) + "/v1/models";
        final RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(backend.baseUrl().getHost())
                .setPort(backend.port()).setURI(models).setIdleTimeout(timeout.toMillis());
        backend.headers().forEach(options::putHeader);
        try {
            client.request(options).compose(HttpClientRequest::send).compose(HttpClientResponse::body)
                    .toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (final ExecutionException | TimeoutException unreachable) {
            // the replay itself will classify what fails
        }
        final ReportedUsage usage = new ReportedUsage();
        new SseLines(data -> usage.readEvent(backend.runtime().api(), data)).feed(
                "data: {\"choices\":[{\"delta\":{\"content\":\"x\"},\"text\":\"x\"}],\"usage\":{\"prompt_tokens\":1}}\n\n"
                        .getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        client.close().await();
    }

    /** One request's life, from connection to its last byte. */
    private final class Attempt {
        private final int index;
        private final long runStart;
        private final long intended;
        private final long lag;
        private final Buffer body;
        private final int targetPrompt;
        private final int targetOutput;
        private final Consumer<Outcome> done;
        private final ReportedUsage usage = new ReportedUsage();
        private int[] gaps = new int[16];
        private int contentEvents;
        private long firstContent = -1;
        private long lastContent = -1;
        private boolean sawEnd;
        private boolean finished;
        private int retries;

        Attempt(final int index, final long runStart, final long intended, final long lag, final Buffer body, final int targetPrompt,
                final int targetOutput, final Consumer<Outcome> done) {
            this.index = index;
            this.runStart = runStart;
            this.intended = intended;
            this.lag = lag;
            this.body = body;
            this.targetPrompt = targetPrompt;
            this.targetOutput = targetOutput;
            this.done = done;
        }

        void start(final int attempt) {
            retries = attempt;
            final RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(backend.baseUrl().getHost())
                    .setPort(backend.port()).setURI(backend.path()).setIdleTimeout(idleTimeoutMillis)
                    .putHeader("content-type", "application/json").putHeader("accept", "text/event-stream");
            backend.headers().forEach(options::putHeader);
            client.request(options).onComplete(ar -> {
                if (ar.failed()) {
                    connectFailed(attempt, ar.cause());
                    return;
                }
                final HttpClientRequest request = ar.result();
                request.exceptionHandler(this::failedMidway);
                request.send(body).onComplete(sent -> {
                    if (sent.failed()) {
                        failedMidway(sent.cause());
                    } else {
                        onResponse(sent.result());
                    }
                });
            });
        }

        private void connectFailed(final int attempt, final Throwable cause) {
            if (attempt < maxRetries) {
                start(attempt + 1);
            } else {
                finish(0, cause instanceof TimeoutException ? ErrorClass.TIMEOUT : ErrorClass.CONNECT);
            }
        }

        private void failedMidway(final Throwable cause) {
            // Vert.x reports an idle timeout as a java.util.concurrent.TimeoutException
            finish(0, cause instanceof TimeoutException ? ErrorClass.TIMEOUT
                    : firstContent >= 0 ? ErrorClass.STREAM_DROPPED : ErrorClass.CONNECT);
        }

        private void onResponse(final HttpClientResponse response) {
            final int status = response.statusCode();
            if (status < 200 || status >= 300) {
                response.body().onComplete(ignored -> finish(status, ErrorClass.ofStatus(status)));
                return;
            }
            final Dialect api = backend.runtime().api();
            final SseLines sse = new SseLines(data -> onEvent(api, data));
            response.handler(chunk -> sse.feed(chunk.getBytes()));
            response.exceptionHandler(e -> finish(status, e instanceof TimeoutException ? ErrorClass.TIMEOUT : ErrorClass.STREAM_DROPPED));
            response.endHandler(v -> {
                sse.end();
                finish(status, sawEnd ? ErrorClass.NONE : ErrorClass.STREAM_DROPPED);
            });
        }

        private void onEvent(final Dialect api, final String data) {
            if ("[DONE]".equals(data) || data.contains("\"message_stop\"")) {
                sawEnd = true;
                if ("[DONE]".equals(data)) {
                    return;
                }
            }
            if (usage.readEvent(api, data)) {
                final long now = System.nanoTime();
                if (firstContent < 0) {
                    firstContent = now;
                } else {
                    if (contentEvents - 1 >= gaps.length) {
                        gaps = Arrays.copyOf(gaps, gaps.length * 2);
                    }
                    gaps[contentEvents - 1] = (int) Math.min(Integer.MAX_VALUE, (now - lastContent) / 1000);
                }
                lastContent = now;
                contentEvents++;
            }
        }

        private void finish(final int status, final ErrorClass error) {
            if (finished) {
                return;
            }
            finished = true;
            final long end = System.nanoTime();
            final long sentAt = runStart + intended;
            done.accept(new Outcome(index, intended, lag, status, error, firstContent < 0 ? -1 : firstContent - sentAt,
                    status == 0 ? -1 : end - sentAt, contentEvents, Arrays.copyOf(gaps, Math.max(0, contentEvents - 1)),
                    usage.prompt(), usage.completion(), usage.cached(), usage.cacheWrite(), targetPrompt, targetOutput, retries));
        }
    }
}
