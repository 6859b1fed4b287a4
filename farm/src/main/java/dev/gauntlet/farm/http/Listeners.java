package dev.gauntlet.farm.http;

import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** The farm's listening sockets: Jetty connectors with a listen backlog sized for bursts of new connections. */
public final class Listeners {

    /**
     * Connections the kernel may hold waiting for accept. Jetty's default (0) leaves it to the JDK, which asks for 50:
     * a client burst of more new connections than that while the acceptor thread waits for a core (a GC pause, two busy
     * cores) had its handshakes dropped and retried by TCP after one second - seen as 1 s outliers and network errors in
     * the mesh-vs-naive benchmark. The kernel caps it at net.core.somaxconn.
     */
    public static final int ACCEPT_QUEUE = 1024;

    private Listeners() {}

    /** A plain HTTP/1.1 connector on host:port (0 = any free port) with {@link #ACCEPT_QUEUE}. */
    public static ServerConnector connector(Server server, HttpConfiguration http, String host, int port) {
        var connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        connector.setAcceptQueueSize(ACCEPT_QUEUE);
        return connector;
    }
}
