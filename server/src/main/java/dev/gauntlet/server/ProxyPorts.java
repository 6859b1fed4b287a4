package dev.gauntlet.server;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The connectors' own ports ({@code --proxy-port CONNECTOR=PORT}): on each, one connector's egress proxy answers at the
 * root ({@code /v1/customers} goes to that connector's {@code /v1/customers}), for clients that take only a host and
 * port, such as Stripe's official ones. One server of their own, apart from the AAM's API, so that no API route
 * ({@code /health}, {@code /metrics}…) hides an upstream path of the same name.
 */
final class ProxyPorts implements AutoCloseable {

    private final Map<String, ServerConnector> byConnector = new LinkedHashMap<>();
    private final Javalin app;

    private ProxyPorts(String host, Map<String, Integer> ports, ProxyRoutes proxy, Edge edge) {
        if (ports.isEmpty()) {
            app = null;
            return;
        }
        app = Javalin.create(cfg -> {
            AamServer.configure(cfg);
            cfg.routes.before(ctx -> AamServer.refuse(ctx, edge.proxyPort(ctx)));
            ports.forEach((id, port) -> cfg.jetty.addConnector((server, http) -> {
                ServerConnector c = dev.gauntlet.http.Listeners.connector(server, http, host, port);
                byConnector.put(id, c);
                return c;
            }));
            for (HandlerType m : ProxyRoutes.METHODS) {
                cfg.routes.addHttpHandler(m, "/", ctx -> proxy.handleAtRoot(ctx, connectorOf(ctx)));
                cfg.routes.addHttpHandler(m, "/<path>", ctx -> proxy.handleAtRoot(ctx, connectorOf(ctx)));
            }
        });
        try {
            app.start();
        } catch (RuntimeException e) {
            app.stop(); // a port that cannot be bound: the others opened with it are closed again
            throw e;
        }
    }

    /** Listens on each port (0 = any free one) of {@code ports}, connector id to port; nothing when it is empty. */
    static ProxyPorts start(String host, Map<String, Integer> ports, ProxyRoutes proxy, Edge edge) {
        return new ProxyPorts(host, ports, proxy, edge);
    }

    /** The connector whose port the request came in on (a port 0 is known only once open, so looked up here). */
    private String connectorOf(Context ctx) {
        int port = ctx.req().getLocalPort();
        for (var e : byConnector.entrySet()) {
            if (e.getValue().getLocalPort() == port) return e.getKey();
        }
        throw new IllegalStateException("no connector listens on port " + port);
    }

    /** Connector id to the port its proxy answers on at the root, in the order they were given. */
    Map<String, Integer> ports() {
        Map<String, Integer> out = new LinkedHashMap<>();
        byConnector.forEach((id, c) -> out.put(id, c.getLocalPort()));
        return Collections.unmodifiableMap(out);
    }

    /** Each port with the listen backlog asked of the kernel for it (tests). */
    Map<Integer, Integer> listenBacklogs() {
        Map<Integer, Integer> out = new TreeMap<>();
        byConnector.values().forEach(c -> out.put(c.getLocalPort(), c.getAcceptQueueSize()));
        return out;
    }

    @Override
    public void close() {
        if (app != null) app.stop();
    }
}
