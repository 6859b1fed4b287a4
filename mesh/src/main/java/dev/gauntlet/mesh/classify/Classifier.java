package dev.gauntlet.mesh.classify;

import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.call.MeshResponse;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns an upstream answer or an I/O failure into exactly one {@link ErrorClass} (or success), and reads how long the
 * upstream asked us to wait. The rules are data: a vendor's ({@code Vendors.get("github").classifier()}) and
 * {@link #withOverrides(List)} puts a connector's own rules in front of them, e.g.
 * {@code Vendors.get("rest").classifier().withOverrides(List.of(Rule.status("quota", 403, ErrorClass.rate_limit).whenBody("quota")))}.
 */
public final class Classifier {

    /** Bodies are only searched this far: vendors put their error code at the top, and a huge body is not an error envelope. */
    private static final int BODY_PREFIX = 8 * 1024;

    /**
     * What one answer is: its class (null for a success), the wait it asked for (null for none), and the name of the
     * vendor or connector rule that decided (null when the status alone did).
     */
    public record Verdict(ErrorClass errorClass, Duration retryAfter, String rule) {
        public boolean isSuccess() {
            return errorClass == null;
        }
    }

    private final String vendor;
    private final List<Rule> rules;
    private final List<WaitHeader> waits;

    private Classifier(String vendor, List<Rule> rules, List<WaitHeader> waits) {
        this.vendor = vendor;
        this.rules = List.copyOf(rules);
        this.waits = List.copyOf(waits);
    }

    /**
     * A vendor's classifier: its own rules first, then the ones every vendor shares ({@link CommonRules#COMMON}), then
     * the rules by status alone; its wait headers in order.
     */
    public static Classifier of(String vendor, List<Rule> vendorRules, List<WaitHeader> waits) {
        var all = new ArrayList<Rule>(vendorRules);
        all.addAll(CommonRules.COMMON);
        all.addAll(CommonRules.DEFAULTS);
        return new Classifier(vendor, all, waits);
    }

    /** The shared rules alone, with Retry-After: for calls that belong to no vendor (a token endpoint's transport). */
    public static Classifier common() {
        return of("rest", List.of(), List.of(CommonRules.RETRY_AFTER));
    }

    /** A classifier that tries {@code overrides} first, in order, then these rules. */
    public Classifier withOverrides(List<Rule> overrides) {
        var all = new ArrayList<Rule>(overrides);
        all.addAll(rules);
        return new Classifier(vendor, all, waits);
    }

    /** A classifier that reads these wait headers first, then these ones. */
    public Classifier withWaitHeaders(List<WaitHeader> first) {
        var all = new ArrayList<WaitHeader>(first);
        all.addAll(waits);
        return new Classifier(vendor, rules, all);
    }

    /** The vendor whose rules these are. */
    public String vendor() {
        return vendor;
    }

    public List<Rule> rules() {
        return rules;
    }

    public List<WaitHeader> waitHeaders() {
        return waits;
    }

    /** null for a success, else the class of the failed answer. */
    public ErrorClass classify(MeshResponse response) {
        return rule(response).map(Rule::errorClass).orElse(null);
    }

    /** The class and the wait the answer asks for, with {@code now} as the time it arrived. */
    public Verdict judge(MeshResponse response, Instant now) {
        Optional<Rule> rule = rule(response);
        if (rule.isEmpty()) return new Verdict(null, null, null);
        ErrorClass c = rule.get().errorClass();
        String by =
                CommonRules.DEFAULTS.contains(rule.get()) ? null : rule.get().name();
        return new Verdict(c, retryAfter(response, c, now), by);
    }

    /** The wait an answer of class {@code errorClass} asks for, or null when it names none. Never negative. */
    public Duration retryAfter(MeshResponse response, ErrorClass errorClass, Instant now) {
        for (WaitHeader w : waits) {
            if (w.rateLimitOnly() && errorClass != ErrorClass.rate_limit) continue;
            String value = response.header(w.header());
            if (value == null) continue;
            Optional<Duration> wait = switch (w.format()) {
                case RETRY_AFTER -> RetryAfter.parse(value, now);
                case EPOCH_SECONDS -> RetryAfter.untilEpochSecond(value, now);
                case DELTA_SECONDS -> RetryAfter.seconds(value);
            };
            if (wait.isPresent()) return wait.get();
        }
        return null;
    }

    private Optional<Rule> rule(MeshResponse response) {
        int s = response.status();
        if (s < 400) return Optional.empty();
        String lowerBody = null;
        for (Rule r : rules) {
            if (r.needsBody() && lowerBody == null) lowerBody = lowerBody(response.body());
            if (r.matches(s, response::header, lowerBody)) return Optional.of(r);
        }
        // Only reachable for a status above 599 (the defaults cover 400..599): treat it as the server's fault.
        return Optional.of(Rule.statuses("5xx", 500, 599, ErrorClass.server_error));
    }

    private static String lowerBody(byte[] body) {
        int n = Math.min(body.length, BODY_PREFIX);
        return new String(body, 0, n, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
    }

    /**
     * Timeouts (ours, the JDK client's, a socket's) are timeout; every other I/O failure — refused, reset, closed,
     * end of stream before the answer, a truncated body — is network_error. Causes are looked at too, since the JDK
     * client wraps some failures.
     */
    public ErrorClass classify(IOException failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause()) {
            if (t instanceof HttpTimeoutException || t instanceof SocketTimeoutException) return ErrorClass.timeout;
        }
        return ErrorClass.network_error;
    }
}
