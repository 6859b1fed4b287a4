package dev.gauntlet.mesh.idempotency;

import dev.gauntlet.mesh.MeshRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Derives a write's idempotency key from its logical operation: SHA-256 over connector id, tenant, method, path and
 * the caller's opId. Without an opId the body is hashed too, so the same write sent again (a caller's own retry)
 * gets the same key and the upstream commits it once; the price is that two deliberately identical writes without
 * opIds collapse into one — a caller that means two must name them with two opIds.
 */
public final class IdempotencyKeys {
    private static final HexFormat HEX = HexFormat.of();
    /** Cloned per key: {@code MessageDigest.getInstance} looks the provider up on every call (measured on the write path). */
    private static final MessageDigest SHA256 = sha256();

    private IdempotencyKeys() {}

    /** "mesh_" and 32 hex digits (128 bits of the digest: collisions are out of reach, and vendors cap key length at 255). */
    public static String derive(String connector, MeshRequest request) {
        MessageDigest sha = fresh();
        field(sha, connector);
        field(sha, request.tenant());
        field(sha, request.method());
        field(sha, request.path());
        if (request.opId() != null) {
            sha.update((byte) 'o');
            field(sha, request.opId());
        } else {
            sha.update((byte) 'b');
            sha.update(request.body());
        }
        byte[] d = sha.digest();
        return "mesh_" + HEX.formatHex(d, 0, 16);
    }

    /** Each field is length-prefixed, so ("ab","c") and ("a","bc") never hash alike. */
    private static void field(MessageDigest sha, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        sha.update((byte) (b.length >>> 24));
        sha.update((byte) (b.length >>> 16));
        sha.update((byte) (b.length >>> 8));
        sha.update((byte) b.length);
        sha.update(b);
    }

    private static MessageDigest fresh() {
        try {
            return (MessageDigest) SHA256.clone();
        } catch (CloneNotSupportedException e) {
            return sha256();
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
