package dev.zumik.localstack;

import dev.zumik.localstack.junit.LocalStackExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** The serde contract against the embedded broker and registry. */
@ExtendWith(LocalStackExtension.class)
class EmbeddedSerdeConformanceIT extends SerdeConformanceContract {
    private static LocalStack stack;

    @BeforeAll
    static void useStack(final LocalStack shared) {
        stack = shared;
    }

    @Override
    String bootstrapServers() {
        return stack.bootstrapServers();
    }

    @Override
    String registryUrl() {
        return stack.registryUrl();
    }
}
