package dev.gauntlet.server;

import io.javalin.Javalin;
import io.javalin.config.JettyConfig;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** The servers' listening socket: host, port and a listen backlog sized for bursts of new connections. */
final class Listening {

    /**
     * Jetty's default (0) leaves the backlog to the JDK, which asks for 50: a burst of more new connections than that
     * while the acceptor waits for a core has its handshakes dropped and retried by TCP a second later. The farm's
     * listeners use the same size (its {@code Listeners.ACCEPT_QUEUE}); the kernel caps it at net.core.somaxconn.
     */
    static final int ACCEPT_QUEUE = 1024;

    private Listening() {}

    /** The listen backlog asked of the kernel for the server's first listener (tests). */
    static int backlog(Javalin app) {
        return ((ServerConnector) app.jettyServer().server().getConnectors()[0]).getAcceptQueueSize();
    }

    /** Listens on host:port (0 = any free port) with {@link #ACCEPT_QUEUE}. */
    static void on(JettyConfig jetty, String host, int port) {
        jetty.addConnector((server, http) -> connector(server, http, host, port));
    }

    /** A listener on host:port (0 = any free port) with {@link #ACCEPT_QUEUE}, for a server with several. */
    static ServerConnector connector(Server server, HttpConfiguration http, String host, int port) {
        var connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        connector.setAcceptQueueSize(ACCEPT_QUEUE);
        return connector;
    }
}
