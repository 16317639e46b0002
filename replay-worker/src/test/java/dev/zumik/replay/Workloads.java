package dev.zumik.replay;

import dev.zumik.schemas.avro.Lane;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.avro.ShapeSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Shapes of a chat lane whose requests share a system prompt: {@code sharedTokens} of prefix common to
 * every request, then {@code uniqueTokens} of its own, at {@code perSecond} requests a second.
 */
final class Workloads {
    static final int BLOCK = 64;

    private Workloads() { }

    static Lane lane(final String provider, final String model) {
        return Lane.newBuilder().setProvider(provider).setModel(model).setRoute("chat").build();
    }

    static List<RequestShape> sharedPrefix(final Lane lane, final Instant start, final int requests, final double perSecond,
                                           final int sharedTokens, final int uniqueTokens, final int outputTokens, final long seed) {
        return shapes(lane, start, requests, perSecond, 0, sharedTokens, uniqueTokens, outputTokens, seed);
    }

    /** Requests in turn from {@code families} prefix families, each family's requests sharing its own {@code sharedTokens}. */
    static List<RequestShape> families(final Lane lane, final Instant start, final int requests, final double perSecond, final int families,
                                       final int sharedTokens, final int uniqueTokens, final int outputTokens, final long seed) {
        return shapes(lane, start, requests, perSecond, families, sharedTokens, uniqueTokens, outputTokens, seed);
    }

    /** With {@code families} 0, every request shares one prefix (the same in every call); else request r is of family r mod families. */
    private static List<RequestShape> shapes(final Lane lane, final Instant start, final int requests, final double perSecond,
                                             final int families, final int sharedTokens, final int uniqueTokens, final int outputTokens,
                                             final long seed) {
        final SplittableRandom random = new SplittableRandom(seed);
        final List<RequestShape> shapes = new ArrayList<>();
        for (int r = 0; r < requests; r++) {
            final int prompt = sharedTokens + uniqueTokens;
            final List<Long> hashes = new ArrayList<>();
            long h = families == 0 ? 0 : r % families + 1;
            for (int b = 0; b < (prompt + BLOCK - 1) / BLOCK; b++) {
                // chained like the real hashes: a block's hash depends on its predecessor and, past the shared prefix, the request
                h = h * 0x9E3779B97F4A7C15L + (b * BLOCK < sharedTokens ? b + 1 : random.nextLong());
                hashes.add(h);
            }
            shapes.add(RequestShape.newBuilder().setEventId((families == 0 ? "evt-" : "fam-") + seed + "-" + r).setTenant("t").setLane(lane)
                    .setArrivalTime(start.plusMillis(Math.round(r * 1000 / perSecond))).setPromptTokens(prompt)
                    .setCompletionTokens(outputTokens).setBlockSize(BLOCK).setTokenizer("o200k_base").setHashedTokens(prompt)
                    .setBlockHashes(hashes).setHashKeyId("k1").setHttpStatus(200).setStream(true).setSource(ShapeSource.IMPORT).build());
        }
        return shapes;
    }
}
