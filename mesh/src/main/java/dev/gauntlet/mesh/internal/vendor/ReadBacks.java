package dev.gauntlet.mesh.internal.vendor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.mesh.call.MeshException;
import dev.gauntlet.mesh.call.MeshRequest;
import dev.gauntlet.mesh.call.MeshResponse;
import dev.gauntlet.mesh.vendor.ReadBack;
import dev.gauntlet.mesh.vendor.Reader;
import dev.gauntlet.mesh.vendor.WriteRef;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** What the built-in read-backs share: reading JSON, op ids safe to put in a query, and how far back to look. */
final class ReadBacks {
    private ReadBacks() {}

    static final ObjectMapper JSON = new ObjectMapper();

    /** Op ids that fit in a query, filter or tag as they are (no quote, comma, brace or space to escape). */
    static final Pattern PLAIN_OP_ID = Pattern.compile("[A-Za-z0-9._:/-]{1,200}");

    /**
     * Reads look this far before the write was first sent: the upstream's clock and ours may disagree by this much
     * (NTP keeps servers within seconds; a minute leaves room and costs a few more records to scan).
     */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(1);

    /** At most this many pages are read looking for one write; past them the read cannot tell. */
    static final int MAX_PAGES = 10;

    static boolean plain(String opId) {
        return opId != null && PLAIN_OP_ID.matcher(opId).matches();
    }

    static Instant lookFrom(WriteRef w) {
        return w.sentAt().minus(CLOCK_SKEW);
    }

    /** The body as JSON, or null when it is not JSON. */
    static JsonNode json(byte[] body) {
        if (body == null || body.length == 0) return null;
        try {
            return JSON.readTree(body);
        } catch (IOException notJson) {
            return null;
        }
    }

    /** A dotted path into a JSON value ("document.external_id"); missing when any part is absent. */
    static JsonNode at(JsonNode node, String dottedPath) {
        JsonNode n = node;
        for (String part : dottedPath.split("\\.")) n = n == null ? null : n.get(part);
        return n == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : n;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The path without its query. */
    static String pathOnly(String path) {
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }

    /** One read as JSON, or the reason it told nothing. */
    sealed interface Read permits Json, Failed {}

    record Json(JsonNode body, MeshResponse response) implements Read {}

    record Failed(ReadBack.Unknown why) implements Read {}

    static Read get(Reader reader, String tenant, String path) {
        return send(reader, new MeshRequest("GET", path, Map.of(), null, null, null, tenant));
    }

    static Read postJson(Reader reader, String tenant, String path, Object body) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            return new Failed(new ReadBack.Unknown("cannot write the read's body: " + e.getMessage()));
        }
        return send(reader, new MeshRequest("POST", path, Map.of(), bytes, "application/json", null, tenant));
    }

    private static Read send(Reader reader, MeshRequest request) {
        MeshResponse r;
        try {
            r = reader.read(request);
        } catch (MeshException failed) {
            return new Failed(new ReadBack.Unknown("the read failed: " + failed.getMessage()));
        }
        // Only the upstream's own answer tells: a stale copy may predate the commit (the connector's reader never gives
        // one; any other reader is checked here too).
        if (r.stale()) return new Failed(new ReadBack.Unknown("the read was answered from a stale copy"));
        JsonNode body = r.mapped() != null ? r.mapped() : json(r.body());
        if (body == null)
            return new Failed(new ReadBack.Unknown("the read's answer is not JSON (HTTP " + r.status() + ")"));
        return new Json(body, r);
    }

    /** A stand-in for the lost answer to a create: the record as read, with the status a create answers. */
    static MeshResponse found(int status, JsonNode record) {
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(record);
        } catch (IOException e) {
            body = new byte[0];
        }
        return new MeshResponse(
                status,
                Map.of("Content-Type", List.of("application/json"), "X-Gauntlet-Read-Back", List.of("true")),
                body,
                null,
                null,
                false);
    }
}
