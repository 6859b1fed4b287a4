package dev.gauntlet.server;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/** Registers routes with Javalin and remembers them, so the OpenAPI document lists exactly what is served. */
final class Endpoints {

    /**
     * One route as documented.
     *
     * @param body     a description of the JSON request body, or null when it takes none
     * @param response the Java type its success answer is written from (its schema goes into the OpenAPI document),
     *                 or null when the answer is put together by hand and only {@code answers} describes it
     */
    record Endpoint(String method, String path, String summary, String body, String answers, Type response) {}

    private final RoutesConfig routes;
    private final List<Endpoint> all = new ArrayList<>();

    Endpoints(RoutesConfig routes) {
        this.routes = routes;
    }

    void get(String path, String summary, String answers, Handler handler) {
        add(HandlerType.GET, path, summary, null, answers, null, handler);
    }

    /** A GET whose answer is written from {@code response} (a record): the OpenAPI document shows its schema. */
    void get(String path, String summary, String answers, Type response, Handler handler) {
        add(HandlerType.GET, path, summary, null, answers, response, handler);
    }

    void add(HandlerType method, String path, String summary, String body, String answers, Handler handler) {
        add(method, path, summary, body, answers, null, handler);
    }

    void add(
            HandlerType method,
            String path,
            String summary,
            String body,
            String answers,
            Type response,
            Handler handler) {
        routes.addHttpHandler(method, path, handler);
        all.add(new Endpoint(method.name(), path, summary, body, answers, response));
    }

    /**
     * A Server-Sent Events route. Javalin's own answers an empty 200 to a request that does not accept
     * text/event-stream; here such a request gets 406 naming the header to send.
     */
    void sse(String path, String summary, Consumer<SseClient> client) {
        SseHandler stream = new SseHandler(client);
        routes.addHttpHandler(HandlerType.GET, path, ctx -> {
            String accept = ctx.header("Accept");
            if (accept == null || !accept.toLowerCase(Locale.ROOT).contains("text/event-stream")) {
                throw new ApiError(
                        406,
                        "not_acceptable",
                        "Accept",
                        path + " is a stream of Server-Sent Events: send Accept: text/event-stream "
                                + "(e.g. curl -N -H 'Accept: text/event-stream' …), was "
                                + (accept == null ? "absent" : "'" + accept + "'"));
            }
            stream.handle(ctx);
        });
        all.add(new Endpoint("GET", path, summary, null, "text/event-stream", null));
    }

    List<Endpoint> all() {
        return List.copyOf(all);
    }
}
