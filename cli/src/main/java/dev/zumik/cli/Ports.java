package dev.zumik.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Checks a port before a server tries it, so the user reads which port and what to do, not a bind stack trace. */
final class Ports {
    private Ports() { }

    static void requireFree(final String host, final int port, final String flag) {
        if (port == 0) {
            return;
        }
        if (port < 0 || port > 65535) {
            throw ZumikException.usage(flag + " must be 0..65535, got " + port);
        }
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(host))) {
            socket.setReuseAddress(true);
        } catch (final IOException e) {
            throw ZumikException.failure("port " + port + " on " + host + " is in use; pass " + flag
                    + " with another port, or 0 for a free one");
        }
    }
}
