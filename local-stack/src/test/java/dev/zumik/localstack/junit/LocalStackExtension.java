package dev.zumik.localstack.junit;

import dev.zumik.localstack.LocalStack;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Hands tests a {@link LocalStack} (real broker + registry), started once per test JVM and per
 * broker count, and closed when the JVM's tests are done. Tests isolate themselves with
 * {@link LocalStack#uniqueTopic(String)}.
 *
 * <pre>{@code
 * @ExtendWith(LocalStackExtension.class)
 * class ShapesIT {
 *     @Test void shouldRoundTrip(LocalStack stack) { ... }
 *     @Test void shouldSurviveBrokerLoss(@Brokers(3) LocalStack cluster) { ... }
 * }
 * }</pre>
 */
public final class LocalStackExtension implements ParameterResolver {

    @Override
    public boolean supportsParameter(final ParameterContext parameter, final ExtensionContext context) {
        return parameter.getParameter().getType() == LocalStack.class;
    }

    @Override
    public Object resolveParameter(final ParameterContext parameter, final ExtensionContext context) {
        final int brokers = parameter.findAnnotation(Brokers.class).map(Brokers::value)
                .or(() -> context.getTestClass().flatMap(c -> Optional.ofNullable(c.getAnnotation(Brokers.class)))
                        .map(Brokers::value))
                .orElse(1);
        final ExtensionContext.Store store = context.getRoot().getStore(ExtensionContext.Namespace.create(LocalStackExtension.class));
        return store.getOrComputeIfAbsent("stack-" + brokers, key -> LocalStack.start(null, 0, 0, brokers), LocalStack.class);
    }
}
