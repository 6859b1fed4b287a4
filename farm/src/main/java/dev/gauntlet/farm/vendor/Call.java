package dev.gauntlet.farm.vendor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gauntlet.farm.data.ResourceStore;
import dev.gauntlet.farm.http.FarmRequest;
import dev.gauntlet.farm.http.Reply;
import dev.gauntlet.farm.ledger.Ledger;
import dev.gauntlet.farm.spec.LedgerSpec;
import java.util.regex.Matcher;

/** What a route handler gets: the request, its service, the authenticated client and the farm's shared parts. */
public final class Call {
    private final FarmRequest request;
    private final Service service;
    private final FarmParts farm;
    private final String client;
    private final String idempotencyKey;

    public Call(FarmRequest request, Service service, FarmParts farm, String client, String idempotencyKey) {
        this.request = request;
        this.service = service;
        this.farm = farm;
        this.client = client;
        this.idempotencyKey = idempotencyKey;
    }

    public FarmRequest request() {
        return request;
    }

    public Service service() {
        return service;
    }

    public FarmParts farm() {
        return farm;
    }
    /** The authenticated client (OAuth client id or masked API key), or "anonymous". */
    public String client() {
        return client;
    }

    public ResourceStore store(String resource) {
        return service.store(resource);
    }

    /** The record as the service shows it now (schema drift applied). */
    public ObjectNode present(String resource, ObjectNode record) {
        return service.present(resource, record);
    }

    /**
     * Writes a committed write to the ledger; the operation id is read from the request body (see {@link #opIdOf}).
     */
    public Ledger.Entry commit(String resource, String operation, JsonNode body, String recordId) {
        return commitWithOpId(resource, operation, opIdOf(body), recordId);
    }

    /** As {@link #commit} with an operation id the vendor found itself (e.g. in Datadog tags). */
    public Ledger.Entry commitWithOpId(String resource, String operation, String opId, String recordId) {
        return farm.ledger()
                .commit(
                        service.id(),
                        resource,
                        operation,
                        opId,
                        idempotencyKey,
                        recordId,
                        farm.clock().instant());
    }

    /**
     * Writes an upsert to the ledger: a created record is a commit of {@code opId}; an updated one is a commit only
     * when no earlier commit of {@code opId} made it (see {@link Ledger#reapply}), so retrying an upsert never shows
     * as a duplicate.
     */
    public Ledger.Entry upserted(String resource, String opId, ResourceStore.Upserted result) {
        String recordId =
                result.record().path(service.store(resource).idField()).asText();
        if (result.created()) return commitWithOpId(resource, "create", opId, recordId);
        return farm.ledger()
                .reapply(
                        service.id(),
                        resource,
                        "upsert",
                        opId,
                        idempotencyKey,
                        recordId,
                        farm.clock().instant());
    }

    /**
     * The caller's operation id in a body: the service's dotted op-id fields first (first found wins), then its op-id
     * patterns (the first match's capture group in the named text field); null when absent.
     */
    public String opIdOf(JsonNode body) {
        if (body == null) return null;
        LedgerSpec ledger = service.spec().ledger();
        for (String path : ledger.opIdFields()) {
            JsonNode node = at(body, path);
            if (node != null
                    && !node.isNull()
                    && !node.isContainerNode()
                    && !node.asText().isEmpty()) return node.asText();
        }
        for (LedgerSpec.OpIdPattern p : ledger.opIdPatterns()) {
            JsonNode text = at(body, p.field());
            if (text == null || !text.isTextual()) continue;
            Matcher m = p.regex().matcher(text.asText());
            if (m.find() && m.group(1) != null && !m.group(1).isEmpty()) return m.group(1);
        }
        return null;
    }

    private static JsonNode at(JsonNode body, String dottedPath) {
        JsonNode node = body;
        for (String part : dottedPath.split("\\.")) {
            node = node == null ? null : node.get(part);
        }
        return node;
    }

    public Reply error(FarmError error) {
        return service.vendor().error(error);
    }

    public Reply error(ErrorKind kind, String message) {
        return error(FarmError.of(kind, message));
    }

    public Reply notFound(String resource, String id) {
        return error(ErrorKind.NOT_FOUND, "No such " + resource + ": '" + id + "'");
    }
}
