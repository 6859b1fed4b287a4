package dev.gauntlet.harness.connectors;

import java.util.Locale;
import java.util.Set;

/** Which headers carry secrets, so they are write-only: redacted wherever they are read back. */
public final class Secrets {

    private static final Set<String> NAMES = Set.of("authorization", "apikey", "api-key", "x-api-key", "dd-api-key",
            "dd-application-key", "cookie", "proxy-authorization");

    private Secrets() {}

    public static boolean isSecretHeader(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return NAMES.contains(n) || n.contains("secret") || n.contains("token");
    }
}
