package dev.gauntlet.harness.threshold;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pass/fail condition on a run, in a k6-like syntax: {@code metric[{connector=ID|*}] op number[%]}, e.g.
 * {@code success_rate > 0.99}, {@code p99_ms{connector=stripe_mock} < 2000}, {@code req_per_s{connector=*} >= 100}
 * (every connector must hold it; the worst one is reported). {@code 99%} is read as 0.99.
 *
 * @param connector null for the whole run, "*" for every connector, else one connector id
 */
public record Threshold(String expr, String metric, String connector, Op op, double limit) {

    /** Comparison operators, longest spelling first so "<=" is not read as "<". */
    public enum Op {
        LE("<="),
        GE(">="),
        EQ("=="),
        NE("!="),
        LT("<"),
        GT(">");

        final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        public boolean holds(double value, double limit) {
            return switch (this) {
                case LT -> value < limit;
                case LE -> value <= limit;
                case GT -> value > limit;
                case GE -> value >= limit;
                // Counts are whole numbers, but rates and percentiles are not: compare with a tolerance.
                case EQ -> Math.abs(value - limit) < 1e-9;
                case NE -> Math.abs(value - limit) >= 1e-9;
            };
        }

        /** Whether {@code a} is further on the wrong side of the limit than {@code b}. */
        boolean worse(double a, double b, double limit) {
            return switch (this) {
                case LT, LE -> a > b;
                case GT, GE -> a < b;
                case EQ -> Math.abs(a - limit) > Math.abs(b - limit);
                case NE -> Math.abs(a - limit) < Math.abs(b - limit);
            };
        }
    }

    /** Every metric a threshold may name, with what it means (shown when a name is wrong). */
    public static final List<String> METRICS = List.of(
            "success_rate",
            "error_rate",
            "retry_success_rate",
            "p50_ms",
            "p95_ms",
            "p99_ms",
            "max_ms",
            "req_per_s",
            "logical_ops",
            "succeeded",
            "failed",
            "retries",
            "lost",
            "duplicates",
            "dlq_backlog",
            "dlq_delay_ms",
            "rate_limited_share",
            "token_refresh_p99_ms",
            "auth_expired_surfaced",
            "correct_rate");

    private static final Pattern SYNTAX = Pattern.compile(
            "\\s*([a-z_0-9]+)\\s*(?:\\{\\s*connector\\s*=\\s*([a-z_0-9*]+)\\s*})?\\s*(<=|>=|==|!=|<|>)\\s*(-?[0-9]+(?:\\.[0-9]+)?)\\s*(%?)\\s*");

    public Threshold {
        Objects.requireNonNull(expr, "expr");
        Objects.requireNonNull(op, "op");
        if (!METRICS.contains(metric)) {
            throw new IllegalArgumentException(
                    "threshold '" + expr + "': unknown metric '" + metric + "', expected one of " + METRICS);
        }
    }

    /** Parses one threshold; the message names the expression and what was expected. */
    public static Threshold parse(String expr) {
        if (expr == null || expr.isBlank())
            throw new IllegalArgumentException("threshold must be an expression like 'p99_ms < 2000', was empty");
        Matcher m = SYNTAX.matcher(expr.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "threshold '" + expr + "' must look like 'metric op number' or "
                            + "'metric{connector=ID} op number' (op one of < <= > >= == !=), e.g. 'p99_ms{connector=stripe_mock} < 2000'");
        }
        Op op = null;
        for (Op o : Op.values()) if (o.symbol.equals(m.group(3))) op = o;
        double limit = Double.parseDouble(m.group(4));
        if (!m.group(5).isEmpty()) limit /= 100;
        return new Threshold(expr.trim(), m.group(1), m.group(2), op, limit);
    }

    /** Evaluates against a run's measurements; a metric nobody measured fails with NaN rather than passing silently. */
    public ThresholdResult evaluate(Measurements measurements) {
        if (connector == null) return result(measurements.value(metric, null));
        if (!connector.equals("*")) return result(measurements.value(metric, connector));
        double worst = Double.NaN;
        boolean worstFails = false;
        for (String id : measurements.connectors()) {
            double v = measurements.value(metric, id);
            if (Double.isNaN(v)) continue;
            boolean fails = !op.holds(v, limit);
            // A failing connector always outranks a passing one; among equals, the one furthest on the wrong side.
            if (Double.isNaN(worst) || (fails && !worstFails) || (fails == worstFails && op.worse(v, worst, limit))) {
                worst = v;
                worstFails = fails;
            }
        }
        return result(worst);
    }

    private ThresholdResult result(double value) {
        return new ThresholdResult(expr, value, !Double.isNaN(value) && op.holds(value, limit));
    }
}
