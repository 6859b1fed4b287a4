package dev.gauntlet.http;

import java.time.Duration;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Every gauntlet server's listening sockets: Jetty connectors with a listen backlog sized for bursts of new
 * connections, an idle timeout, and a {@link HeaderDeadline}.
 */
public final class Listeners {

    /**
     * Connections the kernel may hold waiting for accept. Jetty's default (0) leaves it to the JDK, which asks for 50:
     * a client burst of more new connections than that while the acceptor thread waits for a core (a GC pause, two busy
     * cores) had its handshakes dropped and retried by TCP after one second - seen as 1 s outliers and network errors in
     * the mesh-vs-naive benchmark. The kernel caps it at net.core.somaxconn.
     */
    public static final int ACCEPT_QUEUE = 1024;
    /** A connection with nothing under way is closed after this long (Jetty's default, stated). */
    public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);

    private Listeners() {}

    /** A plain HTTP/1.1 connector on host:port (0 = any free port) with {@link #ACCEPT_QUEUE} and the default header deadline. */
    public static ServerConnector connector(Server server, HttpConfiguration http, String host, int port) {
        return connector(server, http, host, port, HeaderDeadline.DEFAULT);
    }

    /** As {@link #connector(Server, HttpConfiguration, String, int)} with a header deadline of {@code headerDeadline}. */
    public static ServerConnector connector(
            Server server, HttpConfiguration http, String host, int port, Duration headerDeadline) {
        var connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        connector.setAcceptQueueSize(ACCEPT_QUEUE);
        connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
        connector.addBean(new HeaderDeadline(connector, headerDeadline));
        return connector;
    }

    /** The header deadline installed on a connector made here, or null. */
    public static HeaderDeadline headerDeadline(ServerConnector connector) {
        return connector.getBean(HeaderDeadline.class);
    }
}
