package dev.gauntlet.server;

import dev.gauntlet.http.AccessToken;
import dev.gauntlet.http.BrowserGuard;
import dev.gauntlet.http.Refusal;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control-room UI on its own port (3000): the built bundle from the classpath ({@code gauntlet-ui/}, made by the
 * {@code ui} module), and a same-origin proxy so the browser needs no CORS: {@code /api/**} to the AAM and
 * {@code /farm/**} to the farm, streamed as they come (the AAM's event stream included).
 */
public final class UiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UiServer.class);
    /** Where the {@code ui} module puts the bundle inside its jar. */
    static final String BUNDLE = "gauntlet-ui/";

    private static final HandlerType[] METHODS = {
        HandlerType.GET,
        HandlerType.POST,
        HandlerType.PUT,
        HandlerType.PATCH,
        HandlerType.DELETE,
        HandlerType.HEAD,
        HandlerType.OPTIONS
    };
    /** Headers of one hop (RFC 9110 §7.6.1) and those the JDK client sets itself. */
    private static final Set<String> HOP = HopHeaders.NAMES;

    private static final Map<String, String> TYPES = Map.of(
            "html",
            "text/html; charset=utf-8",
            "js",
            "text/javascript; charset=utf-8",
            "css",
            "text/css; charset=utf-8",
            "svg",
            "image/svg+xml",
            "png",
            "image/png",
            "ico",
            "image/x-icon",
            "json",
            "application/json",
            "woff2",
            "font/woff2",
            "map",
            "application/json");

    /**
     * Where the UI listens and what it proxies to.
     *
     * @param token the access token: required of the browser (once as {@code ?token=}, then a same-site cookie) and sent
     *              on to the AAM and the farm; empty: none (refused when bound beyond loopback)
     */
    public record Config(String host, int port, String aamUrl, String farmUrl, Optional<AccessToken> token) {
        public Config {
            Objects.requireNonNull(host, "host");
            if (port < 0 || port > 65_535) throw new IllegalArgumentException("ui port must be 0-65535, was " + port);
            aamUrl = trimmed("aam url", aamUrl);
            farmUrl = trimmed("farm url", farmUrl);
            token = token == null ? Optional.empty() : token;
            AccessToken.requireBeyondLoopback("UI", host, token);
        }

        /** Without an access token. */
        public Config(String host, int port, String aamUrl, String farmUrl) {
            this(host, port, aamUrl, farmUrl, Optional.empty());
        }

        private static String trimmed(String what, String url) {
            Objects.requireNonNull(url, what);
            URI u = URI.create(url);
            if (u.getScheme() == null || u.getHost() == null)
                throw new IllegalArgumentException(what + " must be an http URL, was '" + url + "'");
            return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        }
    }

    /** The cookie that carries the access token after the first visit with {@code ?token=}. */
    static final String COOKIE = "gauntlet_token";
    /** Headers of the browser that stop at the UI: it checked them, and it speaks for the page to the AAM and the farm. */
    private static final Set<String> BROWSER_ONLY = Set.of(
            "cookie",
            "origin",
            "sec-fetch-site",
            "sec-fetch-mode",
            "sec-fetch-dest",
            "sec-fetch-user",
            AccessToken.HEADER.toLowerCase(Locale.ROOT));

    private final Config config;
    private final BrowserGuard guard;
    private final HttpClient http;
    private final ClassLoader loader = UiServer.class.getClassLoader();
    private Javalin app;

    private UiServer(Config config) {
        this.config = config;
        this.guard = BrowserGuard.forBinding(config.host());
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** Starts serving; fails when the port is taken. */
    public static UiServer start(Config config) {
        UiServer ui = new UiServer(config);
        try {
            ui.serve();
        } catch (RuntimeException e) {
            ui.close();
            throw e;
        }
        return ui;
    }

    /** Whether the bundle is on the classpath (it is not when the build skipped the {@code ui} module). */
    public static boolean bundled() {
        return UiServer.class.getClassLoader().getResource(BUNDLE + "index.html") != null;
    }

    private void serve() {
        app = Javalin.create(cfg -> {
            cfg.concurrency.useVirtualThreads = true;
            cfg.startup.showJavalinBanner = false;
            cfg.http.maxRequestSize = 16L * 1024 * 1024;
            Listening.on(cfg.jetty, config.host(), config.port());
            cfg.routes.before(this::edge);
            for (HandlerType m : METHODS) {
                cfg.routes.addHttpHandler(m, "/api", ctx -> proxy(ctx, config.aamUrl(), "/api"));
                cfg.routes.addHttpHandler(m, "/api/<rest>", ctx -> proxy(ctx, config.aamUrl(), "/api"));
                cfg.routes.addHttpHandler(m, "/farm/<rest>", ctx -> proxy(ctx, config.farmUrl(), "/farm"));
            }
            cfg.routes.addHttpHandler(HandlerType.GET, "/<path>", this::file);
            cfg.routes.addHttpHandler(HandlerType.GET, "/", this::file);
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                dev.gauntlet.http.Refusal input = dev.gauntlet.http.InputFault.of(e);
                if (input != null) {
                    ctx.status(input.status())
                            .contentType("application/json")
                            .result("{\"error\":\"" + input.error() + "\",\"field\":" + Json.write(input.field())
                                    + ",\"message\":" + Json.write(input.message()) + "}");
                    return;
                }
                LOG.warn("UI server failed on {} {}: {}", ctx.method(), ctx.path(), e.toString());
                ctx.status(502)
                        .contentType("application/json")
                        .result("{\"error\":\"ui_server\",\"field\":null,\"message\":" + Json.write(e.toString())
                                + "}");
            });
        });
        app.start();
        LOG.info(
                "UI listening on {} (AAM {}, farm {}){}",
                url(),
                config.aamUrl(),
                config.farmUrl(),
                bundled() ? "" : " - the UI bundle is not built: run ./gauntlet build");
    }

    /**
     * Before every route: the Host names this server; the access token, when set, comes with the request (cookie,
     * header, or once as {@code ?token=} on a page, which sets the cookie); {@code /api} and {@code /farm} requests
     * that change state come from no other site and carry JSON.
     */
    private void edge(Context ctx) {
        Refusal refusal = guard.checkHost(ctx.header("Host"));
        if (refusal == null && config.token().isPresent()) {
            refusal = token(ctx, config.token().get());
            if (refusal == REDIRECTED) return;
        }
        boolean proxied = ctx.path().startsWith("/api") || ctx.path().startsWith("/farm/");
        if (refusal == null
                && proxied
                && ctx.method() != HandlerType.GET
                && ctx.method() != HandlerType.HEAD
                && ctx.method() != HandlerType.OPTIONS) {
            refusal = guard.checkStateChange(ctx::header, Edge.bodyLength(ctx));
        }
        if (refusal == null) return;
        boolean page = ctx.method() == HandlerType.GET && !proxied;
        ctx.status(refusal.status());
        if (page) {
            ctx.contentType("text/plain; charset=utf-8")
                    .result(
                            refusal.status() == 401
                                    ? "This control room needs its access token: open the address printed when it started ("
                                            + url() + "/?token=…)."
                                    : refusal.message());
        } else {
            ctx.contentType("application/json")
                    .result("{\"error\":" + Json.write(refusal.error()) + ",\"field\":" + Json.write(refusal.field())
                            + ",\"message\":" + Json.write(refusal.message()) + "}");
        }
        ctx.skipRemainingHandlers();
    }

    /**
     * The token check of one request: the cookie or the header; or, on a page, {@code ?token=} which, when right, sets
     * the cookie and sends the browser to the same address without it (so it stays out of history and logs).
     */
    private Refusal token(Context ctx, AccessToken token) {
        String cookie = ctx.cookie(COOKIE);
        Refusal r = token.check(
                name -> name.equals(AccessToken.HEADER) && ctx.header(name) == null ? cookie : ctx.header(name), false);
        if (r == null) return null;
        String query = ctx.queryParam("token");
        if (query != null && ctx.method() == HandlerType.GET) {
            Refusal q = token.check(name -> name.equals(AccessToken.HEADER) ? query : null, false);
            if (q != null) return q;
            // SameSite=Strict: no other site's page makes the browser send it; HttpOnly: no script reads it.
            ctx.res().addHeader("Set-Cookie", COOKIE + "=" + query + "; Path=/; HttpOnly; SameSite=Strict");
            ctx.redirect(ctx.path(), io.javalin.http.HttpStatus.SEE_OTHER);
            ctx.skipRemainingHandlers();
            return REDIRECTED;
        }
        return r;
    }

    /** Not a refusal: the browser was sent on, with the cookie set. */
    private static final Refusal REDIRECTED = new Refusal(303, null, "redirected");

    /** The address to open in a browser: with {@code ?token=} when a token is set. */
    public String openUrl() {
        return url() + "/" + config.token().map(t -> "?token=" + t.value()).orElse("");
    }

    /** A file of the bundle; any other path is the single-page app's own route, answered with index.html. */
    private void file(Context ctx) throws IOException {
        String path = ctx.path().equals("/") ? "index.html" : ctx.path().substring(1);
        if (path.contains("..") || path.contains("\\")) {
            ctx.status(404).result("not found");
            return;
        }
        InputStream in = loader.getResourceAsStream(BUNDLE + path);
        if (in == null && !path.startsWith("assets/")) {
            path = "index.html";
            in = loader.getResourceAsStream(BUNDLE + path);
        }
        if (in == null) {
            if (path.equals("index.html")) {
                ctx.status(503)
                        .contentType("text/plain; charset=utf-8")
                        .result(
                                "The control-room UI was not built into this jar. Build it with ./gauntlet build (needs Node.js 20 and npm).");
            } else {
                ctx.status(404).result("not found");
            }
            return;
        }
        String ext = path.substring(path.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        ctx.contentType(TYPES.getOrDefault(ext, "application/octet-stream"));
        // Vite names assets by content hash: cache them for good; index.html must always be fresh.
        ctx.header("Cache-Control", path.startsWith("assets/") ? "public, max-age=31536000, immutable" : "no-cache");
        try (InputStream bundled = in) {
            ctx.result(bundled.readAllBytes());
        }
    }

    /** Forwards the request to {@code target} without {@code prefix} and streams the answer back chunk by chunk. */
    private void proxy(Context ctx, String target, String prefix) throws IOException, InterruptedException {
        String rest = ctx.path().substring(prefix.length());
        String query = ctx.queryString();
        URI uri = URI.create(target + (rest.isEmpty() ? "/" : rest) + (query == null ? "" : "?" + query));
        byte[] body = ctx.bodyAsBytes();
        HttpRequest.Builder req = HttpRequest.newBuilder(uri)
                .method(
                        ctx.method().name(),
                        body.length == 0
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        for (String name : Collections.list(ctx.req().getHeaderNames())) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (HOP.contains(lower) || BROWSER_ONLY.contains(lower)) continue;
            for (String v : Collections.list(ctx.req().getHeaders(name))) req.header(name, v);
        }
        config.token().ifPresent(t -> req.header(AccessToken.HEADER, t.value()));
        HttpResponse<InputStream> res;
        try {
            res = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            String which = prefix.equals("/api") ? "AAM" : "farm";
            ctx.status(502)
                    .contentType("application/json")
                    .result("{\"error\":\"upstream_unreachable\",\"field\":null,\"message\":"
                            + Json.write(
                                    "the UI server cannot reach the " + which + " at " + target + ": " + e.getMessage())
                            + "}");
            return;
        }
        ctx.status(res.statusCode());
        res.headers().map().forEach((name, values) -> {
            if (HOP.contains(name.toLowerCase(Locale.ROOT)) || name.startsWith(":")) return;
            // Javalin has set its default content type already: replace it, never add a second one.
            if (name.equalsIgnoreCase("content-type")) ctx.contentType(values.getFirst());
            else for (String v : values) ctx.res().addHeader(name, v);
        });
        // Stream rather than buffer: the event stream never ends, and each event must reach the browser as it comes.
        try (InputStream in = res.body()) {
            OutputStream out = ctx.res().getOutputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                if (in.available() == 0) out.flush();
            }
            out.flush();
        } catch (IOException gone) {
            // The browser went away (a closed tab, a reload): closing the upstream stream ends the AAM's side too.
            LOG.debug("UI proxy stream ended: {}", gone.toString());
        }
    }

    public int port() {
        return app.port();
    }

    /** The listen backlog of the server's socket (tests). */
    int listenBacklog() {
        return Listening.backlog(app);
    }

    public String url() {
        return ServerUrl.of(config.host(), port());
    }

    @Override
    public void close() {
        if (app != null) app.stop();
        http.close();
    }
}
