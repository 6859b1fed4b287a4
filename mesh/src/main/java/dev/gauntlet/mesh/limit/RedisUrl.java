package dev.gauntlet.mesh.limit;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Where shared rate limits live: {@code redis://[[USER]:PASSWORD@]HOST[:PORT][/DB][?prefix=NAME]} (port 6379, database
 * 0 and prefix {@code gauntlet} by default), or {@code rediss://…} for TLS. A password alone is Redis's {@code
 * requirepass}; a user and password an ACL user (Redis 6+). Percent-encode a password's {@code @ : / ?}.
 *
 * @param prefix   every key of the mesh starts with it: one per deployment (or per test) sharing one Redis
 * @param user     the ACL user, or null for the default user
 * @param password the password, or null when Redis asks for none; never shown ({@link #toString()} masks it)
 * @param tls      {@code rediss://}: the connection is TLS, its certificate checked against the JDK's trust store
 */
public record RedisUrl(String host, int port, int database, String prefix, String user, String password, boolean tls) {

    public RedisUrl {
        if (host == null || host.isBlank())
            throw new IllegalArgumentException("redis host must be set, e.g. 127.0.0.1");
        if (port < 1 || port > 65535) throw new IllegalArgumentException("redis port must be 1..65535, was " + port);
        if (database < 0) throw new IllegalArgumentException("redis database must be >= 0, was " + database);
        if (prefix == null || prefix.isBlank() || !prefix.matches("[A-Za-z0-9_.:-]+"))
            throw new IllegalArgumentException("redis prefix must be letters, digits or _.:- , was '" + prefix + "'");
        if (user != null && (password == null || password.isEmpty()))
            throw new IllegalArgumentException(
                    "redis user '" + user + "' needs a password: redis://USER:PASSWORD@HOST:PORT");
        if (password != null && password.isEmpty()) password = null;
    }

    /** No password, no TLS. */
    public RedisUrl(String host, int port, int database, String prefix) {
        this(host, port, database, prefix, null, null, false);
    }

    public static boolean isRedis(String url) {
        return url != null && (url.startsWith("redis://") || url.startsWith("rediss://"));
    }

    /** Reads the URL; rejects anything else naming what was expected. */
    public static RedisUrl parse(String url) {
        if (!isRedis(url))
            throw new IllegalArgumentException(
                    "expected redis://[[USER]:PASSWORD@]HOST[:PORT][/DB][?prefix=NAME] (rediss:// for TLS), was '"
                            + masked(url) + "'");
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            // The message would quote the URL, password and all.
            throw new IllegalArgumentException("not a URL: '" + masked(url) + "' (" + e.getReason() + ")", e);
        }
        if (uri.getHost() == null)
            throw new IllegalArgumentException(
                    "redis host must be set, e.g. redis://127.0.0.1:6379/0, was '" + masked(url) + "'");
        int port = uri.getPort() < 0 ? 6379 : uri.getPort();
        String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        int database;
        try {
            database = path.isEmpty() ? 0 : Integer.parseInt(path);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "redis database must be a number (redis://HOST:PORT/0), was '" + path + "'", e);
        }
        String prefix = "gauntlet";
        String query = uri.getQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String name = eq < 0 ? pair : pair.substring(0, eq);
                if (!name.equals("prefix"))
                    throw new IllegalArgumentException("redis URL parameter must be prefix=NAME, was '" + pair + "'");
                prefix = eq < 0 ? "" : pair.substring(eq + 1);
            }
        }
        String user = null;
        String password = null;
        String info = uri.getRawUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            String u = colon < 0 ? info : info.substring(0, colon);
            // redis://PASSWORD@HOST (no colon) is how several clients write requirepass; redis://:PASSWORD@ too.
            if (colon < 0) password = decode(u);
            else {
                user = u.isEmpty() ? null : decode(u);
                password = decode(info.substring(colon + 1));
            }
        }
        return new RedisUrl(uri.getHost(), port, database, prefix, user, password, url.startsWith("rediss://"));
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** The URL as given with whatever stands between {@code //} and {@code @} replaced: safe to print. */
    static String masked(String url) {
        if (url == null) return null;
        int scheme = url.indexOf("://");
        int at = url.lastIndexOf('@');
        if (scheme < 0 || at < scheme) return url;
        return url.substring(0, scheme + 3) + "***" + url.substring(at);
    }

    /** The URL without its password (shown as {@code ***}): what logs, {@code /health} and errors print. */
    @Override
    public String toString() {
        String auth = password == null ? "" : (user == null ? "" : user) + ":***@";
        return (tls ? "rediss://" : "redis://") + auth + host + ":" + port + "/" + database + "?prefix=" + prefix;
    }
}
