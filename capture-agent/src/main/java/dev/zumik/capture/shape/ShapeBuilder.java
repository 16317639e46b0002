package dev.zumik.capture.shape;

import dev.zumik.capture.keys.TenantKeyStore;
import dev.zumik.core.hashing.BlockHasher;
import dev.zumik.core.tokens.TokenIds;
import dev.zumik.core.tokens.Tokenizers;
import dev.zumik.schemas.avro.Lane;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.avro.ShapeSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Turns a parsed exchange into a {@link RequestShape}: tokenizes the rendered prompt (or takes the
 * token ids sent), hashes it in chained keyed blocks under the tenant's current key, and takes
 * token counts from provider-reported usage when present, else from the count. The same code
 * serves the proxy and {@code zumik import openai-log}.
 */
public final class ShapeBuilder {
    public static final int DEFAULT_BLOCK_SIZE = 64;

    /** A hasher per worker thread and key: {@code Mac.getInstance} is too slow to pay per shape. */
    private static final ThreadLocal<Map<String, BlockHasher>> HASHERS = ThreadLocal.withInitial(HashMap::new);
    /** Each thread's token ids, filled again for every prompt; one grown past this many ids is let go after use. */
    private static final ThreadLocal<TokenIds> TOKEN_IDS = ThreadLocal.withInitial(TokenIds::new);
    private static final int KEPT_TOKEN_IDS = 1 << 18;

    private final TenantKeyStore keys;
    private final int blockSize;
    private final Optional<String> tokenizerOverride;

    public ShapeBuilder(final TenantKeyStore keys, final int blockSize, final Optional<String> tokenizerOverride) {
        if (blockSize < 1) {
            throw new IllegalArgumentException("block size must be >= 1, got " + blockSize);
        }
        tokenizerOverride.ifPresent(Tokenizers::byName);
        this.keys = keys;
        this.blockSize = blockSize;
        this.tokenizerOverride = tokenizerOverride;
    }

    /** Timing and routing facts the proxy measured; null timings are unknown. */
    public record Context(String tenant, String provider, String route, Instant arrival, Double ttftMs, Double e2eMs,
                          int httpStatus, ShapeSource source) { }

    public RequestShape build(final ParsedExchange exchange, final Context context) {
        final TenantKeyStore.TenantKey key = keys.current(context.tenant());
        final String tokenizer;
        final int[] tokens;
        final int tokenCount;
        if (!exchange.parsed()) {
            tokenizer = "none";
            tokens = new int[0];
            tokenCount = 0;
        } else if (exchange.promptTokenIds() != null) {
            tokenizer = "client-token-ids";
            tokens = exchange.promptTokenIds();
            tokenCount = tokens.length;
        } else {
            tokenizer = Tokenizers.nameForModel(exchange.model(), tokenizerOverride);
            final TokenIds ids = TOKEN_IDS.get();
            ids.clear();
            Tokenizers.encode(tokenizer, exchange.promptText() == null ? "" : exchange.promptText(), ids);
            tokens = ids.array();
            tokenCount = ids.size();
            if (ids.capacity() > KEPT_TOKEN_IDS) {
                TOKEN_IDS.remove();
            }
        }
        final Map<String, BlockHasher> hashers = HASHERS.get();
        if (hashers.size() > 1024) {
            hashers.clear();
        }
        final long[] hashes = hashers.computeIfAbsent(key.tenant() + "/" + key.keyId(), k -> new BlockHasher(key.secret()))
                .hashTokens(tokens, tokenCount, blockSize);
        final List<Long> hashList = new ArrayList<>(hashes.length);
        for (final long h : hashes) {
            hashList.add(h);
        }
        return RequestShape.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setTenant(context.tenant())
                .setLane(new Lane(context.provider(), exchange.model(), context.route()))
                .setArrivalTime(context.arrival())
                .setPromptTokens(exchange.promptTokens() != null ? exchange.promptTokens() : tokenCount)
                .setCompletionTokens(exchange.completionTokens() != null ? exchange.completionTokens() : 0)
                .setCachedTokens(exchange.cachedTokens())
                .setCacheWriteTokens(exchange.cacheWriteTokens())
                .setBlockSize(blockSize)
                .setTokenizer(tokenizer)
                .setHashedTokens(tokenCount)
                .setBlockHashes(hashList)
                .setHashKeyId(key.keyId())
                .setTtftMs(context.ttftMs())
                .setE2eMs(context.e2eMs())
                .setHttpStatus(context.httpStatus())
                .setStream(exchange.stream())
                .setMaxTokens(exchange.maxTokens())
                .setServiceTier(exchange.serviceTier())
                .setCacheControl(exchange.cacheControl())
                .setSource(context.source())
                .setParsed(exchange.parsed())
                .build();
    }
}
