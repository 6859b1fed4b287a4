package dev.gauntlet.http;

import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * An {@link HttpClient} that adds the {@link AccessToken} to every request bound for one of the gauntlet's own servers
 * (the farm, the AAM), and to no other host: the harness's and the CLI's clients take an {@code HttpClient}, so one
 * wrapped where it is made serves them all. Everything else is the wrapped client's.
 */
public final class TokenClient extends HttpClient {

    private final HttpClient delegate;
    private final AccessToken token;
    private final List<URI> servers;

    private TokenClient(HttpClient delegate, AccessToken token, List<URI> servers) {
        this.delegate = delegate;
        this.token = token;
        this.servers = servers;
    }

    /**
     * {@code http} itself when there is no token, else a client that sends it to {@code serverUrls} (scheme, host and
     * port compared) and nowhere else.
     */
    public static HttpClient wrap(HttpClient http, Optional<AccessToken> token, List<String> serverUrls) {
        if (token.isEmpty()) return http;
        return new TokenClient(
                http,
                token.get(),
                serverUrls.stream()
                        .filter(u -> u != null && !u.isBlank())
                        .map(URI::create)
                        .toList());
    }

    /** Whether {@code uri} is one of the servers the token is for. */
    boolean isForServer(URI uri) {
        for (URI s : servers) {
            if (s.getScheme().equalsIgnoreCase(uri.getScheme())
                    && s.getHost().toLowerCase(Locale.ROOT).equals(uri.getHost().toLowerCase(Locale.ROOT))
                    && port(s) == port(uri)) {
                return true;
            }
        }
        return false;
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : u.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    private HttpRequest signed(HttpRequest request) {
        if (!isForServer(request.uri())) return request;
        return HttpRequest.newBuilder(request, (name, value) -> !name.equalsIgnoreCase(AccessToken.HEADER))
                .header(AccessToken.HEADER, token.value())
                .build();
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        return delegate.send(signed(request), handler);
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        return delegate.sendAsync(signed(request), handler);
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(
            HttpRequest request, HttpResponse.BodyHandler<T> handler, HttpResponse.PushPromiseHandler<T> push) {
        return delegate.sendAsync(signed(request), handler, push);
    }

    @Override
    public Optional<CookieHandler> cookieHandler() {
        return delegate.cookieHandler();
    }

    @Override
    public Optional<Duration> connectTimeout() {
        return delegate.connectTimeout();
    }

    @Override
    public Redirect followRedirects() {
        return delegate.followRedirects();
    }

    @Override
    public Optional<ProxySelector> proxy() {
        return delegate.proxy();
    }

    @Override
    public SSLContext sslContext() {
        return delegate.sslContext();
    }

    @Override
    public SSLParameters sslParameters() {
        return delegate.sslParameters();
    }

    @Override
    public Optional<Authenticator> authenticator() {
        return delegate.authenticator();
    }

    @Override
    public Version version() {
        return delegate.version();
    }

    @Override
    public Optional<Executor> executor() {
        return delegate.executor();
    }

    @Override
    public void shutdown() {
        delegate.shutdown();
    }

    @Override
    public boolean awaitTermination(Duration duration) throws InterruptedException {
        return delegate.awaitTermination(duration);
    }

    @Override
    public boolean isTerminated() {
        return delegate.isTerminated();
    }

    @Override
    public void shutdownNow() {
        delegate.shutdownNow();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
