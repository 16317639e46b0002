package dev.zumik.core.tokens;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import java.util.Locale;
import java.util.Optional;

/**
 * The tokenizers Zumik counts and hashes with (tiktoken encodings from jtokkit), and which one a
 * model gets: o200k_base for current OpenAI families (gpt-4o, gpt-4.1, gpt-5, o-series), cl100k_base
 * for older ones (gpt-4, gpt-3.5, text-embedding-3, ada-002). Other providers' models get o200k_base
 * as an approximation; a lane may override. o200k_base is Zumik's own {@link O200kTokenizer} (the same
 * tokens, without jtokkit's regular expression); cl100k_base is jtokkit's, which already splits by hand.
 */
public final class Tokenizers {
    public static final String O200K = "o200k_base";
    public static final String CL100K = "cl100k_base";

    private Tokenizers() { }

    /** Each is loaded on first use: o200k_base's ranks take 0.4–0.6 s and ~20 MB of heap (jtokkit's took 1.0–1.3 s and ~30 MB). */
    private static final class O200kHolder {
        static final Tokenizer TOKENIZER = new O200kTokenizer();
    }

    private static final class Cl100kHolder {
        static final Tokenizer TOKENIZER = jtokkit(EncodingType.CL100K_BASE);
    }

    /** The tokenizer named {@code o200k_base} or {@code cl100k_base}. */
    public static Tokenizer byName(final String name) {
        return switch (name) {
            case O200K -> O200kHolder.TOKENIZER;
            case CL100K -> Cl100kHolder.TOKENIZER;
            default -> throw new IllegalArgumentException("unknown tokenizer '" + name + "' (known: o200k_base, cl100k_base)");
        };
    }

    /** jtokkit's implementation of an encoding: the reference the tests hold Zumik's own to. */
    public static Tokenizer jtokkit(final EncodingType type) {
        final Encoding encoding = Encodings.newLazyEncodingRegistry().getEncoding(type);
        return text -> encoding.encodeOrdinary(text).toArray();
    }

    /** The tokenizer name for a model, unless {@code override} names one. */
    public static String nameForModel(final String model, final Optional<String> override) {
        if (override.isPresent()) {
            byName(override.get());
            return override.get();
        }
        final String m = model == null ? "" : model.toLowerCase(Locale.ROOT);
        final boolean older = (m.startsWith("gpt-4") && !m.startsWith("gpt-4o") && !m.startsWith("gpt-4.1")
                && !m.startsWith("gpt-4.5")) || m.startsWith("gpt-3.5") || m.startsWith("text-embedding-3")
                || m.startsWith("text-embedding-ada") || m.startsWith("davinci") || m.startsWith("babbage");
        return older ? CL100K : O200K;
    }

    /** Token ids of {@code text} under the tokenizer named {@code name}, special-token text treated as ordinary text. */
    public static int[] encode(final String name, final String text) {
        return byName(name).encode(text);
    }

    /** Appends the token ids of {@code text} under the tokenizer named {@code name} to {@code out}. */
    public static void encode(final String name, final String text, final TokenIds out) {
        byName(name).encode(text, out);
    }
}
