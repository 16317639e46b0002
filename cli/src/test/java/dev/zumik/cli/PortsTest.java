package dev.zumik.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The free-port check runs before a server starts; whoever waits for that server must not mistake the check for it. */
class PortsTest {

    @Test
    void shouldNeverAcceptAConnectionWhileCheckingThatAPortIsFree() throws Exception {
        // given a client that keeps connecting to the port, as a supervisor waiting for the server does
        final int port = ChildProcess.freePort();
        final AtomicBoolean checking = new AtomicBoolean(true);
        final AtomicInteger accepted = new AtomicInteger();
        final AtomicInteger attempts = new AtomicInteger();
        final Thread waiter = new Thread(() -> {
            while (checking.get()) {
                attempts.incrementAndGet();
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress("127.0.0.1", port), 100);
                    accepted.incrementAndGet();
                } catch (final IOException refused) {
                    // nothing listens: what the waiter should see until the server is up
                }
            }
        });
        waiter.start();

        // when the port is checked many times while it waits
        try {
            for (int i = 0; i < 20_000; i++) {
                Ports.requireFree("127.0.0.1", port, "--port");
            }
        } finally {
            checking.set(false);
            waiter.join();
        }

        // then every check passed and not one connection was accepted
        assertThat(attempts.get()).isPositive();
        assertThat(accepted.get()).isZero();
    }
}
