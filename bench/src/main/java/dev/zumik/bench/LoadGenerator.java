package dev.zumik.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * The HTTP load of the whole-process proxy benchmarks: an open loop that fires at fixed intended times and an
 * closed loop that keeps a number of requests outstanding. Requests are created on the client's Vert.x context:
 * Vert.x 5.0.7's client pool can lose a request created off its event loop while a completion runs (seen here:
 * one request in ~600 never completed). Only a 200 counts as a success.
 */
final class LoadGenerator {
    private static final long MAX_MICROS = 119_000_000L;

    private LoadGenerator() { }

    /** An open loop's latencies, and each request's intended send time and completion (System.nanoTime, in send order). */
    record OpenLoopRun(Histogram latencies, long[] intendedNanos, long[] endNanos) { }

    /**
     * Sends {@code rate} requests a second for {@code seconds}; records each latency in µs from its intended send
     * time (no coordinated omission). The histogram's tag is the number of failed requests.
     *
     * @param body the request body, or null to send none
     */
    static Histogram openLoop(final Vertx vertx, final HttpClientAgent client, final Supplier<RequestOptions> request, final Buffer body,
                              final int rate, final int seconds) throws InterruptedException {
        return timedOpenLoop(vertx, client, request, body, rate, seconds).latencies();
    }

    /** {@link #openLoop}, keeping when each request was meant to go and when it came back (a request never answered ends at 0). */
    static OpenLoopRun timedOpenLoop(final Vertx vertx, final HttpClientAgent client, final Supplier<RequestOptions> request,
                                     final Buffer body, final int rate, final int seconds) throws InterruptedException {
        final Histogram histogram = new Histogram(MAX_MICROS + 1_000_000L, 3);
        final int total = rate * seconds;
        final long[] intendedNanos = new long[total];
        final long[] endNanos = new long[total];
        final CountDownLatch done = new CountDownLatch(total);
        final AtomicLong errors = new AtomicLong();
        final long start = System.nanoTime() + 50_000_000L;
        final long intervalNanos = 1_000_000_000L / rate;
        for (int i = 0; i < total; i++) {
            final long intended = start + i * intervalNanos;
            final int index = i;
            intendedNanos[i] = intended;
            long wait;
            while ((wait = intended - System.nanoTime()) > 0) {
                if (wait > 200_000) {
                    TimeUnit.NANOSECONDS.sleep(wait - 100_000);
                } else {
                    Thread.onSpinWait();
                }
            }
            vertx.runOnContext(v -> send(client, request.get(), body).onComplete(ar -> {
                try {
                    if (ar.failed() || ar.result() != 200) {
                        errors.incrementAndGet();
                    }
                    final long end = System.nanoTime();
                    synchronized (histogram) {
                        endNanos[index] = end;
                        histogram.recordValue(Math.min(MAX_MICROS, Math.max(0, (end - intended) / 1000)));
                    }
                } finally {
                    done.countDown();
                }
            }));
        }
        done.await(180, TimeUnit.SECONDS);
        histogram.setTag(Long.toString(errors.get()));
        synchronized (histogram) {
            return new OpenLoopRun(histogram, intendedNanos, endNanos.clone());
        }
    }

    /** The requests answered 200 with {@code inFlight} always outstanding for {@code seconds}. */
    static long closedLoop(final Vertx vertx, final HttpClientAgent client, final Supplier<RequestOptions> request, final Buffer body,
                           final int inFlight, final int seconds) throws InterruptedException {
        final AtomicLong completed = new AtomicLong();
        final long end = System.nanoTime() + seconds * 1_000_000_000L;
        final CountDownLatch finished = new CountDownLatch(inFlight);
        for (int i = 0; i < inFlight; i++) {
            vertx.runOnContext(v -> loop(client, request, body, end, completed, finished));
        }
        finished.await(seconds + 60L, TimeUnit.SECONDS);
        return completed.get();
    }

    private static void loop(final HttpClientAgent client, final Supplier<RequestOptions> request, final Buffer body, final long end,
                             final AtomicLong completed, final CountDownLatch finished) {
        if (System.nanoTime() >= end) {
            finished.countDown();
            return;
        }
        send(client, request.get(), body).onComplete(ar -> {
            if (ar.succeeded() && ar.result() == 200) {
                completed.incrementAndGet();
            }
            loop(client, request, body, end, completed, finished);
        });
    }

    /** One exchange: the status, once the whole response body has arrived. */
    private static io.vertx.core.Future<Integer> send(final HttpClientAgent client, final RequestOptions options, final Buffer body) {
        return client.request(options).compose(r -> body == null ? r.send() : r.send(body))
                .compose(response -> response.body().map(b -> response.statusCode()));
    }
}
