package dev.zumik.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * Checks a port before a server tries it, so the user reads which port and what to do, not a bind stack trace.
 * The probe binds a socket that never listens: a listening probe would accept, for a moment, connections meant for
 * the server, and a supervisor or test waiting for the port would take that for the server being up.
 */
final class Ports {
    private Ports() { }

    static void requireFree(final String host, final int port, final String flag) {
        if (port == 0) {
            return;
        }
        if (port < 0 || port > 65535) {
            throw ZumikException.usage(flag + " must be 0..65535, got " + port);
        }
        try (Socket socket = new Socket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (final IOException e) {
            throw ZumikException.failure("port " + port + " on " + host + " is in use; pass " + flag
                    + " with another port, or 0 for a free one");
        }
    }
}
