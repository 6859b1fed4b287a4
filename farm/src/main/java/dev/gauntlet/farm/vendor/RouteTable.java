package dev.gauntlet.farm.vendor;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The routes of one service, matched in the order they were added. */
public final class RouteTable {

    /** A route and the path parameters it matched with. */
    public record Match(Route route, Map<String, String> params) {}

    private final List<Route> routes = new ArrayList<>();

    public RouteTable add(Route route) {
        routes.add(route);
        return this;
    }

    public List<Route> routes() {
        return List.copyOf(routes);
    }

    public Match match(String method, String path) {
        for (Route r : routes) {
            if (!r.method().equals(method)) continue;
            Map<String, String> params = r.template().match(path);
            if (params != null) return new Match(r, params);
        }
        return null;
    }

    /** Methods that would match this path, for a 405 with an Allow header. */
    public Set<String> allowed(String path) {
        Set<String> out = new LinkedHashSet<>();
        for (Route r : routes) {
            if (r.template().match(path) != null) out.add(r.method());
        }
        return out;
    }
}
