package dev.gauntlet.mesh.limit;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Where shared rate limits live: {@code redis://HOST[:PORT][/DB][?prefix=NAME]} (port 6379, database 0 and prefix
 * {@code gauntlet} by default).
 *
 * @param prefix every key of the mesh starts with it: one per deployment (or per test) sharing one Redis
 */
public record RedisUrl(String host, int port, int database, String prefix) {

    public RedisUrl {
        if (host == null || host.isBlank())
            throw new IllegalArgumentException("redis host must be set, e.g. 127.0.0.1");
        if (port < 1 || port > 65535) throw new IllegalArgumentException("redis port must be 1..65535, was " + port);
        if (database < 0) throw new IllegalArgumentException("redis database must be >= 0, was " + database);
        if (prefix == null || prefix.isBlank() || !prefix.matches("[A-Za-z0-9_.:-]+"))
            throw new IllegalArgumentException("redis prefix must be letters, digits or _.:- , was '" + prefix + "'");
    }

    public static boolean isRedis(String url) {
        return url != null && url.startsWith("redis://");
    }

    /** Reads the URL; rejects anything else naming what was expected. */
    public static RedisUrl parse(String url) {
        if (!isRedis(url))
            throw new IllegalArgumentException("expected redis://HOST[:PORT][/DB][?prefix=NAME], was '" + url + "'");
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: '" + url + "' (" + e.getMessage() + ")", e);
        }
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
        return new RedisUrl(uri.getHost(), port, database, prefix);
    }

    @Override
    public String toString() {
        return "redis://" + host + ":" + port + "/" + database + "?prefix=" + prefix;
    }
}
