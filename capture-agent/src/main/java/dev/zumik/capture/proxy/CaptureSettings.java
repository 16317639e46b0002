package dev.zumik.capture.proxy;

import dev.zumik.capture.ShapingPriority;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * How the capture proxy runs.
 *
 * @param listenHost       address the proxy binds
 * @param listenPort       proxy port (0: free port)
 * @param upstreams        routes, longest prefix first wins; one with prefix "" is the default
 * @param adminHost        admin address (/metrics, /healthz), loopback by default
 * @param adminPort        admin port (0: free port, -1: none)
 * @param tenantHeader     header naming the tenant; else a keyed hash of the API key
 * @param keyDir           tenant key store directory
 * @param queueBytes       bound of the shape queue
 * @param parseLimitBytes  bodies larger than this are forwarded without being parsed
 * @param blockSize        tokens per hashed block
 * @param tokenizer        tokenizer override for every lane, if any
 * @param shapingBacklogBytes bound of all body copies kept for shaping, in flight or waiting; past it bodies are not copied
 * @param shapingPriority  how the shaping and sending threads are scheduled against the relay's
 */
public record CaptureSettings(String listenHost, int listenPort, List<Upstream> upstreams, String adminHost, int adminPort,
                              String tenantHeader, Path keyDir, long queueBytes, int parseLimitBytes, int blockSize,
                              Optional<String> tokenizer, long shapingBacklogBytes, ShapingPriority shapingPriority) {
    public static final String DEFAULT_TENANT_HEADER = "X-Zumik-Tenant";
    public static final long DEFAULT_QUEUE_BYTES = 64L << 20;
    public static final int DEFAULT_PARSE_LIMIT = 32 << 20;
    public static final long DEFAULT_SHAPING_BACKLOG_BYTES = 256L << 20;
    public static final int DEFAULT_BLOCK_SIZE = 64;

    public CaptureSettings {
        if (upstreams.isEmpty()) {
            throw new IllegalArgumentException("at least one upstream is needed (--upstream URL)");
        }
        upstreams = List.copyOf(upstreams);
        if (shapingBacklogBytes < 1024) {
            throw new IllegalArgumentException("the shaping backlog needs at least 1024 bytes, got " + shapingBacklogBytes);
        }
    }

    /** Loopback on a free port, no admin server, the default tenant header, queue, parse limit, block size, backlog and priority. */
    public static CaptureSettings defaults(final List<Upstream> upstreams, final Path keyDir) {
        return new CaptureSettings("127.0.0.1", 0, upstreams, "127.0.0.1", -1, DEFAULT_TENANT_HEADER, keyDir, DEFAULT_QUEUE_BYTES,
                DEFAULT_PARSE_LIMIT, DEFAULT_BLOCK_SIZE, Optional.empty(), DEFAULT_SHAPING_BACKLOG_BYTES, ShapingPriority.IDLE);
    }

    public CaptureSettings withListen(final String host, final int port) {
        return new CaptureSettings(host, port, upstreams, adminHost, adminPort, tenantHeader, keyDir, queueBytes, parseLimitBytes, blockSize,
                tokenizer, shapingBacklogBytes, shapingPriority);
    }

    /** The admin server's address; port -1 runs none. */
    public CaptureSettings withAdmin(final String host, final int port) {
        return new CaptureSettings(listenHost, listenPort, upstreams, host, port, tenantHeader, keyDir, queueBytes, parseLimitBytes, blockSize,
                tokenizer, shapingBacklogBytes, shapingPriority);
    }

    public CaptureSettings withQueueBytes(final long bytes) {
        return new CaptureSettings(listenHost, listenPort, upstreams, adminHost, adminPort, tenantHeader, keyDir, bytes, parseLimitBytes, blockSize,
                tokenizer, shapingBacklogBytes, shapingPriority);
    }

    public CaptureSettings withShapingBacklog(final long bytes) {
        return new CaptureSettings(listenHost, listenPort, upstreams, adminHost, adminPort, tenantHeader, keyDir, queueBytes, parseLimitBytes,
                blockSize, tokenizer, bytes, shapingPriority);
    }

    /**
     * The route for a request: the upstream named by the {@code X-Zumik-Upstream} header (its path
     * kept whole), else the longest matching path prefix, else the default.
     */
    Optional<Upstream> route(final String path, final String selected) {
        if (selected != null && !selected.isBlank()) {
            return upstreams.stream().filter(u -> u.name().equals(selected.trim()))
                    .map(u -> new Upstream("", u.base(), u.provider(), u.name(), u.route())).findFirst();
        }
        return route(path);
    }

    /** The route for a path: the longest matching prefix, else the default. */
    Optional<Upstream> route(final String path) {
        Upstream best = null;
        for (final Upstream u : upstreams) {
            final boolean matches = u.prefix().isEmpty() || path.equals(u.prefix()) || path.startsWith(u.prefix() + "/");
            if (matches && (best == null || u.prefix().length() > best.prefix().length())) {
                best = u;
            }
        }
        return Optional.ofNullable(best);
    }
}
