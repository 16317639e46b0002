package dev.zumik.cli;

import dev.zumik.capture.keys.TenantKeyStore;
import dev.zumik.capture.traces.TraceImporter;
import dev.zumik.schemas.avro.Lane;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.avro.ShapeSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The traffic {@code zumik demo} sends through the capture proxy, as shapes the replay client turns into requests. */
final class DemoWorkloads {
    /** Prompts of the Mooncake slice are cut to this fraction's inverse (blocks of 512 tokens become 64). */
    static final int LENGTH_DIVISOR = 8;
    /** The Mooncake slice plays this many times faster than it was recorded. */
    static final double SPEED_UP = 2;
    private static final Lane LANE = Lane.newBuilder().setProvider("demo").setModel("gpt-4.1").setRoute("chat").build();

    private DemoWorkloads() { }

    /**
     * The 273 requests of Mooncake's 900–960 s (shipped verbatim with the CLI), each prompt an eighth as
     * long with the same hash ids (64-token blocks), twice as fast: 30 s of concentrated traffic whose
     * prefixes repeat.
     */
    static List<RequestShape> mooncake(final Instant start, final Path scratch) {
        final Path trace = scratch.resolve("mooncake-900-960s.jsonl");
        try (InputStream in = DemoWorkloads.class.getResourceAsStream("/dev/zumik/cli/demo/mooncake-900-960s.jsonl")) {
            Files.copy(in, trace);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot unpack the demo trace: " + e.getMessage(), e);
        }
        final List<RequestShape> raw = new ArrayList<>();
        // the importer keys the trace's ids; the keys are thrown away with the scratch directory
        TraceImporter.forFormat("mooncake", new TraceImporter.Target(LANE, "demo", Instant.EPOCH, new TenantKeyStore(scratch.resolve("keys"))),
                64, Optional.empty()).importFile(trace, raw::add);
        final long first = raw.get(0).getArrivalTime().toEpochMilli();
        final List<RequestShape> shapes = new ArrayList<>();
        for (final RequestShape s : raw) {
            final int prompt = (s.getPromptTokens() + LENGTH_DIVISOR - 1) / LENGTH_DIVISOR;
            shapes.add(RequestShape.newBuilder(s).setPromptTokens(prompt).setHashedTokens(prompt).setBlockSize(512 / LENGTH_DIVISOR)
                    .setArrivalTime(start.plusMillis(Math.round((s.getArrivalTime().toEpochMilli() - first) / SPEED_UP))).build());
        }
        return shapes;
    }

    /**
     * A chat lane that managed prompt caching already serves well: every request starts with the same
     * 2,048-token system prompt and adds 256 tokens of its own, 3 a second for {@code length}.
     */
    static List<RequestShape> sharedPrefixChat(final Instant start, final Duration length) {
        final List<RequestShape> shapes = new ArrayList<>();
        final int shared = 2048;
        final int own = 256;
        final int block = 64;
        final int requests = (int) (length.toMillis() * 3 / 1000);
        for (int r = 0; r < requests; r++) {
            final List<Long> hashes = new ArrayList<>();
            for (int b = 0; b < (shared + own) / block; b++) {
                hashes.add(b * block < shared ? 1_000L + b : 1_000_000L * (r + 1) + b);
            }
            shapes.add(RequestShape.newBuilder().setEventId("stay-" + r).setTenant("demo").setLane(LANE)
                    .setArrivalTime(start.plusMillis(r * 1000L / 3)).setPromptTokens(shared + own).setCompletionTokens(64)
                    .setBlockSize(block).setTokenizer("o200k_base").setHashedTokens(shared + own).setBlockHashes(hashes)
                    .setHashKeyId("demo").setHttpStatus(200).setStream(true).setSource(ShapeSource.OTHER).build());
        }
        return shapes;
    }
}
