package dev.gauntlet.farm.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.SplittableRandom;
import java.util.UUID;

/** Makes plausible field values from a seeded random source, so the same seed gives the same records. */
public final class FieldGenerator {
    private FieldGenerator() {}

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final String[] FIRST = {
        "Ada",
        "Grace",
        "Alan",
        "Barbara",
        "Edsger",
        "Frances",
        "Ken",
        "Radia",
        "Linus",
        "Margaret",
        "Tony",
        "Donald",
        "Leslie",
        "Shafi",
        "Niklaus",
        "Anita"
    };
    private static final String[] LAST = {
        "Lovelace",
        "Hopper",
        "Turing",
        "Liskov",
        "Dijkstra",
        "Allen",
        "Thompson",
        "Perlman",
        "Torvalds",
        "Hamilton",
        "Hoare",
        "Knuth",
        "Lamport",
        "Goldwasser",
        "Wirth",
        "Borg"
    };
    private static final String[] COMPANY_A = {
        "Acme",
        "Globex",
        "Initech",
        "Umbrella",
        "Stark",
        "Wayne",
        "Tyrell",
        "Cyberdyne",
        "Hooli",
        "Soylent",
        "Vandelay",
        "Wonka",
        "Aperture",
        "Oscorp",
        "Nakatomi",
        "Massive"
    };
    private static final String[] COMPANY_B = {
        "Corp", "Industries", "Systems", "Labs", "Holdings", "Dynamics", "Group", "Partners"
    };
    private static final String[] WORDS = {
        "alpha", "bravo", "cobalt", "delta", "ember", "falcon", "granite", "harbor", "indigo", "juniper", "kestrel",
        "lumen", "meadow", "nimbus", "onyx", "prairie", "quartz", "raven", "summit", "tundra"
    };
    private static final String[] INDUSTRY = {
        "Technology", "Finance", "Healthcare", "Retail", "Energy", "Manufacturing", "Media", "Education"
    };
    private static final String[] CITY = {
        "Lisbon", "Oslo", "Austin", "Nairobi", "Osaka", "Lyon", "Toronto", "Tallinn", "Cape Town", "Melbourne"
    };
    private static final String[] COUNTRY = {"PT", "NO", "US", "KE", "JP", "FR", "CA", "EE", "ZA", "AU"};
    private static final String[] STATUS = {"active", "pending", "closed", "open", "archived"};

    /**
     * Generated timestamps and dates lie in the {@link #TIME_WINDOW} before this instant, never at or after it. It is
     * fixed rather than the wall clock so that the same seed gives the same records in every run (and on every day),
     * and it is in the past so that no generated record claims to have been created in the future.
     */
    public static final Instant TIME_EPOCH = Instant.parse("2026-01-01T00:00:00Z");

    /** How far before {@link #TIME_EPOCH} generated times reach: two years (730 days). */
    public static final Duration TIME_WINDOW = Duration.ofDays(730);

    public static JsonNode generate(String kind, String fieldName, SplittableRandom r, long seq) {
        return switch (kind) {
            case "id" -> F.numberNode(seq);
            case "uuid" -> F.textNode(new UUID(r.nextLong(), r.nextLong()).toString());
            case "company" -> F.textNode(pick(r, COMPANY_A) + " " + pick(r, COMPANY_B));
            case "name" -> F.textNode(pick(r, FIRST) + " " + pick(r, LAST));
            case "first_name" -> F.textNode(pick(r, FIRST));
            case "last_name" -> F.textNode(pick(r, LAST));
            case "email" ->
                F.textNode(pick(r, FIRST).toLowerCase() + "." + pick(r, LAST).toLowerCase() + seq + "@example.com");
            case "word" ->
                F.textNode(fieldName.toLowerCase().contains("industry") ? pick(r, INDUSTRY) : pick(r, WORDS));
            case "sentence" -> F.textNode(capital(pick(r, WORDS)) + " " + pick(r, WORDS) + " " + pick(r, WORDS) + ".");
            case "money" -> F.numberNode(Math.round(r.nextDouble() * 10_000_000) / 100.0);
            case "int" -> F.numberNode(r.nextInt(0, 10_000));
            case "float" -> F.numberNode(Math.round(r.nextDouble() * 1_000_000) / 1000.0);
            case "bool" -> F.booleanNode(r.nextBoolean());
            case "timestamp" -> F.textNode(pastInstant(r).toString());
            case "date" ->
                F.textNode(LocalDate.ofInstant(pastInstant(r), ZoneOffset.UTC).toString());
            case "url" -> F.textNode("https://" + pick(r, WORDS) + ".example.com/" + pick(r, WORDS));
            case "phone" -> F.textNode(String.format("+1-555-%03d-%04d", r.nextInt(1000), r.nextInt(10_000)));
            case "city" -> F.textNode(pick(r, CITY));
            case "country" -> F.textNode(pick(r, COUNTRY));
            case "status" -> F.textNode(pick(r, STATUS));
            default -> throw new IllegalArgumentException("unknown field generator '" + kind + "'");
        };
    }

    /** A second in [TIME_EPOCH − TIME_WINDOW, TIME_EPOCH), one draw from the seeded source like every other kind. */
    private static Instant pastInstant(SplittableRandom r) {
        return TIME_EPOCH.minusSeconds(r.nextLong(1, TIME_WINDOW.toSeconds() + 1));
    }

    private static String pick(SplittableRandom r, String[] values) {
        return values[r.nextInt(values.length)];
    }

    private static String capital(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
