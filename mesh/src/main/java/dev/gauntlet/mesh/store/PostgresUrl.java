package dev.gauntlet.mesh.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@code --store} URL for PostgreSQL: {@code postgresql://HOST[:PORT]/DB[?user=U&password=P&…]} (also
 * {@code postgres://}, {@code jdbc:postgresql://} and {@code user:password@} before the host), as the JDBC driver takes
 * it. Query parameters other than user and password go to the driver as they are (sslmode, currentSchema, …).
 *
 * @param host     the server's host
 * @param port     its port (5432 when the URL names none)
 * @param database the database (required)
 * @param params   user, password and driver parameters, in URL order
 */
public record PostgresUrl(String host, int port, String database, Map<String, String> params) {

    public PostgresUrl {
        if (host == null || host.isBlank())
            throw new IllegalArgumentException("PostgreSQL URL: host is required, e.g. postgresql://127.0.0.1:5432/DB");
        if (port <= 0 || port > 65_535)
            throw new IllegalArgumentException("PostgreSQL URL: port must be 1-65535, was " + port);
        if (database == null || database.isBlank() || database.contains("/")) {
            throw new IllegalArgumentException(
                    "PostgreSQL URL: a database name is required after the host, e.g. postgresql://127.0.0.1:5432/gauntlet, was '"
                            + database + "'");
        }
        params = Map.copyOf(params == null ? Map.of() : params);
    }

    /** Whether {@code url} names PostgreSQL (by its scheme). */
    public static boolean isPostgres(String url) {
        return url != null
                && (url.startsWith("postgresql://")
                        || url.startsWith("postgres://")
                        || url.startsWith("jdbc:postgresql://"));
    }

    /** Reads a URL of one of the forms above; refuses anything else naming what is wrong. */
    public static PostgresUrl parse(String url) {
        if (!isPostgres(url))
            throw new IllegalArgumentException("a PostgreSQL URL starts with postgresql://, was '" + url + "'");
        String rest = url.startsWith("jdbc:") ? url.substring("jdbc:".length()) : url;
        URI u;
        try {
            u = new URI(rest);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("PostgreSQL URL '" + url + "' is not a URL: " + e.getReason(), e);
        }
        var params = new LinkedHashMap<String, String>();
        if (u.getRawUserInfo() != null) {
            String[] up = u.getRawUserInfo().split(":", 2);
            params.put("user", decode(up[0]));
            if (up.length == 2) params.put("password", decode(up[1]));
        }
        if (u.getRawQuery() != null) {
            for (String pair : u.getRawQuery().split("&")) {
                if (pair.isEmpty()) continue;
                String[] kv = pair.split("=", 2);
                params.put(decode(kv[0]), kv.length == 2 ? decode(kv[1]) : "");
            }
        }
        String path = u.getPath() == null ? "" : u.getPath();
        String db = path.startsWith("/") ? path.substring(1) : path;
        String host = u.getHost() == null ? null : u.getHost().replaceAll("^\\[|\\]$", "");
        return new PostgresUrl(host, u.getPort() < 0 ? 5432 : u.getPort(), db, params);
    }

    /** The same server with another database (tests create and drop their own). */
    public PostgresUrl withDatabase(String other) {
        return new PostgresUrl(host, port, other, params);
    }

    /** The JDBC URL, parameters included (the password too: never log it, use {@link #safe()}). */
    public String jdbcUrl() {
        var sb = new StringBuilder("jdbc:postgresql://")
                .append(hostPort())
                .append('/')
                .append(encode(database));
        char sep = '?';
        for (var e : params.entrySet()) {
            sb.append(sep).append(encode(e.getKey())).append('=').append(encode(e.getValue()));
            sep = '&';
        }
        return sb.toString();
    }

    /** The URL without its password, for logs, health and messages. */
    public String safe() {
        var sb = new StringBuilder("postgresql://")
                .append(hostPort())
                .append('/')
                .append(database);
        String user = params.get("user");
        if (user != null) sb.append("?user=").append(user);
        return sb.toString();
    }

    private String hostPort() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return safe();
    }
}
