package dev.zumik.bench;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Client properties a bench takes from its environment, for experiments without a rebuild. */
final class EnvProperties {
    private EnvProperties() { }

    /** {@code <PREFIX>LINGER_MS=5} as {@code linger.ms=5}, for every variable named with {@code prefix}. */
    static Map<String, Object> withPrefix(final String prefix) {
        final Map<String, Object> out = new HashMap<>();
        System.getenv().forEach((name, value) -> {
            if (name.startsWith(prefix)) {
                out.put(name.substring(prefix.length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        return out;
    }
}
