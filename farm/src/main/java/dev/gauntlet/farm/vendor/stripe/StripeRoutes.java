package dev.gauntlet.farm.vendor.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gauntlet.farm.data.ResourceStore;
import dev.gauntlet.farm.http.FarmRequest;
import dev.gauntlet.farm.http.PathTemplate;
import dev.gauntlet.farm.http.Reply;
import dev.gauntlet.farm.spec.ResourceSpec;
import dev.gauntlet.farm.spec.ResourceSpec.Operation;
import dev.gauntlet.farm.vendor.Call;
import dev.gauntlet.farm.vendor.ErrorKind;
import dev.gauntlet.farm.vendor.FarmError;
import dev.gauntlet.farm.vendor.Route;
import dev.gauntlet.farm.vendor.RouteTable;
import dev.gauntlet.farm.vendor.Service;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Stripe's routes ({@link #register}) and the endpoints of one resource: list, search, create, retrieve, update, delete,
 * and confirm/cancel for payment intents.
 */
final class StripeRoutes {

    /** A request Stripe refuses; caught at the top of each handler and answered in Stripe's envelope. */
    private static final class Refusal extends RuntimeException {
        final FarmError error;

        Refusal(ErrorKind kind, String param, String code, String message) {
            super(message, null, false, false);
            this.error = new FarmError(kind, message, 0, param, null, code);
        }
    }

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Pattern CURRENCY = Pattern.compile("[a-zA-Z]{3}");
    private static final Set<String> NUMERIC =
            Set.of("amount", "balance", "application_fee_amount", "next_invoice_sequence");
    private static final Set<String> PAGING_PARAMS = Set.of("limit", "starting_after", "ending_before");
    private static final Set<String> SEARCH_PARAMS = Set.of("query", "limit", "page");
    // Stripe documents neither its lock wait nor its search delay; these are short enough for tests and runs and long
    // enough that a client leaning on either meets the failure (docs.stripe.com/rate-limits#object-lock-timeouts,
    // docs.stripe.com/search#data-freshness: "under 1 minute").
    private static final long DEFAULT_LOCK_WAIT_MS = 200;
    private static final long DEFAULT_SEARCH_LAG_MS = 2000;
    // Stripe's test payment methods that decline (docs.stripe.com/testing#declined-payments).
    private static final Map<String, String> DECLINES = Map.of(
            "pm_card_chargeDeclined", "generic_decline",
            "pm_card_visa_chargeDeclined", "generic_decline",
            "pm_card_chargeDeclinedInsufficientFunds", "insufficient_funds",
            "pm_card_chargeDeclinedFraudulent", "fraudulent");
    private static final Set<String> CONFIRMABLE =
            Set.of("requires_payment_method", "requires_confirmation", "requires_action");
    private static final Set<String> CANCELABLE = Set.of(
            "requires_payment_method", "requires_capture", "requires_confirmation", "requires_action", "processing");

    /** A listed record with the keys it is ordered by. */
    private record Listed(ObjectNode record, long created, long seq) {}

    /** Stripe's created filter as an inclusive window of epoch seconds. */
    private record CreatedWindow(long from, long to) {
        static final CreatedWindow ALL = new CreatedWindow(Long.MIN_VALUE, Long.MAX_VALUE);

        boolean contains(long t) {
            return t >= from && t <= to;
        }
    }

    private final ResourceSpec r;
    private final String resource;
    /** Stripe's list order, newest first when walked down: by created, then (same second) by creation order. */
    private final ResourceStore.Ordering byCreated;
    // One lock per object id: Stripe serialises writes to one object and times out the one that waits too long.
    private final Map<String, Semaphore> locks = new ConcurrentHashMap<>();

    /** Registers each resource's endpoints: list, search, create, retrieve, update, and delete or confirm/cancel. */
    static void register(Service service, RouteTable table) {
        for (ResourceSpec r : service.spec().resources()) {
            String base = r.path();
            String item = base + "/{id}";
            String res = r.name();
            StripeRoutes h = new StripeRoutes(r);
            if (r.offers(Operation.list))
                table.add(new Route("GET", new PathTemplate(base), "list " + res, res, true, false, h::list));
            // Search before retrieve, so that "search" is not read as an id (docs.stripe.com/api/customers/search).
            if (r.offers(Operation.list) && StripeQuery.fields(res) != null) {
                table.add(new Route(
                        "GET", new PathTemplate(base + "/search"), "search " + res, res, true, false, h::search));
            }
            if (r.offers(Operation.create))
                table.add(new Route("POST", new PathTemplate(base), "create " + res, res, true, true, h::create));
            if (r.offers(Operation.get))
                table.add(new Route("GET", new PathTemplate(item), "retrieve " + res, res, true, false, h::retrieve));
            if (r.offers(Operation.update))
                table.add(new Route("POST", new PathTemplate(item), "update " + res, res, true, true, h::update));
            if (res.equals(StripeObjects.PAYMENT_INTENT)) {
                // Payment intents are never deleted, only canceled (docs.stripe.com/api/payment_intents).
                table.add(new Route(
                        "POST", new PathTemplate(item + "/confirm"), "confirm " + res, res, true, true, h::confirm));
                table.add(new Route(
                        "POST", new PathTemplate(item + "/cancel"), "cancel " + res, res, true, true, h::cancel));
            } else if (r.offers(Operation.delete)) {
                table.add(new Route("DELETE", new PathTemplate(item), "delete " + res, res, true, true, h::delete));
            }
        }
    }

    StripeRoutes(ResourceSpec r) {
        this.r = r;
        this.resource = r.name();
        this.byCreated = new ResourceStore.Ordering(
                "stripe:created",
                n -> F.numberNode(StripeObjects.created(n, r.idField())),
                Comparator.comparingLong(JsonNode::asLong));
    }

    // ---- endpoints ----

    Reply list(Call call) {
        return guard(call, () -> {
            FarmRequest req = call.request();
            Set<String> filters = StripeObjects.listFilters(resource);
            for (String key : req.queryMap().keySet()) {
                if (!PAGING_PARAMS.contains(key)
                        && !filters.contains(key)
                        && !key.startsWith("expand")
                        && !isCreated(key)) {
                    throw unknown(key);
                }
            }
            int limit = limit(req.query("limit"));
            String after = req.query("starting_after");
            String before = req.query("ending_before");
            if (after != null && before != null) {
                throw invalid(
                        null, null, "You may only specify one of these parameters: ending_before, starting_after.");
            }
            CreatedWindow window = createdWindow(req);
            String email = req.query("email");
            String customer = req.query("customer");
            Predicate<ObjectNode> filter = n -> window.contains(StripeObjects.created(n, r.idField()))
                    && (email == null || email.equals(n.path("email").asText(null)))
                    && (customer == null || customer.equals(n.path("customer").asText(null)));
            List<ObjectNode> page;
            boolean more;
            if (before != null) {
                // ending_before walks to newer objects: the `limit` just newer than the cursor, still newest first.
                page = newer(call, cursor(call, before, "ending_before"), window, filter, limit + 1);
                more = page.size() > limit;
                if (more) page = page.subList(0, limit);
                page = page.reversed();
            } else {
                page = older(
                        call, after == null ? null : cursor(call, after, "starting_after"), window, filter, limit + 1);
                more = page.size() > limit;
                if (more) page = page.subList(0, limit);
            }
            ArrayNode data = F.arrayNode();
            for (ObjectNode n : page) data.add(show(call, n));
            ObjectNode body = F.objectNode();
            body.put("object", "list");
            body.set("data", data);
            body.put("has_more", more);
            body.put("url", r.path());
            return ok(call, body);
        });
    }

    /**
     * Stripe's Search API ({@code GET …/search?query=}), newest first, pages by {@code page} / {@code next_page}. Search is
     * eventually consistent at Stripe ("Don't use search for read-after-write flows … data is searchable in under 1
     * minute", docs.stripe.com/search#data-freshness): a record written less than {@code search_lag_ms} ago (default
     * 2 s) is not found yet. Read-after-write belongs to the list endpoints, which have no such delay.
     */
    Reply search(Call call) {
        return guard(call, () -> {
            FarmRequest req = call.request();
            for (String key : req.queryMap().keySet()) {
                if (!SEARCH_PARAMS.contains(key) && !key.startsWith("expand")) throw unknown(key);
            }
            String text = req.query("query");
            if (text == null || text.isBlank())
                throw invalid("query", "parameter_missing", "Missing required param: query.");
            StripeQuery.Query query;
            try {
                query = StripeQuery.parse(resource, text);
            } catch (IllegalArgumentException e) {
                throw invalid("query", null, e.getMessage());
            }
            int limit = limit(req.query("limit"));
            long indexedBefore = call.farm().clock().millis() - option(call, "search_lag_ms", DEFAULT_SEARCH_LAG_MS);
            var fields = StripeQuery.fields(resource);
            String page = req.query("page");
            List<ObjectNode> hits = older(
                    call,
                    page == null ? null : pageCursor(call, page),
                    CreatedWindow.ALL,
                    n -> n.path(StripeObjects.WRITTEN_AT).asLong(Long.MIN_VALUE) <= indexedBefore
                            && query.matches(StripeObjects.render(resource, n, r.idField()), fields),
                    limit + 1);
            boolean more = hits.size() > limit;
            if (more) hits = hits.subList(0, limit);
            ArrayNode data = F.arrayNode();
            for (ObjectNode n : hits) data.add(show(call, n));
            ObjectNode body = F.objectNode();
            body.put("object", "search_result");
            body.set("data", data);
            body.put("has_more", more);
            if (more) body.put("next_page", pageToken(hits.getLast()));
            else body.putNull("next_page");
            body.put("url", r.path() + "/search");
            return ok(call, body);
        });
    }

    Reply retrieve(Call call) {
        return guard(call, () -> {
            // A deleted customer is still retrievable, as {"id","object","deleted":true}
            // (docs.stripe.com/api/customers/retrieve).
            ObjectNode n = existing(call, true);
            return ok(call, show(call, n));
        });
    }

    Reply create(Call call) {
        return guard(call, () -> {
            ObjectNode params = params(call, StripeObjects.params(resource));
            ObjectNode record = stored(params, F.objectNode());
            record.put("created", call.farm().clock().instant().getEpochSecond());
            record.put(StripeObjects.WRITTEN_AT, call.farm().clock().millis());
            boolean confirm = resource.equals(StripeObjects.PAYMENT_INTENT)
                    && "true".equals(params.path("confirm").asText());
            String decline = null;
            if (resource.equals(StripeObjects.PAYMENT_INTENT)) {
                record.put("amount", amount(params, true));
                record.put("currency", currency(params, true));
                record.put(
                        "status",
                        record.hasNonNull("payment_method") ? "requires_confirmation" : "requires_payment_method");
                if (confirm) decline = confirmInto(record, record, params);
            }
            pauseForWrite(call);
            ObjectNode created = call.store(resource).create(record);
            String id = created.path(r.idField()).asText();
            call.commit(resource, "create", params, id);
            if (decline != null) return declined(call, created, decline);
            return ok(call, show(call, created));
        });
    }

    Reply update(Call call) {
        return guard(
                call,
                () -> locked(call, () -> {
                    ObjectNode current = existing(call, false);
                    ObjectNode params = params(call, StripeObjects.params(resource));
                    params.remove("confirm");
                    ObjectNode patch = stored(params, current);
                    if (resource.equals(StripeObjects.PAYMENT_INTENT)) {
                        String status = StripeObjects.status(current);
                        if (status.equals("succeeded") || status.equals("canceled"))
                            throw unexpectedState("update", status);
                        if (params.has("amount")) patch.put("amount", amount(params, true));
                        if (params.has("currency")) patch.put("currency", currency(params, true));
                    }
                    return write(call, "update", current, patch, params);
                }));
    }

    Reply delete(Call call) {
        return guard(
                call,
                () -> locked(call, () -> {
                    ObjectNode current = existing(call, false);
                    ObjectNode patch = written(call, F.objectNode().put(StripeObjects.DELETED, true));
                    pauseForWrite(call);
                    // Deleted objects stay as tombstones: retrieve answers deleted:true, lists skip them, a second
                    // delete is a 404.
                    ObjectNode updated = call.store(resource)
                            .update(current.path(r.idField()).asText(), patch);
                    if (updated == null) throw missing(id(call), "id");
                    call.commit(
                            resource,
                            "delete",
                            call.request().isForm() ? call.request().form() : null,
                            id(call));
                    return ok(call, StripeObjects.render(resource, updated, r.idField()));
                }));
    }

    Reply confirm(Call call) {
        return guard(
                call,
                () -> locked(call, () -> {
                    ObjectNode current = existing(call, false);
                    ObjectNode params = params(call, StripeObjects.CONFIRM_PARAMS);
                    ObjectNode patch = written(call, stored(params, current));
                    String decline = confirmInto(current, patch, params);
                    pauseForWrite(call);
                    ObjectNode updated = call.store(resource).update(id(call), patch);
                    if (updated == null) throw missing(id(call), "id");
                    // A decline moves no money: the intent goes back to requires_payment_method and nothing is
                    // committed.
                    if (decline != null) return declined(call, updated, decline);
                    call.commit(resource, "confirm", params, id(call));
                    return ok(call, show(call, updated));
                }));
    }

    Reply cancel(Call call) {
        return guard(
                call,
                () -> locked(call, () -> {
                    ObjectNode current = existing(call, false);
                    ObjectNode params = params(call, StripeObjects.CANCEL_PARAMS);
                    String status = StripeObjects.status(current);
                    if (!CANCELABLE.contains(status)) {
                        throw new Refusal(
                                ErrorKind.BAD_REQUEST,
                                null,
                                "payment_intent_unexpected_state",
                                "You cannot cancel this PaymentIntent because it has a status of " + status
                                        + ". Only a PaymentIntent with one "
                                        + "of the following statuses may be canceled: "
                                        + String.join(
                                                ", ",
                                                "requires_payment_method",
                                                "requires_capture",
                                                "requires_confirmation",
                                                "requires_action",
                                                "processing")
                                        + ".");
                    }
                    String reason = params.path("cancellation_reason").asText(null);
                    if (reason != null && !StripeObjects.CANCELLATION_REASONS.contains(reason)) {
                        throw invalid(
                                "cancellation_reason",
                                null,
                                "Invalid cancellation_reason: must be one of duplicate, fraudulent, "
                                        + "requested_by_customer, or abandoned");
                    }
                    ObjectNode patch = F.objectNode();
                    patch.put("status", "canceled");
                    patch.put("canceled_at", call.farm().clock().instant().getEpochSecond());
                    if (reason == null) patch.putNull("cancellation_reason");
                    else patch.put("cancellation_reason", reason);
                    return write(call, "cancel", current, patch, params);
                }));
    }

    // ---- shared steps ----

    private Reply guard(Call call, Supplier<Reply> body) {
        try {
            return body.get();
        } catch (Refusal e) {
            return call.error(e.error);
        }
    }

    private Reply write(Call call, String operation, ObjectNode current, ObjectNode patch, ObjectNode params) {
        pauseForWrite(call);
        String id = current.path(r.idField()).asText();
        ObjectNode updated = call.store(resource).update(id, written(call, patch));
        if (updated == null) throw missing(id, "id");
        call.commit(resource, operation, params, id);
        return ok(call, show(call, updated));
    }

    /** The optional execution time of a write (service option write_latency_ms), spent before the commit. */
    private static void pauseForWrite(Call call) {
        call.farm().pause(option(call, "write_latency_ms", 0));
    }

    /** A service option in milliseconds; a malformed or negative one counts as the default rather than failing requests. */
    private static long option(Call call, String name, long fallback) {
        try {
            long ms = Long.parseLong(
                    call.service().spec().option(name, Long.toString(fallback)).trim());
            return ms < 0 ? fallback : ms;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** Stamps a write's time on the fields it stores (the search index lags behind it). */
    private static ObjectNode written(Call call, ObjectNode patch) {
        return patch.put(StripeObjects.WRITTEN_AT, call.farm().clock().millis());
    }

    /**
     * Runs a change of the object named in the path while holding that object's lock. Stripe locks an object while a
     * request changes it; a request that cannot get the lock in time answers 429 lock_timeout with
     * Stripe-Should-Retry: true (docs.stripe.com/rate-limits#object-lock-timeouts). The wait is lock_wait_ms.
     */
    private Reply locked(Call call, Supplier<Reply> change) {
        Semaphore lock = locks.computeIfAbsent(id(call), k -> new Semaphore(1));
        boolean held;
        try {
            held = lock.tryAcquire(option(call, "lock_wait_ms", DEFAULT_LOCK_WAIT_MS), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            held = false;
        }
        if (!held) throw new Refusal(ErrorKind.RATE_LIMITED, null, StripeVendor.LOCK_TIMEOUT, "lock wait over");
        try {
            return change.get();
        } finally {
            lock.release();
        }
    }

    private ObjectNode show(Call call, ObjectNode record) {
        return call.present(resource, StripeObjects.render(resource, record, r.idField()));
    }

    private static Reply ok(Call call, Object body) {
        Reply reply = Reply.json(200, body);
        String key = call.request().header("Idempotency-Key");
        // Stripe echoes the key of a POST, so a client can log which key produced which object.
        if (key != null && call.request().method().equals("POST")) reply.header("Idempotency-Key", key);
        return StripeVendor.requestId(reply);
    }

    private String id(Call call) {
        return call.request().pathParam("id");
    }

    /** The record named in the path; a tombstone counts only when {@code deletedToo}. */
    private ObjectNode existing(Call call, boolean deletedToo) {
        String id = id(call);
        ObjectNode n = call.store(resource).get(id);
        if (n == null || (!deletedToo && StripeObjects.isDeleted(n))) throw missing(id, "id");
        return n;
    }

    /**
     * Up to {@code max} records older than the cursor (null: from the newest) that pass the filter, deleted ones left
     * out, newest first: a walk of the created index from the cursor or the window's top, O(log n + what it skips).
     */
    private List<ObjectNode> older(
            Call call, Listed cursor, CreatedWindow window, Predicate<ObjectNode> filter, int max) {
        ResourceStore store = call.store(resource);
        Iterator<ObjectNode> it = cursor == null || cursor.created() > window.to()
                ? store.walk(byCreated, F.numberNode(window.to()), Long.MAX_VALUE, true, true)
                : store.walk(byCreated, F.numberNode(cursor.created()), cursor.seq(), false, true);
        return collect(it, window, filter, max, true);
    }

    /** As {@link #older}, towards newer records: the {@code max} just newer than the cursor, oldest first. */
    private List<ObjectNode> newer(
            Call call, Listed cursor, CreatedWindow window, Predicate<ObjectNode> filter, int max) {
        ResourceStore store = call.store(resource);
        Iterator<ObjectNode> it = cursor.created() < window.from()
                ? store.walk(byCreated, F.numberNode(window.from()), Long.MIN_VALUE, true, false)
                : store.walk(byCreated, F.numberNode(cursor.created()), cursor.seq(), false, false);
        return collect(it, window, filter, max, false);
    }

    private List<ObjectNode> collect(
            Iterator<ObjectNode> it, CreatedWindow window, Predicate<ObjectNode> filter, int max, boolean descending) {
        List<ObjectNode> out = new ArrayList<>(Math.min(max, 128));
        while (out.size() < max && it.hasNext()) {
            ObjectNode n = it.next();
            long created = StripeObjects.created(n, r.idField());
            // The walk is in created order: past the window's edge nothing further can match.
            if (descending ? created < window.from() : created > window.to()) break;
            if (!StripeObjects.isDeleted(n) && filter.test(n)) out.add(n);
        }
        return out;
    }

    /** The cursor's place in the created index: its created time and its store sequence (ties by creation order). */
    private Listed listed(Call call, ObjectNode n) {
        return new Listed(
                n, StripeObjects.created(n, r.idField()), call.store(resource).seqOf(n));
    }

    /** The object a cursor names, wherever it sits (a cursor need not pass the list's filters, nor still be listed). */
    private Listed cursor(Call call, String id, String param) {
        ObjectNode n = call.store(resource).get(id);
        if (n == null) throw missing(id, param);
        return listed(call, n);
    }

    /** A search page token: the last id of the page before, opaque to clients as Stripe's next_page is. */
    private String pageToken(ObjectNode last) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(last.path(r.idField()).asText().getBytes(StandardCharsets.UTF_8));
    }

    private Listed pageCursor(Call call, String token) {
        ObjectNode n = null;
        try {
            n = call.store(resource).get(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            // Not a token of ours: refused below like one that names no record.
        }
        if (n == null)
            throw invalid("page", null, "Invalid page: " + token + ". Use the next_page value of a previous search.");
        return listed(call, n);
    }

    private static boolean isCreated(String key) {
        return key.equals("created") || key.startsWith("created[");
    }

    /**
     * Stripe's created filter: {@code created=<ts>} or any of {@code created[gt|gte|lt|lte]=<ts>}, epoch seconds
     * (docs.stripe.com/api/customers/list#list_customers-created); several narrow the window together.
     */
    private static CreatedWindow createdWindow(FarmRequest req) {
        long from = Long.MIN_VALUE;
        long to = Long.MAX_VALUE;
        for (var e : req.queryMap().entrySet()) {
            String key = e.getKey();
            if (!isCreated(key)) continue;
            if (!Set.of("created", "created[gt]", "created[gte]", "created[lt]", "created[lte]")
                    .contains(key)) throw unknown(key);
            long t = integer(key, e.getValue().isEmpty() ? "" : e.getValue().getFirst());
            switch (key) {
                case "created[gt]" -> from = Math.max(from, t + 1);
                case "created[gte]" -> from = Math.max(from, t);
                case "created[lt]" -> to = Math.min(to, t - 1);
                case "created[lte]" -> to = Math.min(to, t);
                default -> {
                    from = Math.max(from, t);
                    to = Math.min(to, t);
                }
            }
        }
        return new CreatedWindow(from, to);
    }

    private Refusal missing(String id, String param) {
        return new Refusal(ErrorKind.NOT_FOUND, param, "resource_missing", "No such " + resource + ": '" + id + "'");
    }

    private static Refusal invalid(String param, String code, String message) {
        return new Refusal(ErrorKind.BAD_REQUEST, param, code, message);
    }

    private static Refusal unknown(String param) {
        return invalid(param, "parameter_unknown", "Received unknown parameter: " + param);
    }

    private static Refusal unexpectedState(String action, String status) {
        return new Refusal(
                ErrorKind.BAD_REQUEST,
                null,
                "payment_intent_unexpected_state",
                "You cannot " + action + " this PaymentIntent because it has a status of " + status + ".");
    }

    private static int limit(String value) {
        if (value == null || value.isEmpty()) return 10;
        long n;
        try {
            n = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw invalid("limit", "parameter_invalid_integer", "Invalid integer: " + value);
        }
        if (n < 1)
            throw invalid("limit", "parameter_invalid_integer", "This value must be greater than or equal to 1.");
        if (n > 100)
            throw invalid("limit", "parameter_invalid_integer", "This value must be less than or equal to 100.");
        return (int) n;
    }

    /**
     * The form parameters of a write. Stripe reads only form bodies: any other content type is refused the way Stripe
     * refuses it ("Invalid request: unsupported Content-Type …", seen in vapor-community/stripe#39), JSON included.
     */
    private static ObjectNode params(Call call, Set<String> allowed) {
        FarmRequest req = call.request();
        if (req.body().length > 0 && !req.isForm()) {
            String ct = req.header("Content-Type");
            throw invalid(
                    null,
                    null,
                    "Invalid request: unsupported Content-Type " + (ct == null ? "" : ct)
                            + ". If error persists and you need assistance, please contact support@stripe.com.");
        }
        ObjectNode form = req.body().length == 0 ? F.objectNode() : req.form();
        ObjectNode out = F.objectNode();
        form.properties().forEach(e -> {
            if (allowed != null && !allowed.contains(e.getKey())) throw unknown(e.getKey());
            // Metadata keys are the caller's own strings ("0" is a key, not an index).
            if (e.getKey().equals("metadata")) out.set("metadata", e.getValue());
            else if (!e.getKey().equals("expand")) out.set(e.getKey(), arrays(e.getKey(), e.getValue()));
        });
        JsonNode md = out.get("metadata");
        if (md != null && !md.isObject() && !(md.isTextual() && md.asText().isEmpty())) {
            throw invalid("metadata", null, "Invalid object");
        }
        if (md != null && md.isObject()) md.properties().forEach(e -> metadataPair(e.getKey(), e.getValue()));
        return out;
    }

    /**
     * Stripe's metadata limits (docs.stripe.com/api/metadata): "up to 50 keys, with key names up to 40 characters long
     * and values up to 500 characters long", values are strings. The wording of the refusals is Stripe's as its
     * engineers gave it (stripe/stripe-php#246: "Invalid key: %{key} must be a string under %{limit} characters",
     * "Invalid val: %{value} must be a string under %{limit} characters"; a nested value is refused the same way,
     * houndci/hound#817).
     */
    private static void metadataPair(String key, JsonNode value) {
        if (key.length() > METADATA_KEY_CHARS) {
            throw invalid(
                    "metadata",
                    null,
                    "Invalid key: " + key + " must be a string under " + METADATA_KEY_CHARS + " characters");
        }
        if (!value.isTextual() || value.asText().length() > METADATA_VALUE_CHARS) {
            String shown = value.isTextual() ? value.asText() : value.toString();
            if (shown.length() > 1000) shown = shown.substring(0, 1000) + "…";
            throw invalid(
                    "metadata",
                    null,
                    "Invalid val: " + shown + " must be a string under " + METADATA_VALUE_CHARS + " characters");
        }
    }

    /** Stripe's metadata limits (docs.stripe.com/api/metadata). */
    static final int METADATA_KEYS = 50;

    static final int METADATA_KEY_CHARS = 40;
    static final int METADATA_VALUE_CHARS = 500;

    /**
     * The highest array index a form key may give ({@code items[999]}). Stripe documents none; its arrays hold at most a
     * few hundred items (checkout line_items: 100), and a sparse index such as {@code items[99999999999]} names nothing
     * a list could hold, so the farm refuses indices past this one instead of allocating for them.
     */
    static final int MAX_ARRAY_INDEX = 999;

    /** Bracket indices (items[0]=a&items[1]=b) arrive as {"0":…,"1":…}; Stripe means arrays. */
    private static JsonNode arrays(String param, JsonNode node) {
        if (!(node instanceof ObjectNode o) || o.isEmpty()) return node;
        boolean indexed = true;
        for (var e : o.properties())
            indexed &= !e.getKey().isEmpty() && e.getKey().chars().allMatch(c -> c >= '0' && c <= '9');
        if (!indexed) {
            ObjectNode copy = F.objectNode();
            o.properties().forEach(e -> copy.set(e.getKey(), arrays(param, e.getValue())));
            return copy;
        }
        Map<Integer, JsonNode> sorted = new TreeMap<>();
        o.properties().forEach(e -> {
            String digits = e.getKey();
            if (digits.length() > 3 || Integer.parseInt(digits) > MAX_ARRAY_INDEX) {
                throw invalid(
                        param,
                        null,
                        "Invalid array index " + digits + " in " + param + ": indices go from 0 to " + MAX_ARRAY_INDEX);
            }
            sorted.put(Integer.parseInt(digits), arrays(param, e.getValue()));
        });
        ArrayNode a = F.arrayNode();
        sorted.values().forEach(a::add);
        return a;
    }

    /**
     * The fields a write stores: parameters as given with numbers parsed, metadata merged into the current record's
     * (an empty value removes a key, an empty metadata clears it all, as Stripe documents for metadata).
     */
    private static ObjectNode stored(ObjectNode params, ObjectNode current) {
        ObjectNode out = F.objectNode();
        params.properties().forEach(e -> {
            String k = e.getKey();
            if (k.equals("confirm") || k.equals("metadata")) return;
            if (NUMERIC.contains(k)) out.put(k, integer(k, e.getValue().asText()));
            else out.set(k, e.getValue());
        });
        JsonNode md = params.get("metadata");
        if (md != null) {
            ObjectNode merged = current.path("metadata") instanceof ObjectNode o ? o.deepCopy() : F.objectNode();
            if (md.isTextual()) merged.removeAll();
            else
                md.properties().forEach(e -> {
                    if (e.getValue().asText().isEmpty()) merged.remove(e.getKey());
                    else merged.put(e.getKey(), e.getValue().asText());
                });
            // The wording of a refusal Stripe gave a client that set 51 keys (FlowFuse/flowfuse#1948).
            if (merged.size() > METADATA_KEYS) {
                throw invalid(
                        "metadata",
                        null,
                        "Metadata can have up to " + METADATA_KEYS + " keys, but you've set " + merged.size()
                                + ". Email us at support+metadata@stripe.com for more information.");
            }
            out.set("metadata", merged);
        }
        return out;
    }

    private static long integer(String param, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw invalid(param, "parameter_invalid_integer", "Invalid integer: " + value);
        }
    }

    private static long amount(ObjectNode params, boolean required) {
        JsonNode a = params.get("amount");
        if (a == null || a.asText().isEmpty()) {
            if (!required) return 0;
            throw invalid("amount", "parameter_missing", "Missing required param: amount.");
        }
        long n = integer("amount", a.asText());
        if (n < 1) throw invalid("amount", "amount_too_small", "This value must be greater than or equal to 1.");
        return n;
    }

    private static String currency(ObjectNode params, boolean required) {
        JsonNode c = params.get("currency");
        if (c == null || c.asText().isEmpty()) {
            if (!required) return null;
            throw invalid("currency", "parameter_missing", "Missing required param: currency.");
        }
        if (!CURRENCY.matcher(c.asText()).matches()) {
            throw invalid(
                    "currency",
                    null,
                    "Invalid currency: " + c.asText() + ". Stripe currently supports three-letter ISO currency codes.");
        }
        return c.asText().toLowerCase();
    }

    /**
     * Writes a confirmation into {@code patch}: succeeded (or requires_capture with manual capture), or back to
     * requires_payment_method with last_payment_error for a declining test card. Returns the decline code, or null.
     */
    private static String confirmInto(ObjectNode current, ObjectNode patch, ObjectNode params) {
        String status = current.hasNonNull("status") ? StripeObjects.status(current) : "requires_payment_method";
        if (!CONFIRMABLE.contains(status)) throw unexpectedState("confirm", status);
        String pm = params.path("payment_method").asText(null);
        if (pm == null) pm = current.path("payment_method").asText(null);
        if (pm == null || pm.isEmpty()) {
            throw new Refusal(
                    ErrorKind.BAD_REQUEST,
                    null,
                    "payment_intent_unexpected_state",
                    "You cannot confirm this PaymentIntent because it's missing a payment method. You can either update the "
                            + "PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method.");
        }
        String capture = params.path("capture_method")
                .asText(current.path("capture_method").asText("automatic"));
        patch.put("payment_method", pm);
        String decline = DECLINES.get(pm);
        if (decline != null) {
            ObjectNode err = F.objectNode();
            err.put("code", "card_declined");
            err.put("decline_code", decline);
            err.put("message", "Your card was declined.");
            err.put("type", "card_error");
            patch.set("last_payment_error", err);
            patch.put("status", "requires_payment_method");
            return decline;
        }
        patch.putNull("last_payment_error");
        patch.put("status", capture.equals("manual") ? "requires_capture" : "succeeded");
        String id = current.path("id").asText("pi_");
        patch.put("latest_charge", "ch_" + (id.length() > 3 ? id.substring(3) : StripeVendor.random(14)));
        return null;
    }

    /** Stripe's 402 for a declined card, carrying the payment intent as it now stands. */
    private Reply declined(Call call, ObjectNode record, String declineCode) {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("code", "card_declined");
        inner.put("decline_code", declineCode);
        inner.put("doc_url", "https://stripe.com/docs/error-codes/card-declined");
        inner.put("message", "Your card was declined.");
        inner.put("payment_intent", show(call, record));
        inner.put("type", "card_error");
        return StripeVendor.requestId(Reply.json(402, Map.of("error", inner)));
    }
}
