package dev.zumik.bench;

import com.knuddels.jtokkit.api.EncodingType;
import dev.zumik.core.hashing.BlockHasher;
import dev.zumik.core.tokens.Tokenizer;
import dev.zumik.core.tokens.Tokenizers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Cost of shaping one prompt off the request path: chained HMAC-SHA256 over a 50,000-token prompt
 * in 64-token blocks, against a plain SHA-256 of the same bytes (the floor any keyed hash pays);
 * and o200k tokenization of ~200 KB of English-like text and of ~200 KB of mixed text (chat JSON,
 * code, several scripts, emoji), by Zumik's tokenizer against jtokkit's, which gives the same tokens.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HashingBenchmark {
    private int[] tokens;
    private byte[] tokenBytes;
    private BlockHasher hasher;
    private String text;
    private String mixedText;
    private Tokenizer jtokkit;

    @Setup
    public void setUp() {
        final Random random = new Random(3);
        tokens = new int[50_000];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = random.nextInt(200_000);
        }
        tokenBytes = new byte[tokens.length * 4];
        hasher = new BlockHasher("bench-tenant-key-0123456789".getBytes(StandardCharsets.UTF_8));
        final String[] words = {"the", "model", "answers", "questions", "about", "invoices", "and", "refunds", "policy",
            "customer", "support", "agent", "must", "never", "reveal", "internal", "notes", "to", "users", "."};
        final StringBuilder sb = new StringBuilder();
        while (sb.length() < 200_000) {
            sb.append(words[random.nextInt(words.length)]).append(' ');
        }
        text = sb.toString();
        final String[] lines = {
            "{\"role\":\"user\",\"content\":\"Why was I charged twice on 2026-11-03? Order #48213, total $129.99.\"}\n",
            "def refund(order_id: int, amount: float) -> bool:\n    if amount <= 0:\n        return False\n    return api.post(f\"/v1/refunds/{order_id}\", json={\"amount\": amount})\n",
            "Die Rückerstattung wurde am Freitag veranlasst; sie erscheint in 3–5 Werktagen auf Ihrem Konto.\n",
            "ご注文の返金は処理済みです。カード会社により反映まで数日かかる場合があります。\n",
            "Возврат оформлен, деньги поступят в течение пяти рабочих дней. 👍🏽\n",
            "  - [x] Don't reveal internal notes; they're for AGENTS only!!!\r\n",
        };
        final StringBuilder mixed = new StringBuilder();
        while (mixed.length() < 200_000) {
            mixed.append(lines[random.nextInt(lines.length)]);
        }
        mixedText = mixed.toString();
        jtokkit = Tokenizers.jtokkit(EncodingType.O200K_BASE);
        if (!Arrays.equals(Tokenizers.encode(Tokenizers.O200K, mixedText), jtokkit.encode(mixedText))) {
            throw new IllegalStateException("Zumik's o200k_base and jtokkit's disagree on the mixed text");
        }
    }

    @Benchmark
    public long[] chainedHmac50kTokens() {
        return hasher.hashTokens(tokens, tokens.length, 64);
    }

    @Benchmark
    public byte[] baselineSha256Of50kTokens() throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(tokenBytes);
    }

    @Benchmark
    public int[] tokenizeO200k200kChars() {
        return Tokenizers.encode(Tokenizers.O200K, text);
    }

    @Benchmark
    public int[] baselineJtokkitO200k200kChars() {
        return jtokkit.encode(text);
    }

    @Benchmark
    public int[] tokenizeO200k200kMixedChars() {
        return Tokenizers.encode(Tokenizers.O200K, mixedText);
    }

    @Benchmark
    public int[] baselineJtokkitO200k200kMixedChars() {
        return jtokkit.encode(mixedText);
    }
}
