package dev.gauntlet.mesh;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.StringJoiner;

/** Form encoding with Stripe's bracket notation for nested objects and arrays ({@code metadata[op_id]=x}). */
public final class Forms {
    private Forms() {}

    public static String encode(JsonNode node) {
        StringJoiner out = new StringJoiner("&");
        node.properties().forEach(e -> add(out, e.getKey(), e.getValue()));
        return out.toString();
    }

    private static void add(StringJoiner out, String key, JsonNode value) {
        if (value.isObject()) {
            value.properties().forEach(e -> add(out, key + "[" + e.getKey() + "]", e.getValue()));
        } else if (value.isArray()) {
            for (int i = 0; i < value.size(); i++) add(out, key + "[" + i + "]", value.get(i));
        } else if (!value.isNull()) {
            out.add(URLEncoder.encode(key, StandardCharsets.UTF_8) + "="
                    + URLEncoder.encode(value.asText(), StandardCharsets.UTF_8));
        }
    }
}
