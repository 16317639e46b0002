package dev.zumik.streams;

import dev.zumik.schemas.avro.RequestShape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A deliberately simple reference for the reuse metrics, written straight from docs/METRICS.md with no
 * shared code: lists and linear scans. Slow, obviously right, and the yardstick for the real code.
 */
final class ReferenceReuse {
    private ReferenceReuse() { }

    /** {hit tokens, prompt tokens, hit blocks, blocks, sum of per-request ratios} for a policy. */
    static double[] run(final List<RequestShape> shapes, final String policy, final long parameter) {
        final Set<Long> infinite = new HashSet<>();
        final List<Long> lru = new ArrayList<>();
        final Map<Long, Long> lastAccess = new HashMap<>();
        double hitTokens = 0;
        double promptTokens = 0;
        double hitBlocks = 0;
        double blocks = 0;
        double ratioSum = 0;
        for (final RequestShape s : shapes) {
            final List<Long> hashes = s.getBlockHashes();
            final long now = s.getArrivalTime().toEpochMilli();
            int hit = 0;
            for (final Long h : hashes) {
                final boolean present = switch (policy) {
                    case "infinite" -> infinite.contains(h);
                    case "lru" -> lru.contains(h);
                    case "ttl" -> lastAccess.containsKey(h) && now - lastAccess.get(h) < parameter;
                    default -> throw new IllegalArgumentException(policy);
                };
                if (!present) {
                    break;
                }
                hit++;
            }
            for (final Long h : hashes) {
                infinite.add(h);
                lru.remove(h);
                lru.add(h);
                lastAccess.put(h, now);
            }
            final long capacityBlocks = parameter / s.getBlockSize();
            while ("lru".equals(policy) && lru.size() > capacityBlocks) {
                lru.remove(0);
            }
            final double tokens = Math.min((double) hit * s.getBlockSize(), s.getPromptTokens());
            hitTokens += tokens;
            promptTokens += s.getPromptTokens();
            hitBlocks += hit;
            blocks += hashes.size();
            ratioSum += s.getPromptTokens() == 0 ? 0 : tokens / s.getPromptTokens();
        }
        return new double[] {hitTokens, promptTokens, hitBlocks, blocks, ratioSum / shapes.size()};
    }
}
