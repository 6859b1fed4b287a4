package dev.gauntlet.server;

import dev.gauntlet.http.Listeners;
import io.javalin.Javalin;
import io.javalin.config.JettyConfig;
import org.eclipse.jetty.server.ServerConnector;

/** The AAM's and the UI's listening sockets: {@link Listeners} (backlog, idle timeout, header deadline) through Javalin. */
final class Listening {

    private Listening() {}

    /** The listen backlog asked of the kernel for the server's first listener (tests). */
    static int backlog(Javalin app) {
        return first(app).getAcceptQueueSize();
    }

    /** The server's first listener (tests). */
    static ServerConnector first(Javalin app) {
        return (ServerConnector) app.jettyServer().server().getConnectors()[0];
    }

    /** Listens on host:port (0 = any free port) as {@link Listeners#connector} sets it up. */
    static void on(JettyConfig jetty, String host, int port) {
        jetty.addConnector((server, http) -> Listeners.connector(server, http, host, port));
    }
}
