package dev.gauntlet.farm.vendor.github;

import static dev.gauntlet.farm.vendor.github.GitHubErrors.DOCS;
import static dev.gauntlet.farm.vendor.github.GitHubErrors.ghError;
import static dev.gauntlet.farm.vendor.github.GitHubErrors.validationFailed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gauntlet.farm.data.ResourceStore;
import dev.gauntlet.farm.http.BadInput;
import dev.gauntlet.farm.http.FarmRequest;
import dev.gauntlet.farm.http.PathTemplate;
import dev.gauntlet.farm.http.Reply;
import dev.gauntlet.farm.spec.ResourceSpec;
import dev.gauntlet.farm.spec.ResourceSpec.Operation;
import dev.gauntlet.farm.vendor.Call;
import dev.gauntlet.farm.vendor.OAuthEndpoint;
import dev.gauntlet.farm.vendor.Route;
import dev.gauntlet.farm.vendor.RouteTable;
import dev.gauntlet.farm.vendor.Service;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** GitHub's routes: its token path and each repository collection's issues (listing filters, paging, writes). */
final class GitHubRoutes {
    private GitHubRoutes() {}

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /** The documentation_url GitHub puts in the issue listing's 422 (measured on api.github.com, not the route's anchor). */
    private static final String LIST_DOCS = "https://docs.github.com/v3/issues/#list-issues";
    // "Using pagination in the REST API": per_page defaults to 30 and is capped at 100.
    private static final int MAX_PER_PAGE = 100;

    /** Registers GitHub's token path and each resource's list, create, get, update and delete. */
    static void register(Service service, RouteTable table) {
        table.add(new Route(
                "POST",
                new PathTemplate("/login/oauth/access_token"),
                Route.TOKEN,
                null,
                false,
                false,
                GitHubRoutes::accessToken));
        for (ResourceSpec r : service.spec().resources()) {
            String base = r.path();
            String item = base + "/{number}";
            String res = r.name();
            if (r.offers(Operation.list))
                table.add(new Route(
                        "GET", new PathTemplate(base), "list " + res, res, true, false, call -> list(call, r)));
            if (r.offers(Operation.create))
                table.add(new Route(
                        "POST", new PathTemplate(base), "create " + res, res, true, true, call -> create(call, r)));
            if (r.offers(Operation.get))
                table.add(
                        new Route("GET", new PathTemplate(item), "get " + res, res, true, false, call -> get(call, r)));
            if (r.offers(Operation.update))
                table.add(new Route(
                        "PATCH", new PathTemplate(item), "update " + res, res, true, true, call -> update(call, r)));
            if (r.offers(Operation.delete))
                table.add(new Route(
                        "DELETE", new PathTemplate(item), "delete " + res, res, true, true, call -> delete(call, r)));
        }
    }

    /** "issues" → "Issue", the resource name GitHub puts in validation errors. */
    static String singular(String name) {
        String s = name.endsWith("s") && name.length() > 1 ? name.substring(0, name.length() - 1) : name;
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static String docsFor(ResourceSpec r, String operation) {
        return DOCS + "/issues/issues#" + operation + "-an-"
                + singular(r.name()).toLowerCase();
    }

    /** Fields GitHub computes itself; a body that names them changes nothing. */
    private static final Set<String> READ_ONLY = Set.of(
            "number",
            "id",
            "node_id",
            "url",
            "html_url",
            "repository_url",
            "created_at",
            "updated_at",
            "closed_at",
            "state",
            "state_reason",
            "comments",
            "locked");
    /** Seeded issues were created in number order over this stretch of the past (reproducible, before any farm clock). */
    private static final Instant SEEDED_FROM = Instant.parse("2025-01-01T00:00:00Z");

    private static final Duration SEEDED_SPAN = Duration.ofDays(330);

    /** The record as GitHub shows an issue: url, ids, number, the stored fields, and the defaults GitHub always sends. */
    private static ObjectNode present(Call call, ResourceSpec r, ObjectNode stored) {
        String root = call.request().serviceUrl();
        long number = stored.path(r.idField()).asLong();
        ObjectNode out = F.objectNode();
        out.put("url", root + r.path() + "/" + number);
        int issues = r.path().lastIndexOf('/');
        if (r.path().startsWith("/repos/") && issues > 0) {
            out.put("repository_url", root + r.path().substring(0, issues));
            out.put("html_url", "https://github.com" + r.path().substring("/repos".length()) + "/" + number);
        }
        // A stable global id and a GraphQL node id derived from it, as GitHub issues carry both.
        long id = 1_000_000_000L
                + Math.abs((long) (call.service().id() + r.name()).hashCode() % 1_000_000L) * 10_000L
                + number;
        out.put("id", id);
        out.put(
                "node_id",
                "I_kwDO"
                        + Base64.getUrlEncoder()
                                .withoutPadding()
                                .encodeToString(("Issue" + id).getBytes(StandardCharsets.UTF_8)));
        out.put("number", number);
        stored.properties().forEach(e -> {
            if (!e.getKey().equals(r.idField())) out.set(e.getKey(), e.getValue());
        });
        if (!out.hasNonNull("state")) out.put("state", "open");
        out.putIfAbsent("locked", F.booleanNode(false));
        out.putIfAbsent("labels", F.arrayNode());
        out.putIfAbsent("assignees", F.arrayNode());
        out.putIfAbsent("comments", F.numberNode(0));
        Times times = times(call, r, stored);
        out.put("created_at", iso(times.created()));
        out.put("updated_at", iso(times.updated()));
        out.putIfAbsent("closed_at", F.nullNode());
        out.putIfAbsent("state_reason", F.nullNode());
        return call.present(r.name(), out);
    }

    /** An issue's creation and last-update times. */
    private record Times(Instant created, Instant updated) {}

    /**
     * Stored times where a write set them; for a seeded issue a past creation time that grows with its number (GitHub
     * numbers issues in creation order), spread over {@link #SEEDED_SPAN} from the seed, and never updated since.
     */
    private static Times times(Call call, ResourceSpec r, ObjectNode stored) {
        Instant created = instant(stored.get("created_at"));
        if (created == null) {
            long number = stored.path(r.idField()).asLong();
            long step = SEEDED_SPAN.toSeconds() / Math.max(1, r.count());
            long mix = Long.hashCode(call.farm().seed() * 1_000_003L + number) * 31L
                    + call.service().id().hashCode();
            long jitter = Math.floorMod(mix, Math.max(1, step));
            created = SEEDED_FROM.plusSeconds((number - 1) * step + jitter);
        }
        Instant updated = instant(stored.get("updated_at"));
        return new Times(created, updated == null || updated.isBefore(created) ? created : updated);
    }

    /**
     * Times already parsed, by their text. A listing reads the times of every issue, and parsing them again on every
     * request was 39 % of the farm's CPU in a storm soak (JFR); written issues share few distinct seconds. A pure
     * function of the text, so shared by every farm in the process; cleared when it grows past {@code PARSED_MAX}.
     */
    private static final Map<String, Instant> PARSED = new ConcurrentHashMap<>();

    private static final int PARSED_MAX = 65_536;

    private static Instant instant(JsonNode v) {
        if (v == null || !v.isTextual()) return null;
        String text = v.asText();
        Instant known = PARSED.get(text);
        if (known != null) return known;
        try {
            Instant t = Instant.parse(text);
            if (PARSED.size() >= PARSED_MAX) PARSED.clear();
            PARSED.put(text, t);
            return t;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String iso(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static String now(Call call) {
        return iso(call.farm().clock().instant());
    }

    /** A query parameter as GitHub reads it: a number, or the fallback when absent or not a number. */
    private static int intParam(FarmRequest req, String name, int fallback) {
        String v = req.query(name);
        if (v == null || v.isBlank()) return fallback;
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** The issues by state as stored; null (no state yet) lists as open. */
    private static final ResourceStore.Tally BY_STATE = new ResourceStore.Tally(
            "github:state", n -> n.hasNonNull("state") ? n.get("state").asText() : null);

    private static String state(ObjectNode n) {
        return n.hasNonNull("state") ? n.get("state").asText() : "open";
    }

    /**
     * The issues of one state ({@code all}: every issue) by creation time, ties by number (= creation order): GitHub's
     * sort=created. A partial index per state, so a page of open issues never steps over the closed ones. The seeded
     * times depend on the farm's seed and the service, so those name the index.
     */
    private static ResourceStore.Ordering byCreated(Call call, ResourceSpec r, String state) {
        return new ResourceStore.Ordering(
                "github:created:" + state + ":" + call.farm().seed() + ":"
                        + call.service().id(),
                n -> {
                    Instant t = times(call, r, n).created();
                    return F.numberNode(t.getEpochSecond() * 1_000_000_000L + t.getNano());
                },
                Comparator.comparingLong(JsonNode::asLong),
                state.equals("all") ? n -> true : n -> state.equals(state(n)));
    }

    /** One issue with the keys the listing filters and sorts by. */
    private record Listed(ObjectNode stored, long number, Times times, long comments) {}

    /**
     * "List repository issues" (docs.github.com/rest/issues/issues#list-repository-issues): {@code state}
     * open|closed|all (default open), {@code sort} created|updated|comments (default created), {@code direction}
     * asc|desc (default desc), {@code since} (only issues updated at or after an ISO 8601 time), {@code per_page}
     * (≤ 100) and {@code page}, with a {@code Link} header. The default sort (created) walks an index: O(log n + page
     * offset); the others make one pass over the issues and one sort.
     */
    private static Reply list(Call call, ResourceSpec r) {
        FarmRequest req = call.request();
        // GitHub clamps per_page to 100 and treats page < 1 as page 1 rather than failing.
        int perPage = Math.max(
                1,
                Math.min(
                        Math.min(MAX_PER_PAGE, r.pagination().maxPageSize()),
                        intParam(req, "per_page", r.pagination().pageSize())));
        int page = Math.max(1, intParam(req, "page", 1));
        String resource = singular(r.name());
        // A value outside an enum (empty included) is a 422 naming it: measured for state on api.github.com; sort,
        // direction and since are refused the same way here.
        String state = req.query("state") == null ? "open" : req.query("state");
        if (!Set.of("open", "closed", "all").contains(state))
            return validationFailed(state, resource, "state", "invalid", LIST_DOCS);
        String sort = req.query("sort") == null ? "created" : req.query("sort");
        if (!Set.of("created", "updated", "comments").contains(sort))
            return validationFailed(sort, resource, "sort", "invalid", LIST_DOCS);
        String direction = req.query("direction") == null ? "desc" : req.query("direction");
        if (!Set.of("asc", "desc").contains(direction))
            return validationFailed(direction, resource, "direction", "invalid", LIST_DOCS);
        Instant since = null;
        if (req.query("since") != null) {
            since = since(req.query("since"));
            if (since == null) return validationFailed(req.query("since"), resource, "since", "invalid", LIST_DOCS);
        }

        ResourceStore store = call.store(r.name());
        List<ObjectNode> body;
        int last;
        if (sort.equals("created") && since == null) {
            // The default listing: a walk of the created index, the page count from the kept count of each state.
            int offset = (page - 1) * perPage;
            Iterator<ObjectNode> it = store.walk(byCreated(call, r, state), null, 0, false, direction.equals("desc"));
            for (int skipped = 0; skipped < offset && it.hasNext(); skipped++) it.next();
            body = new ArrayList<>(perPage);
            while (body.size() < perPage && it.hasNext()) body.add(present(call, r, it.next()));
            int matching = state.equals("all")
                    ? store.size()
                    : store.count(BY_STATE, state) + (state.equals("open") ? store.count(BY_STATE, null) : 0);
            last = Math.max(1, (matching + perPage - 1) / perPage);
        } else {
            // sort=updated|comments, or since: one pass over the issues and one sort (these keys change on writes).
            List<Listed> matches = new ArrayList<>();
            for (ObjectNode n : store.all()) {
                if (!state.equals("all") && !state.equals(state(n))) continue;
                Times t = times(call, r, n);
                if (since != null && t.updated().isBefore(since)) continue;
                matches.add(new Listed(
                        n, n.path(r.idField()).asLong(), t, n.path("comments").asLong(0)));
            }
            Comparator<Listed> order = switch (sort) {
                case "updated" -> Comparator.comparing((Listed l) -> l.times().updated());
                case "comments" -> Comparator.comparingLong(Listed::comments);
                default -> Comparator.comparing((Listed l) -> l.times().created());
            };
            order = order.thenComparingLong(Listed::number);
            matches.sort(direction.equals("asc") ? order : order.reversed());

            last = Math.max(1, (matches.size() + perPage - 1) / perPage);
            int from = Math.min(matches.size(), (page - 1) * perPage);
            int to = Math.min(matches.size(), from + perPage);
            body = new ArrayList<>(to - from);
            for (Listed l : matches.subList(from, to)) body.add(present(call, r, l.stored()));
        }
        Reply reply = Reply.json(200, body);
        String link = link(req.serviceUrl() + r.path(), req, page, last);
        if (!link.isEmpty()) reply.header("Link", link);
        return reply;
    }

    /** GitHub's {@code since}: ISO 8601, {@code YYYY-MM-DDTHH:MM:SSZ} (an offset or a bare date also read); null if not. */
    private static Instant since(String v) {
        try {
            return OffsetDateTime.parse(v.trim()).toInstant();
        } catch (DateTimeParseException notDateTime) {
            try {
                return LocalDate.parse(v.trim()).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    /** GitHub's Link header: prev, next, last, first, each present only when it leads somewhere, other parameters kept. */
    static String link(String url, FarmRequest req, int page, int last) {
        StringBuilder keep = new StringBuilder();
        req.queryMap().forEach((k, values) -> {
            if (k.equals("page")) return;
            for (String v : values)
                keep.append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                        .append('=')
                        .append(URLEncoder.encode(v, StandardCharsets.UTF_8))
                        .append('&');
        });
        StringJoiner out = new StringJoiner(", ");
        if (page > 1) out.add("<" + url + "?" + keep + "page=" + Math.min(page - 1, last) + ">; rel=\"prev\"");
        if (page < last) {
            out.add("<" + url + "?" + keep + "page=" + (page + 1) + ">; rel=\"next\"");
            out.add("<" + url + "?" + keep + "page=" + last + ">; rel=\"last\"");
        }
        if (page > 1) out.add("<" + url + "?" + keep + "page=1>; rel=\"first\"");
        return out.toString();
    }

    private static ObjectNode stored(Call call, ResourceSpec r) {
        String number = call.request().pathParam("number");
        // Numbers only: "/issues/abc" is a path GitHub does not have, nor is a number past a long
        // ("/issues/99999999999999999999").
        if (number == null
                || number.isEmpty()
                || number.length() > 18
                || !number.chars().allMatch(c -> c >= '0' && c <= '9')) return null;
        return call.store(r.name()).get(Long.toString(Long.parseLong(number)));
    }

    private static Reply get(Call call, ResourceSpec r) {
        ObjectNode n = stored(call, r);
        return n == null ? ghError(404, "Not Found", DOCS) : Reply.json(200, present(call, r, n));
    }

    /** The body as a JSON object, whatever the Content-Type says (GitHub parses every body as JSON). */
    private static ObjectNode jsonBody(Call call) {
        JsonNode node = call.request().json();
        if (!node.isObject()) throw new BadInput(null, "body must be a JSON object");
        return (ObjectNode) node;
    }

    /**
     * The body parameters a write stores: those the resource declares and GitHub lets the caller set (title and body
     * for issues). "Create an issue" (docs.github.com/rest/issues/issues#create-an-issue) ignores parameters it does
     * not know, and drops milestone, labels and assignees silently for users without push access, which the farm's
     * OAuth clients are; so an issue stores only what GitHub would store.
     */
    private static ObjectNode writable(ResourceSpec r, ObjectNode body) {
        ObjectNode out = F.objectNode();
        body.properties().forEach(e -> {
            if (r.fields().containsKey(e.getKey()) && !READ_ONLY.contains(e.getKey()))
                out.set(e.getKey(), e.getValue());
        });
        return out;
    }

    /** GitHub's checks on title (a string or an integer, not blank) and body (a string or null); null when they pass. */
    private static Reply refused(ResourceSpec r, ObjectNode fields, boolean creating, String operation) {
        String resource = singular(r.name());
        JsonNode title = fields.get("title");
        if (r.fields().containsKey("title") && (creating || fields.has("title"))) {
            if (title == null
                    || title.isNull()
                    || (title.isValueNode() && title.asText().isBlank())) {
                return validationFailed(resource, "title", "missing_field", docsFor(r, operation));
            }
            if (!title.isTextual() && !title.isIntegralNumber())
                return validationFailed(resource, "title", "invalid", docsFor(r, operation));
            fields.put("title", title.asText());
        }
        JsonNode text = fields.get("body");
        if (text != null && !text.isNull() && !text.isTextual())
            return validationFailed(resource, "body", "invalid", docsFor(r, operation));
        return null;
    }

    private static Reply create(Call call, ResourceSpec r) {
        ObjectNode body;
        try {
            body = jsonBody(call);
        } catch (BadInput e) {
            return ghError(400, "Problems parsing JSON", DOCS);
        }
        ObjectNode fields = writable(r, body);
        Reply refused = refused(r, fields, true, "create");
        if (refused != null) return refused;
        // New issues start open; GitHub ignores a state on create.
        fields.put("state", "open");
        String now = now(call);
        fields.put("created_at", now);
        fields.put("updated_at", now);
        ObjectNode created = call.store(r.name()).create(fields);
        String number = created.path(r.idField()).asText();
        // No idempotency keys at GitHub: a retried create is a second issue, and the ledger finds the op id in the
        // body.
        call.commit(r.name(), "create", body, number);
        ObjectNode shown = present(call, r, created);
        return Reply.json(201, shown).header("Location", shown.path("url").asText());
    }

    private static Reply update(Call call, ResourceSpec r) {
        ObjectNode existing = stored(call, r);
        if (existing == null) return ghError(404, "Not Found", DOCS);
        ObjectNode body;
        try {
            body = jsonBody(call);
        } catch (BadInput e) {
            return ghError(400, "Problems parsing JSON", DOCS);
        }
        ObjectNode patch = writable(r, body);
        Reply refused = refused(r, patch, false, "update");
        if (refused != null) return refused;
        if (body.has("state")) {
            String s = body.get("state").asText();
            if (!s.equals("open") && !s.equals("closed"))
                return validationFailed(singular(r.name()), "state", "invalid", docsFor(r, "update"));
            JsonNode reason = body.get("state_reason");
            if (reason != null
                    && !reason.isNull()
                    && !Set.of("completed", "not_planned", "reopened").contains(reason.asText())) {
                return validationFailed(singular(r.name()), "state_reason", "invalid", docsFor(r, "update"));
            }
            boolean wasClosed = "closed".equals(existing.path("state").asText());
            patch.put("state", s);
            patch.put(
                    "closed_at",
                    s.equals("closed") ? (wasClosed ? existing.path("closed_at").asText(now(call)) : now(call)) : null);
            // "state_reason": completed unless told otherwise on close, reopened when a closed issue opens again.
            String why = s.equals("closed")
                    ? (reason == null || reason.isNull() ? "completed" : reason.asText())
                    : wasClosed ? "reopened" : null;
            patch.put("state_reason", why);
        }
        patch.put("updated_at", now(call));
        String number = existing.path(r.idField()).asText();
        ObjectNode updated = call.store(r.name()).update(number, patch);
        if (updated == null) return ghError(404, "Not Found", DOCS);
        call.commit(r.name(), "update", body, number);
        return Reply.json(200, present(call, r, updated));
    }

    private static Reply delete(Call call, ResourceSpec r) {
        ObjectNode existing = stored(call, r);
        String number = existing == null ? null : existing.path(r.idField()).asText();
        if (number == null || call.store(r.name()).delete(number) == null) return ghError(404, "Not Found", DOCS);
        JsonNode body = null;
        try {
            body = call.request().json();
        } catch (BadInput ignored) {
            // No body is the norm for DELETE; an unreadable one only means no operation id for the ledger.
        }
        call.commitWithOpId(r.name(), "delete", call.opIdOf(body), number);
        return Reply.empty(204);
    }

    /**
     * GitHub's own token path. The web flow sends client_id, client_secret and code without a grant_type, so a missing
     * one means client credentials here. GitHub answers its token errors with 200 and the error in the body, and it
     * answers form-encoded unless the Accept header asks for JSON.
     */
    private static Reply accessToken(Call call) {
        FarmRequest req = call.request();
        ObjectNode params;
        try {
            params = OAuthEndpoint.params(req);
        } catch (BadInput e) {
            return ghError(400, "Problems parsing JSON", DOCS);
        }
        if (!params.hasNonNull("grant_type"))
            params.put("grant_type", params.hasNonNull("refresh_token") ? "refresh_token" : "client_credentials");
        Reply json = OAuthEndpoint.handle(call.service(), params, req);
        boolean oauthError = json.status() == 400 || json.status() == 401;
        if (json.status() != 200 && !oauthError) return json;
        int status = 200;
        String accept = req.header("Accept");
        if (accept != null && accept.toLowerCase().contains("json")) {
            return new Reply(status, json.headers(), json.body(), "application/json; charset=utf-8");
        }
        // Form encoding with keys in alphabetical order, as GitHub writes access_token=…&scope=…&token_type=bearer.
        Map<String, String> fields = new TreeMap<>();
        json.bodyJson()
                .properties()
                .forEach(e -> fields.put(e.getKey(), e.getValue().asText()));
        StringJoiner form = new StringJoiner("&");
        fields.forEach((k, v) -> form.add(
                URLEncoder.encode(k, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return new Reply(
                status,
                json.headers(),
                form.toString().getBytes(StandardCharsets.UTF_8),
                "application/x-www-form-urlencoded; charset=utf-8");
    }
}
