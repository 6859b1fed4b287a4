package dev.gauntlet.farm.vendor.salesforce;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.gauntlet.farm.data.ResourceStore;
import java.util.Map;

/** Salesforce record ids: 15 characters with a per-object key prefix, and the 18-character case-safe form. */
final class SalesforceIds {
    private SalesforceIds() {}

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    // Standard key prefixes, from the Salesforce "Standard Field Record ID Prefix Decoder" knowledge article.
    private static final Map<String, String> KEY_PREFIXES = Map.of(
            "Account",
            "001",
            "Contact",
            "003",
            "User",
            "005",
            "Opportunity",
            "006",
            "Lead",
            "00Q",
            "Case",
            "500",
            "Task",
            "00T",
            "Event",
            "00U",
            "Campaign",
            "701",
            "Product2",
            "01t");
    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /** Mints 18-character ids with each object's key prefix. */
    static ResourceStore.IdMinter minter() {
        return (resource, seq, random) -> F.textNode(sfId(keyPrefix(resource.name()), seq));
    }

    /** The object's key prefix: the standard one when Salesforce has it, else a stable custom-object-like one. */
    static String keyPrefix(String object) {
        String known = KEY_PREFIXES.get(object);
        if (known != null) return known;
        int h = Math.abs(object.hashCode());
        return "a" + BASE62.charAt(h % 62) + BASE62.charAt((h / 62) % 62);
    }

    /** An 18-character id: 3-char key prefix, pod "Gx", a reserved 0, 9 base-62 digits of the sequence, 3-char case suffix. */
    static String sfId(String prefix, long seq) {
        StringBuilder digits = new StringBuilder();
        long n = seq;
        do {
            digits.append(BASE62.charAt((int) (n % 62)));
            n /= 62;
        } while (n > 0);
        while (digits.length() < 9) digits.append('0');
        return to18(prefix + "Gx0" + digits.reverse());
    }

    /**
     * Salesforce's case-safe suffix: for each 5-character chunk of the 15-character id, a bit per upper-case letter,
     * mapped onto A–Z0–5 (the documented algorithm behind CASESAFEID()).
     */
    static String to18(String id15) {
        StringBuilder out = new StringBuilder(id15);
        for (int chunk = 0; chunk < 3; chunk++) {
            int flags = 0;
            for (int i = 0; i < 5; i++) {
                char c = id15.charAt(chunk * 5 + i);
                if (c >= 'A' && c <= 'Z') flags |= 1 << i;
            }
            out.append("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345".charAt(flags));
        }
        return out.toString();
    }

    /** Salesforce accepts both the 15- and the 18-character form of an id. */
    static String normalizeId(String id) {
        return id != null && id.length() == 15 && isIdShaped(id) ? to18(id) : id;
    }

    /** Whether the text has the shape of a record id: 15 or 18 base-62 characters. */
    static boolean isIdShaped(String id) {
        return id != null
                && (id.length() == 15 || id.length() == 18)
                && id.chars().allMatch(c -> BASE62.indexOf(c) >= 0);
    }
}
