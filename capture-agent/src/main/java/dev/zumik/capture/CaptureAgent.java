package dev.zumik.capture;

import dev.zumik.capture.admin.AdminServer;
import dev.zumik.capture.keys.TenantKeyStore;
import dev.zumik.capture.proxy.CaptureProxy;
import dev.zumik.capture.proxy.CaptureSettings;
import dev.zumik.capture.publish.ShapePublisher;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.topics.Topic;
import io.micrometer.core.instrument.binder.jvm.JvmCompilationMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** The capture agent assembled: key store, fail-open publisher, proxy and admin port. */
public final class CaptureAgent implements AutoCloseable {
    private final PrometheusMeterRegistry meters;
    private final ShapePublisher publisher;
    private final CaptureProxy proxy;
    private final Optional<AdminServer> admin;
    private final JvmGcMetrics gc;

    private CaptureAgent(final PrometheusMeterRegistry meters, final ShapePublisher publisher, final CaptureProxy proxy,
                         final Optional<AdminServer> admin, final JvmGcMetrics gc) {
        this.meters = meters;
        this.publisher = publisher;
        this.proxy = proxy;
        this.admin = admin;
        this.gc = gc;
    }

    /**
     * Starts the agent. Kafka and the registry need not be up: shapes wait in the bounded queue.
     *
     * @param kafkaProperties Kafka client settings (bootstrap.servers and any security settings)
     * @param shapes          the topic the shapes go to and its serdes (normally {@code Topics.create(registry).shapes()})
     */
    public static CaptureAgent start(final CaptureSettings settings, final Map<String, Object> kafkaProperties,
                                     final Topic<String, RequestShape> shapes) {
        final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // the JVM's own figures beside the agent's: GC pauses and bytes allocated are what set the proxy's tail, and
        // compilation time says whether the JIT has settled (a benchmark warms up until it has)
        new JvmMemoryMetrics().bindTo(meters);
        new JvmCompilationMetrics().bindTo(meters);
        new ProcessorMetrics().bindTo(meters);
        final JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(meters);
        final TenantKeyStore keys = new TenantKeyStore(settings.keyDir());
        final ShapePublisher publisher = new ShapePublisher(kafkaProperties, shapes, settings.queueBytes(), settings.shapingPriority(), meters);
        final CaptureProxy proxy;
        try {
            proxy = CaptureProxy.start(settings, keys, publisher, meters);
        } catch (final RuntimeException e) {
            publisher.close(Duration.ZERO);
            throw e;
        }
        Optional<AdminServer> admin = Optional.empty();
        if (settings.adminPort() >= 0) {
            try {
                admin = Optional.of(AdminServer.start(settings.adminHost(), settings.adminPort(), meters, publisher::kafkaState));
            } catch (final RuntimeException e) {
                proxy.close();
                publisher.close(Duration.ZERO);
                throw e;
            }
        }
        return new CaptureAgent(meters, publisher, proxy, admin, gc);
    }

    public int port() {
        return proxy.port();
    }

    public Optional<Integer> adminPort() {
        return admin.map(AdminServer::port);
    }

    public PrometheusMeterRegistry meters() {
        return meters;
    }

    public ShapePublisher publisher() {
        return publisher;
    }

    /**
     * Waits until the shaping pool is idle. An exchange whose response has just ended may not have
     * reached the pool yet: tests that need an exact count wait for the publisher's counters.
     */
    public void awaitShaped(final Duration timeout) {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (proxy.shapingBacklog() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        proxy.close();
        publisher.close(Duration.ofSeconds(10));
        admin.ifPresent(AdminServer::close);
        gc.close();
    }
}
