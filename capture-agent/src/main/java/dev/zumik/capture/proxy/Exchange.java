package dev.zumik.capture.proxy;

import dev.zumik.capture.ByteBudget;
import dev.zumik.core.prompt.Dialect;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.LongUnaryOperator;

/**
 * One request/response passing through: copies of the bodies for shaping, and the moments the
 * proxy saw. Written on one event-loop thread, then handed whole to a shaping worker.
 */
final class Exchange {
    private static final int MAX_CHUNK_TIMES = 100_000;

    final Optional<Dialect> dialect;
    final Upstream upstream;
    final String route;
    final Instant arrival;
    final long startNanos;
    final MultiMap requestHeaders;
    final BoundedBody requestBody;
    final BoundedBody responseBody;
    private long[] ends = new long[64];
    private long[] times = new long[64];
    private int chunks;
    long firstByteNanos;
    long upstreamHeadSentNanos;
    long responseHeadInNanos;
    long endNanos;
    int status;
    String responseEncoding;
    String failure;
    boolean clientGone;
    boolean finished;

    Exchange(final Optional<Dialect> dialect, final Upstream upstream, final String route, final Instant arrival,
             final long startNanos, final int parseLimit, final MultiMap requestHeaders, final ByteBudget budget) {
        this.dialect = dialect;
        this.upstream = upstream;
        this.route = route.isEmpty() ? "/" : route;
        this.arrival = arrival;
        this.startNanos = startNanos;
        this.requestHeaders = requestHeaders;
        this.requestBody = new BoundedBody(dialect.isPresent() ? parseLimit : 0, budget);
        this.responseBody = new BoundedBody(dialect.isPresent() ? parseLimit : 0, budget);
        requestBody.expect(requestHeaders.get("content-length"));
    }

    /** Notes that the request head goes upstream now; true only the first time. */
    boolean upstreamHeadOut() {
        if (upstreamHeadSentNanos != 0) {
            return false;
        }
        upstreamHeadSentNanos = System.nanoTime();
        return true;
    }

    /** Copies no more body chunks: called on the event loop as the exchange finishes, before a worker reads the copies. */
    void seal() {
        requestBody.seal();
        responseBody.seal();
    }

    /** Lets both body copies go, once shaped or not to be shaped. */
    void release() {
        requestBody.release();
        responseBody.release();
    }

    void responseChunk(final Buffer chunk, final long nanos) {
        if (firstByteNanos == 0) {
            firstByteNanos = nanos;
        }
        responseBody.add(chunk);
        if (dialect.isPresent() && chunks < MAX_CHUNK_TIMES) {
            if (chunks == ends.length) {
                ends = Arrays.copyOf(ends, chunks * 2);
                times = Arrays.copyOf(times, chunks * 2);
            }
            ends[chunks] = responseBody.size();
            times[chunks] = nanos;
            chunks++;
        }
    }

    /**
     * When the response had arrived far enough to hold decoded byte {@code offset} (exclusive end), or 0 if
     * unknown. {@code decodedLength} gives how many decoded bytes a raw prefix of the response holds
     * (the identity for a body sent as is); it never falls as the prefix grows, so a binary search over
     * the chunks finds the first one that completes the offset.
     */
    long arrivalOf(final long offset, final LongUnaryOperator decodedLength) {
        int low = 0;
        int high = chunks;
        while (low < high) {
            final int mid = (low + high) >>> 1;
            if (decodedLength.applyAsLong(ends[mid]) >= offset) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        return low < chunks ? times[low] : 0;
    }
}
