package dev.gauntlet.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gauntlet.harness.connectors.ConnectorsFile;
import dev.gauntlet.mesh.Connector;
import dev.gauntlet.mesh.Mesh;
import dev.gauntlet.mesh.store.ConnectorRepository;
import dev.gauntlet.mesh.vendor.Vendors;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /connectors}: the mesh's connectors as connectors.yaml objects. Secrets are write-only: every answer goes
 * through {@link ConnectorsFile#redacted}, and request bodies are never logged. Connectors created or replaced through
 * the API are kept in the store ({@link ConnectorRepository}: the object as sent, secrets included, as the store keeps
 * tokens) and restored at start after the connectors file's; on an id in both, the file's wins and the stored one is
 * reported ({@link #shadowed()}, {@code GET /health}). Nodes sharing a store see each other's changes: {@link #sync}
 * (every 2 s) reads the store's change counter and, when it moved, applies what other nodes created, replaced and
 * deleted to this node's mesh as the API does here.
 */
final class ConnectorRoutes {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ConnectorRoutes.class);

    private static final Pattern LEADING_FIELD = Pattern.compile("^([a-z_]+(?:\\.[a-z_]+)*)[ :]");
    private static final Pattern UNKNOWN_FIELD = Pattern.compile("unknown field '([^']+)'");

    private final Mesh mesh;
    private final Map<String, ConnectorsFile.Entry> entries = new LinkedHashMap<>();
    private final RecentEvents recent;
    private final ConnectorRepository stored;
    private final Set<String> fromFile = new HashSet<>();
    private final Map<String, String> shadowed = new TreeMap<>();
    private final Supplier<Optional<List<String>>> farmServices;
    /** The JSON of each connector this node knows to be in the store (restored, saved or synced): what sync compares. */
    private final Map<String, String> inStore = new HashMap<>();
    /** The store's change counter when this node last read its connectors; -1 when never read. */
    private long seenChanges = -1;

    /**
     * @param stored       where API-created connectors are kept; null keeps them in memory only
     * @param farmServices the farm's service ids, empty when the farm cannot be asked (a connector's {@code service} is
     *                     then taken as given)
     */
    ConnectorRoutes(
            Mesh mesh,
            List<ConnectorsFile.Entry> initial,
            RecentEvents recent,
            ConnectorRepository stored,
            Supplier<Optional<List<String>>> farmServices) {
        this.mesh = mesh;
        this.recent = recent;
        this.stored = stored;
        this.farmServices = farmServices;
        for (ConnectorsFile.Entry e : initial) {
            try {
                put(e);
            } catch (ApiError refused) {
                throw new IllegalArgumentException("connector " + e.spec().id() + ": " + refused.getMessage(), refused);
            }
            fromFile.add(e.spec().id());
        }
        if (stored != null) restore();
    }

    /**
     * The connectors created through the API before a restart. The file's connector wins an id clash: the file is what
     * an operator wrote on purpose this start; the stored one is kept (a later DELETE drops it) and reported. One that
     * can no longer be loaded (the egress policy changed, a field was removed) is reported the same way, not fatal.
     */
    private void restore() {
        Map<String, String> all;
        try {
            // The counter first: a change made between the two reads is read again at the next sync, never missed.
            seenChanges = stored.changes();
            all = stored.loadConnectors();
        } catch (RuntimeException e) {
            LOG.warn("stored connectors could not be read; only the file's are loaded", e);
            return;
        }
        all.forEach((id, json) -> {
            if (fromFile.contains(id)) {
                shadowed.put(id, "the connectors file defines '" + id + "' too; the file's is used");
                LOG.warn(
                        "stored connector '{}' not restored: the connectors file defines it too, and the file wins",
                        id);
                return;
            }
            try {
                put(ConnectorsFile.entry(Json.MAPPER.readTree(json)));
                inStore.put(id, json);
            } catch (Exception e) {
                shadowed.put(id, "could not be restored: " + e.getMessage());
                LOG.warn("stored connector '{}' could not be restored: {}", id, e.getMessage());
            }
        });
    }

    /**
     * Applies what other nodes changed in the store since the last look: a connector created or replaced there is
     * registered here, one deleted there is removed here - only those this node knows came from the store, so a
     * connector from this node's connectors file stays (the file wins, as at start). Cheap when nothing changed: one
     * read of the store's change counter.
     *
     * @return how many connectors were created, replaced or removed here
     */
    synchronized int sync() {
        if (stored == null) return 0;
        long changes = stored.changes();
        if (changes == seenChanges) return 0;
        Map<String, String> all = stored.loadConnectors();
        int applied = 0;
        for (var e : all.entrySet()) {
            String id = e.getKey();
            String json = e.getValue();
            if (json.equals(inStore.get(id)) && entries.containsKey(id)) continue;
            if (fromFile.contains(id)) {
                shadowed.put(id, "the connectors file defines '" + id + "' too; the file's is used");
                continue;
            }
            try {
                put(ConnectorsFile.entry(Json.MAPPER.readTree(json)));
                shadowed.remove(id);
                applied++;
                LOG.info(
                        "connector '{}' {} from the store (changed by another node)",
                        id,
                        inStore.containsKey(id) ? "replaced" : "created");
            } catch (Exception refused) {
                shadowed.put(id, "could not be applied: " + refused.getMessage());
                LOG.warn("stored connector '{}' could not be applied: {}", id, refused.getMessage());
            }
            // Kept even when refused here: the same JSON is not tried again until it changes.
            inStore.put(id, json);
        }
        for (String id : List.copyOf(inStore.keySet())) {
            if (all.containsKey(id)) continue;
            inStore.remove(id);
            shadowed.remove(id);
            if (!fromFile.contains(id) && entries.remove(id) != null) {
                mesh.remove(id);
                applied++;
                LOG.info("connector '{}' removed: another node deleted it from the store", id);
            }
        }
        seenChanges = changes;
        return applied;
    }

    /** Stored connectors that were not restored at start, by id, with the reason. */
    synchronized Map<String, String> shadowed() {
        return Map.copyOf(shadowed);
    }

    /** Keeps what the API was sent, so a restart finds it; a store that refuses undoes nothing but says so. */
    private void save(String id, com.fasterxml.jackson.databind.JsonNode node) {
        if (stored == null) return;
        try {
            String json = node.toString();
            stored.saveConnector(id, json);
            inStore.put(id, json);
        } catch (RuntimeException e) {
            throw new ApiError(
                    503,
                    "store_unavailable",
                    null,
                    "connector '" + id + "' is registered but could not be saved (it will be"
                            + " gone after a restart): " + e.getMessage());
        }
    }

    /** {@code GET /vendors}: the flavours a connector may name, the built-ins first, then any a jar on the class path adds. */
    record VendorList(List<String> vendors) {}

    void register(Endpoints api) {
        api.get(
                "/vendors",
                "The vendors a connector may name in flavor: the built-ins, then those plug-in jars add",
                "{\"vendors\":[name]}",
                VendorList.class,
                ctx -> Json.reply(ctx, 200, new VendorList(Vendors.names())));
        api.get(
                "/connectors",
                "List the connectors (secrets redacted)",
                "{\"connectors\":[connector]}",
                ConnectorList.class,
                this::list);
        api.add(
                HandlerType.POST,
                "/connectors",
                "Add a connector (an object as in connectors.yaml); 409 when the id exists",
                "a connector as in connectors.yaml: id, base_url, flavor, auth, limit, retry, …",
                "201 the connector (redacted)",
                ConnectorView.class,
                this::create);
        api.get(
                "/connectors/{id}",
                "One connector (secrets redacted)",
                "the connector",
                ConnectorView.class,
                this::one);
        api.add(
                HandlerType.PUT,
                "/connectors/{id}",
                "Replace a connector",
                "a connector as in connectors.yaml (id optional, must match)",
                "the connector (redacted)",
                ConnectorView.class,
                this::replace);
        api.add(HandlerType.DELETE, "/connectors/{id}", "Remove a connector", null, "{\"deleted\":id}", this::delete);
        api.get(
                "/connectors/{id}/status",
                "A connector's live state: every stage's status and its recent errors",
                "{\"id\",\"stages\":{…},\"recent_errors\":[…]}",
                ConnectorStatus.class,
                this::status);
    }

    synchronized int size() {
        return entries.size();
    }

    /** The connectors as runs use them. */
    synchronized List<ConnectorsFile.Entry> entries() {
        return List.copyOf(entries.values());
    }

    synchronized List<String> ids() {
        return List.copyOf(entries.keySet());
    }

    private synchronized void put(ConnectorsFile.Entry e) {
        try {
            mesh.register(e.spec());
        } catch (IllegalArgumentException refused) {
            // The egress policy: a base_url or token_url that leads where credentials must not go.
            String m = refused.getMessage();
            throw ApiError.badRequest(m.startsWith("auth.token_url") ? "auth.token_url" : "base_url", m);
        }
        entries.put(e.spec().id(), e);
    }

    /**
     * A connector as the API shows it: the object connectors.yaml holds ({@link ConnectorsFile#redacted}, secrets as
     * "***"); the sections are the mesh's configs as written there.
     */
    record ConnectorView(
            String id,
            String baseUrl,
            String flavor,
            String service,
            List<String> tenants,
            Map<String, String> headers,
            Map<String, Object> auth,
            Map<String, Object> limit,
            Map<String, Object> retry,
            Map<String, Object> circuit,
            Map<String, Object> timeouts,
            Map<String, Object> idempotency,
            Map<String, Object> drift,
            Map<String, Object> dlq,
            boolean staleReads) {

        static ConnectorView of(ConnectorsFile.Entry e) {
            return Json.MAPPER.convertValue(ConnectorsFile.redacted(e), ConnectorView.class);
        }
    }

    /** {@code GET /connectors}. */
    record ConnectorList(List<ConnectorView> connectors) {}

    /**
     * {@code GET /connectors/{id}/status}.
     *
     * @param stages       every stage's status by its name, as the stage reports it
     * @param recentErrors the connector's latest failure events, as the event stream shows them
     */
    record ConnectorStatus(
            String id, Map<String, Map<String, Object>> stages, List<Map<String, Object>> recentErrors) {}

    private void list(Context ctx) {
        List<ConnectorView> out = new ArrayList<>();
        for (ConnectorsFile.Entry e : entries()) out.add(ConnectorView.of(e));
        Json.reply(ctx, 200, new ConnectorList(out));
    }

    private void create(Context ctx) {
        Body body = Json.body(ctx);
        ConnectorsFile.Entry e = parse(body);
        checkService(body, e);
        synchronized (this) {
            if (entries.containsKey(e.spec().id())) {
                throw ApiError.conflict(
                        "exists",
                        "a connector '" + e.spec().id() + "' exists already; PUT /connectors/"
                                + e.spec().id() + " replaces it");
            }
            put(e);
            save(e.spec().id(), body.node());
        }
        Json.reply(ctx, 201, ConnectorView.of(e));
    }

    private void one(Context ctx) {
        Json.reply(ctx, 200, ConnectorView.of(existing(ctx.pathParam("id"))));
    }

    private void replace(Context ctx) {
        String id = ctx.pathParam("id");
        existing(id);
        Body body = Json.body(ctx);
        if (!body.has("id")) {
            ((ObjectNode) body.node()).put("id", id);
        } else if (!id.equals(body.node().get("id").asText())) {
            throw ApiError.badRequest(
                    "id", "id in the body (" + body.node().get("id") + ") must match the path's '" + id + "'");
        }
        ConnectorsFile.Entry e = parse(body);
        checkService(body, e);
        synchronized (this) {
            existing(id);
            put(e);
            save(id, body.node());
        }
        Json.reply(ctx, 200, ConnectorView.of(e));
    }

    private void delete(Context ctx) {
        String id = ctx.pathParam("id");
        synchronized (this) {
            existing(id);
            entries.remove(id);
            mesh.remove(id);
            if (stored != null) {
                stored.deleteConnector(id);
                inStore.remove(id);
                shadowed.remove(id);
            }
        }
        Json.reply(ctx, 200, Map.of("deleted", id));
    }

    private void status(Context ctx) {
        String id = ctx.pathParam("id");
        existing(id);
        Connector c = mesh.connector(id);
        Json.reply(ctx, 200, new ConnectorStatus(id, c.status(), recent.failures(id)));
    }

    private synchronized ConnectorsFile.Entry existing(String id) {
        ConnectorsFile.Entry e = entries.get(id);
        if (e == null) throw ApiError.notFound("connector", id, entries.keySet());
        return e;
    }

    /**
     * Refuses a {@code service} the farm does not have (a typo such as {@code stripe_mok} would pass here and end the
     * next run in an error with no report). Only a service given explicitly is checked: without one the connector's id
     * stands for it, and a connector may call something other than the farm.
     */
    private void checkService(Body body, ConnectorsFile.Entry e) {
        if (!body.has("service")) return;
        Optional<List<String>> known = farmServices.get();
        if (known.isEmpty() || known.get().contains(e.service())) return;
        throw ApiError.badRequest(
                "service", "service '" + e.service() + "' is not a service of the farm; known: " + known.get());
    }

    /** The body as a connector; a refusal names the field the parser blamed. */
    private static ConnectorsFile.Entry parse(Body body) {
        try {
            return ConnectorsFile.entry(body.node());
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(fieldOf(e.getMessage()), e.getMessage());
        } catch (RuntimeException e) {
            // Jackson may fail on a value of the wrong shape deep in a section before a record sees it.
            throw ApiError.badRequest("body", "not a valid connector: " + e.getMessage());
        }
    }

    static String fieldOf(String message) {
        if (message == null) return "body";
        Matcher u = UNKNOWN_FIELD.matcher(message);
        if (u.find()) return u.group(1);
        Matcher m = LEADING_FIELD.matcher(message);
        if (!m.find()) return "body";
        String f = m.group(1);
        // Only a word that is a field: a section name, or a snake_case or dotted name ("base_url", "limit.burst").
        return ConnectorsFile.FIELDS.contains(f.split("\\.")[0]) || f.contains("_") || f.contains(".") ? f : "body";
    }
}
