package dev.gauntlet.mesh;

import dev.gauntlet.mesh.auth.AuthConfig;
import dev.gauntlet.mesh.call.Checks;
import dev.gauntlet.mesh.call.Secrets;
import dev.gauntlet.mesh.call.Timeouts;
import dev.gauntlet.mesh.circuit.CircuitConfig;
import dev.gauntlet.mesh.classify.Rule;
import dev.gauntlet.mesh.dlq.DlqConfig;
import dev.gauntlet.mesh.drift.DriftConfig;
import dev.gauntlet.mesh.idempotency.IdempotencyConfig;
import dev.gauntlet.mesh.limit.LimitConfig;
import dev.gauntlet.mesh.retry.RetryConfig;
import dev.gauntlet.mesh.vendor.Vendor;
import dev.gauntlet.mesh.vendor.Vendors;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything a connector is, as an immutable value. Build with {@link #builder(String, String)}; bad values are
 * refused at once with the field and the value in the message.
 *
 * @param flavor    the upstream's vendor ({@link Vendors}: rest, salesforce, stripe, github, supabase, mongodb,
 *                  datadog, or one added as a plug-in): its error classification, wait headers, body encoding and
 *                  exactly-once write semantics
 * @param headers   static headers on every call (Supabase's apikey)
 * @param staleReads answer reads from the last good response (marked stale) while the circuit is open
 * @param errorRules classification rules tried before the flavour's own (per-connector overrides)
 */
public record ConnectorSpec(
        String id,
        URI baseUrl,
        String flavor,
        List<String> tenants,
        Map<String, String> headers,
        AuthConfig auth,
        LimitConfig limit,
        RetryConfig retry,
        CircuitConfig circuit,
        Timeouts timeouts,
        IdempotencyConfig idempotency,
        DriftConfig drift,
        DlqConfig dlq,
        boolean staleReads,
        List<Rule> errorRules) {

    private static final Pattern ID = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    public ConnectorSpec {
        Objects.requireNonNull(id, "id");
        if (!ID.matcher(id).matches())
            throw new IllegalArgumentException(
                    "id must be lower-case letters, digits and '_' starting with a letter, was '" + id + "'");
        Objects.requireNonNull(baseUrl, "base_url");
        if (!"http".equals(baseUrl.getScheme()) && !"https".equals(baseUrl.getScheme())) {
            throw new IllegalArgumentException("base_url must be an http(s) URL, was '" + baseUrl + "'");
        }
        Vendor vendor = Vendors.get(flavor);
        tenants = tenants == null || tenants.isEmpty() ? List.of("default") : List.copyOf(tenants);
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(limit, "limit");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(circuit, "circuit");
        Objects.requireNonNull(timeouts, "timeouts");
        if (idempotency == null) idempotency = IdempotencyConfig.forVendor(vendor);
        if (idempotency.enabled() && vendor.idempotencyHeader() == null) {
            throw new IllegalArgumentException(
                    "idempotency.enabled: " + flavor + " honours no idempotency key (one sent is ignored, so a "
                            + "retried write would be carried out twice); its writes are kept exactly once by its own idempotent forms and by "
                            + "reading a write back before sending it again - leave enabled out or set it to false");
        }
        Objects.requireNonNull(drift, "drift");
        Objects.requireNonNull(dlq, "dlq");
        errorRules = errorRules == null ? List.of() : List.copyOf(errorRules);
    }

    /** The vendor plug-in this connector's {@code flavor} names. */
    public Vendor vendor() {
        return Vendors.get(flavor);
    }

    /**
     * The absolute URL of a path below the base URL.
     *
     * @throws IllegalArgumentException when the result would leave the base URL's host (a path such as
     *                                  {@code @evil.example/x} after a base without a path): the connector's credentials go with it
     */
    public URI resolve(String path) {
        String base = baseUrl.toString();
        URI out = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) + path : base + path);
        if (!Objects.equals(out.getRawAuthority(), baseUrl.getRawAuthority())
                || !Objects.equals(out.getScheme(), baseUrl.getScheme())) {
            throw new IllegalArgumentException(
                    "path '" + path + "' would leave " + id + "'s host " + baseUrl.getRawAuthority());
        }
        return out;
    }

    public static Builder builder(String id, String baseUrl) {
        return new Builder(id, baseUrl);
    }

    /** A builder holding this spec's values, to change a few. */
    public Builder toBuilder() {
        Builder b = builder(id, baseUrl.toString())
                .flavor(flavor)
                .tenants(tenants)
                .auth(auth)
                .limit(limit)
                .retry(retry)
                .circuit(circuit)
                .timeouts(timeouts)
                .idempotency(idempotency)
                .drift(drift)
                .dlq(dlq)
                .staleReads(staleReads);
        headers.forEach(b::header);
        errorRules.forEach(b::errorRule);
        return b;
    }

    /** Builder with defaults for everything but id and base URL. */
    public static final class Builder {
        private final String id;
        private final URI baseUrl;
        private String flavor = "rest";
        private List<String> tenants = List.of("default");
        private final Map<String, String> headers = new LinkedHashMap<>();
        private AuthConfig auth = new AuthConfig.None();
        private LimitConfig limit = LimitConfig.DEFAULT;
        private RetryConfig retry = RetryConfig.DEFAULT;
        private CircuitConfig circuit = CircuitConfig.DEFAULT;
        private Timeouts timeouts = Timeouts.DEFAULT;
        /** null: the vendor's defaults ({@link IdempotencyConfig#forVendor}). */
        private IdempotencyConfig idempotency;

        private DriftConfig drift = DriftConfig.DEFAULT;
        private DlqConfig dlq = DlqConfig.DEFAULT;
        private boolean staleReads;
        private final ArrayList<Rule> errorRules = new ArrayList<>();

        private Builder(String id, String baseUrl) {
            this.id = id;
            try {
                this.baseUrl = URI.create(Checks.text("base_url", baseUrl));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "base_url must be a URL, was '" + baseUrl + "': " + e.getMessage(), e);
            }
        }

        public Builder flavor(String flavor) {
            this.flavor = flavor;
            return this;
        }

        public Builder tenants(List<String> tenants) {
            this.tenants = tenants;
            return this;
        }

        public Builder header(String name, String value) {
            this.headers.put(Checks.text("header name", name), value);
            return this;
        }

        public Builder auth(AuthConfig auth) {
            this.auth = auth;
            return this;
        }

        public Builder limit(LimitConfig limit) {
            this.limit = limit;
            return this;
        }

        public Builder retry(RetryConfig retry) {
            this.retry = retry;
            return this;
        }

        public Builder circuit(CircuitConfig circuit) {
            this.circuit = circuit;
            return this;
        }

        public Builder timeouts(Timeouts timeouts) {
            this.timeouts = timeouts;
            return this;
        }

        public Builder idempotency(IdempotencyConfig idempotency) {
            this.idempotency = idempotency;
            return this;
        }

        public Builder drift(DriftConfig drift) {
            this.drift = drift;
            return this;
        }

        public Builder dlq(DlqConfig dlq) {
            this.dlq = dlq;
            return this;
        }

        public Builder staleReads(boolean staleReads) {
            this.staleReads = staleReads;
            return this;
        }
        /** A classification rule tried before the flavour's own; rules added first are tried first. */
        public Builder errorRule(Rule rule) {
            this.errorRules.add(Objects.requireNonNull(rule, "error rule"));
            return this;
        }

        public ConnectorSpec build() {
            return new ConnectorSpec(
                    id,
                    baseUrl,
                    flavor,
                    tenants,
                    headers,
                    auth,
                    limit,
                    retry,
                    circuit,
                    timeouts,
                    idempotency,
                    drift,
                    dlq,
                    staleReads,
                    errorRules);
        }
    }

    /** The secret values this connector is configured with: keys, client secrets, passwords and secret query values in its URLs, its own headers' values. */
    public Set<String> secretValues() {
        var out = new LinkedHashSet<String>();
        Secrets.collect(baseUrl().toString(), headers(), out);
        switch (auth()) {
            case AuthConfig.None n -> {}
            case AuthConfig.ApiKey k -> {
                Secrets.collect(k.key(), out);
                Secrets.collect(k.prefix() + k.key(), out);
            }
            case AuthConfig.OAuth2 o -> {
                Secrets.collect(o.clientSecret(), out);
                Secrets.collect(o.tokenUrl(), o.tokenHeaders(), out);
            }
        }
        return out;
    }
}
