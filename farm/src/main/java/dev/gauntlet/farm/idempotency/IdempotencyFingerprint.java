package dev.gauntlet.farm.idempotency;

import dev.gauntlet.farm.http.FarmRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * What "the same request" means for an idempotency key: the same endpoint (method and path) and the same parameters.
 * Stripe "compares incoming parameters to those of the original request" (docs.stripe.com/idempotency), not bytes: it
 * decodes the form into parameters first, so {@code b=2&a=1} is the same request as {@code a=1&b=2}, and
 * {@code name=Ada+L} the same as {@code name=Ada%20L}. A form body is therefore compared as its decoded pairs sorted by
 * name; pairs with the same name keep their order, since that order is the order of an array ({@code expand[]=a&expand[]=b}
 * is not {@code expand[]=b&expand[]=a}). Other bodies are compared byte for byte.
 */
public final class IdempotencyFingerprint {
    private IdempotencyFingerprint() {}

    public static String of(FarmRequest request) {
        MessageDigest md = sha256();
        md.update(request.method().getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        md.update(request.path().getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        List<Map.Entry<String, String>> pairs = request.isForm() ? formPairs(request.body()) : null;
        if (pairs == null) {
            md.update(request.body());
        } else {
            for (Map.Entry<String, String> pair : pairs) {
                md.update(pair.getKey().getBytes(StandardCharsets.UTF_8));
                md.update((byte) '=');
                md.update(pair.getValue().getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
            }
        }
        return HexFormat.of().formatHex(md.digest(), 0, 12);
    }

    /** The decoded pairs of a form body sorted by name (stably), or null when it is not valid form encoding. */
    static List<Map.Entry<String, String>> formPairs(byte[] body) {
        List<Map.Entry<String, String>> pairs = new ArrayList<>();
        for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                pairs.add(Map.entry(name, value));
            } catch (IllegalArgumentException e) {
                // The handler refuses such a body with a 400, which frees the key; its bytes are fingerprint enough.
                return null;
            }
        }
        pairs.sort(Map.Entry.comparingByKey(Comparator.naturalOrder()));
        return pairs;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
