package dev.zumik.streams.topology;

import dev.zumik.schemas.avro.RequestShape;
import java.util.Map;

/**
 * A shape with its simulated prefix hit tokens, by policy ({@code infinite}, {@code managed}) and, for
 * a policy of several tiers, also by {@code policy.tier} ({@code dynamo.hbm}).
 */
public record SimulatedShape(RequestShape shape, Map<String, Long> hitTokens) { }
