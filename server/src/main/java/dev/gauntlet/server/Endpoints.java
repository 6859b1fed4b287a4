package dev.gauntlet.server;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.sse.SseClient;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Registers routes with Javalin and remembers them, so the OpenAPI document lists exactly what is served. */
final class Endpoints {

    /**
     * One route as documented.
     *
     * @param body a description of the JSON request body, or null when it takes none
     */
    record Endpoint(String method, String path, String summary, String body, String answers) {}

    private final RoutesConfig routes;
    private final List<Endpoint> all = new ArrayList<>();

    Endpoints(RoutesConfig routes) {
        this.routes = routes;
    }

    void get(String path, String summary, String answers, Handler handler) {
        add(HandlerType.GET, path, summary, null, answers, handler);
    }

    void add(HandlerType method, String path, String summary, String body, String answers, Handler handler) {
        routes.addHttpHandler(method, path, handler);
        all.add(new Endpoint(method.name(), path, summary, body, answers));
    }

    void sse(String path, String summary, Consumer<SseClient> client) {
        routes.sse(path, client);
        all.add(new Endpoint("GET", path, summary, null, "text/event-stream"));
    }

    List<Endpoint> all() {
        return List.copyOf(all);
    }
}
